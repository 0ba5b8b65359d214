/**
 * One limit on request bodies, applied before anything parses them, on every route.
 *
 * Built on Hono's `bodyLimit` middleware (`hono/body-limit`), which counts the bytes of the body
 * stream itself when the request is chunked (`Transfer-Encoding`), keeps at most `maxBytes` in
 * memory, and stops reading at the first byte over the limit; a request with a `Content-Length`
 * is judged by that header, which the HTTP server enforces as the body's exact framing (HTTP/1.1
 * §6.3 of RFC 9112: a body is exactly `Content-Length` bytes; extra bytes would start the next
 * request). Over the limit the answer is 413 with a short message and the rest is never read.
 *
 * The limit comes from what the forms need: the largest is the feedback form (a 64-character
 * anti-CSRF token, an id of up to 200 characters, an answer of up to 100 and notes of up to 2,000
 * characters, `routes/feedback.ts` LIMITS). URL-encoded, a character costs up to 9 bytes (three
 * percent-encoded UTF-8 bytes), so 2,300 characters stay under 21 KB; 32 KiB leaves room and
 * still bounds the memory a request can take.
 *
 * Every body is read here, before any route: a chunked one by the limit itself, one with a
 * `Content-Length` (at most `maxBytes`) right after it. A body that ends before it is complete
 * (the client closed the connection mid-body; Deno's server then fails the read with
 * `BadResource`) is therefore told apart from a fault of a route: 400 with
 * {@link BODY_ENDED_MESSAGE}, never a 500 logged as an error and sent to the failure loggers.
 *
 * @module
 */
import type { Context, MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { AppEnv } from "../context.ts";
import { errorPage } from "../rendering/render.tsx";

/** The most bytes any request body may have: 32 KiB. */
export const MAX_BODY_BYTES = 32 * 1024;

/** What a person is told when a body is over the limit. */
export const TOO_LARGE_MESSAGE = "This request is too large (the limit is 32 KB).";

/** What a client is told when its request body ended before it was complete. */
export const BODY_ENDED_MESSAGE = "The request ended before all of it arrived. Try again.";

/**
 * The body-limit middleware: 413 with {@link TOO_LARGE_MESSAGE} (JSON `{error, status}` under
 * `/api/`, an error page elsewhere) when a body is over `maxBytes`; 400 with
 * {@link BODY_ENDED_MESSAGE} when it ends early; otherwise the body, read whole, is handed on.
 *
 * @param options `maxBytes`: the limit in bytes (a positive integer; default {@link MAX_BODY_BYTES})
 * @returns the middleware
 * @throws {RangeError} when `maxBytes` is not a positive integer
 * @example Use before any middleware or route that reads a body
 * ```ts
 * import assert from "node:assert/strict";
 * import { Hono } from "hono";
 * import type { AppEnv } from "../context.ts";
 * const app = new Hono<AppEnv>();
 * app.use(bodyLimits({ maxBytes: 1024 }));
 * app.post("/api/v1/feedback", async (c) => c.text(`read ${(await c.req.text()).length} bytes`));
 * const post = (body: string) => app.request("/api/v1/feedback", { method: "POST", body });
 * assert.equal(await (await post("x".repeat(1024))).text(), "read 1024 bytes");
 * const refused = await post("x".repeat(1025));
 * assert.equal(refused.status, 413);
 * assert.deepEqual(await refused.json(), {
 *   error: "This request is too large (the limit is 1024 bytes).",
 *   status: 413,
 * });
 * ```
 */
export function bodyLimits(
  options: { maxBytes?: number } = {},
): MiddlewareHandler<AppEnv> {
  const maxBytes = options.maxBytes ?? MAX_BODY_BYTES;
  if (!Number.isInteger(maxBytes) || maxBytes <= 0) {
    throw new RangeError(`bodyLimits: maxBytes must be a positive integer, got ${maxBytes}`);
  }
  const message = maxBytes === MAX_BODY_BYTES
    ? TOO_LARGE_MESSAGE
    : `This request is too large (the limit is ${maxBytes} bytes).`;
  const limit = bodyLimit({
    maxSize: maxBytes,
    onError: (c) => refuse(c, 413, message),
  }) as MiddlewareHandler<AppEnv>;
  return async function bodyLimits(c, next) {
    let handedOn = false;
    try {
      return await limit(c, async () => {
        const raw = c.req.raw;
        if (raw.body !== null && raw.headers.has("content-length") && !BODYLESS.has(raw.method)) {
          // at most maxBytes (the limit judged the header, which the server enforces as framing)
          c.req.raw = new Request(raw, { body: await raw.arrayBuffer() });
        }
        handedOn = true;
        await next();
      });
    } catch (error: unknown) {
      // Errors of routes never get here (Hono hands them to app.onError): this one is the body's.
      if (handedOn) throw error;
      return refuse(c, 400, BODY_ENDED_MESSAGE);
    }
  };
}

/** Methods whose requests cannot carry a body in a `Request`. */
const BODYLESS = new Set(["GET", "HEAD"]);

/** The refusal: closes the connection (the rest of the body is never read). */
function refuse(
  c: Context<AppEnv>,
  status: 400 | 413,
  message: string,
): Response | Promise<Response> {
  c.header("Connection", "close");
  if (c.req.path.startsWith("/api/")) return c.json({ error: message, status }, status);
  return errorPage(c, status, message);
}
