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
 * @module
 */
import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { AppEnv } from "./context.ts";
import { errorPage } from "./render.tsx";

/** What a client is told when its body ended before the length it announced. */
export const ENDED_EARLY_MESSAGE = "The request body ended before it was complete.";

/**
 * Whether `error` is the runtime failing to read this request's body because the client stopped
 * sending it (closed the connection before `Content-Length` bytes or the last chunk): Deno
 * raises `BadResource` ("Cannot read request body as underlying resource unavailable"). That is
 * the client's doing, answered 400, not a server error.
 *
 * @param error what a handler threw
 * @param request the request being handled
 * @returns `true` for a body that ended early
 */
export function bodyEndedEarly(error: unknown, request: Request): boolean {
  return error instanceof Deno.errors.BadResource && request.body !== null;
}

/** The most bytes any request body may have: 32 KiB. */
export const MAX_BODY_BYTES = 32 * 1024;

/** What a person is told when a body is over the limit. */
export const TOO_LARGE_MESSAGE = "This request is too large (the limit is 32 KB).";

/**
 * The body-limit middleware: 413 with {@link TOO_LARGE_MESSAGE} (JSON `{error, status}` under
 * `/api/`, an error page elsewhere) when a body is over `maxBytes`; otherwise the body, read at
 * most once, is handed on.
 *
 * @param options `maxBytes`: the limit in bytes (a positive integer; default {@link MAX_BODY_BYTES})
 * @returns the middleware
 * @throws {RangeError} when `maxBytes` is not a positive integer
 * @example Use before any middleware or route that reads a body
 * ```ts
 * import { Hono } from "hono";
 * import type { AppEnv } from "./context.ts";
 * const app = new Hono<AppEnv>();
 * app.use(bodyLimits({ maxBytes: 1024 }));
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
  return bodyLimit({
    maxSize: maxBytes,
    onError: (c) => {
      c.header("Connection", "close");
      if (c.req.path.startsWith("/api/")) return c.json({ error: message, status: 413 }, 413);
      return errorPage(c, 413, message);
    },
  }) as MiddlewareHandler<AppEnv>;
}
