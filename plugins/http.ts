/**
 * The base of every REST plugin: JSON over HTTP under the caller's deadline, retries with
 * exponential back-off (and jitter) on transport errors and 5xx, typed errors for not-found,
 * authentication failure, rate limiting and unusable answers, and messages free of secrets.
 * Changes when the request/response cycle changes; the body limit (`http_body.ts`), the abort
 * helpers (`http_abort.ts`), redaction (`http_redact.ts`) and the 429 rule (`retry_after.ts`)
 * live beside it.
 *
 * @module
 */
import { NotFoundError, UpstreamError } from "../engine/core/ports.ts";
import { deadlineSignal, notAnsweredWithin, sleep } from "../lib/abort.ts";
import { errorMessage } from "../lib/error_message.ts";
import { cannotReach, hostPort } from "../lib/fetch_failure.ts";
import { vendorErrorCode } from "../lib/vendor_error.ts";
import { readBounded } from "./http_body.ts";
import {
  ANSWER_CEILINGS,
  carriesCredentials,
  outbound,
  OutboundError,
  type OutboundKind,
} from "./outbound.ts";
import { secretRedactor } from "./http_redact.ts";
import { rateLimitOf } from "./rate_limit.ts";
import { nextThrottleStep, RateLimitError } from "./retry_after.ts";

/** The upstream refused our credentials (HTTP 401 or 403). */
export class AuthError extends UpstreamError {
  override name = "AuthError";
}

/**
 * How a source's failed connectivity check reads: `"<name>: "` and what went wrong, where — the
 * HTTP client's message without its own name (`cannot reach HOST:PORT (GET /path): connection
 * refused`, `received invalid response code (502) for HOST:PORT (GET /path)`), or the error's
 * message. A message that already starts with the name (`JAMF token request failed: …`) is kept
 * whole. Authentication failures are worded by each source (what to check differs), so call this
 * after handling them.
 *
 * @param name the upstream as operators know it, e.g. `JAMF`, `bitFit`
 * @param error what the check's request threw
 * @returns the error to throw; its `status` is the upstream's HTTP status (404 for not found)
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { UpstreamError } from "../engine/core/ports.ts";
 * const named = "JAMF: received invalid response code (502) for x.example:443 (GET /)";
 * assert.equal(connectionFailure("JAMF", new UpstreamError(named, 502)).message, named);
 * assert.equal(connectionFailure("JAMF", new Error("reset")).message, "JAMF: reset");
 * ```
 */
export function connectionFailure(name: string, error: unknown): UpstreamError {
  const status = error instanceof NotFoundError
    ? 404
    : error instanceof UpstreamError
    ? error.status
    : undefined;
  const detail = errorMessage(error);
  const named = new RegExp(`^${name.replace(/[^\w]/g, "\\$&")}[: ]`, "i").test(detail);
  return new UpstreamError(named ? detail : `${name}: ${detail}`, status);
}

/** How a client is built. */
export interface HttpClientOptions {
  /** Upstream name used in messages, e.g. `JAMF`. */
  name: string;
  /** Prefix of every request; the request path is appended to it. */
  baseUrl: string;
  /** Overall limit for one call including retries, in ms; `null` leaves it to the caller's signal. */
  timeoutMs: number | null;
  /** Headers sent with every request (e.g. `Authorization`). */
  headers?: Record<string, string>;
  /** Query parameters sent with every request (e.g. `api_token`); their values are secret. */
  query?: Record<string, string>;
  /** Attempts after the first, on transport errors and 5xx only (default 3). */
  retries?: number;
  /** First back-off in ms, doubled each retry (default 100). */
  backoffMs?: number;
  /** Largest body accepted, in bytes (default: the kind's ceiling, 10 MiB for a source). */
  maxBytes?: number;
  /** What the requests are for (default `source`); see `ANSWER_CEILINGS` in `outbound.ts`. */
  kind?: OutboundKind;
  /** Replaces the transport under `outbound()` (tests). */
  fetch?: typeof fetch;
  /**
   * Attempts after an HTTP 429 (default 2), each after the upstream's `Retry-After` (RFC 9110
   * §10.2.3), or the 5xx back-off when it gave none. A wait longer than `maxRetryAfterMs`, or
   * than `timeoutMs`, is not waited: the `RateLimitError` is thrown at once. `0` for callers that
   * honour 429 themselves (`withRetryAfter`, Duo's poller).
   */
  rateLimitRetries?: number;
  /** Longest `Retry-After` waited, in ms (default 30 000). */
  maxRetryAfterMs?: number;
  /** Waits between attempts (default: a timer the signal cancels); tests record waits. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /**
   * Words a refusal in the upstream's own terms (a token endpoint's `error_description`): given
   * the status and the first 64 KiB of a non-2xx answer that is not a rate limit, after the 5xx
   * retries, the error to throw; `undefined` keeps the client's own.
   */
  refused?: (answer: { status: number; body: string }) => Error | undefined;
}

/** What one request is given. */
export interface RequestOptions {
  signal: AbortSignal;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  /** A JSON-serialisable value, or `URLSearchParams` for a form body (OAuth token requests). */
  body?: unknown;
  /** `json` (default) parses the body; `text` returns it as a string. */
  as?: "json" | "text";
}

/** A successful answer. */
export interface HttpResponse {
  status: number;
  headers: Headers;
  /** Parsed JSON (`null` for an empty body) or text. */
  body: unknown;
}

/** A JSON-over-HTTP client bound to one upstream. */
export interface HttpClient {
  getJson(path: string, options: { signal: AbortSignal; query?: Record<string, string> }): Promise<
    unknown
  >;
  postJson(
    path: string,
    body: unknown,
    options: { signal: AbortSignal; headers?: Record<string, string> },
  ): Promise<unknown>;
  request(method: string, path: string, options: RequestOptions): Promise<HttpResponse>;
}

/**
 * How much of a refused answer is read, to recognise a vendor's rate limit (`rate_limit.ts`) and
 * its error code (the rest is dropped).
 */
const ERROR_BODY_BYTES = 64 * 1024;

/** The HTTP Basic `Authorization` value, re-exported for REST plugins (defined in lib/). */
export { basicAuth } from "../lib/basic_auth.ts";

/**
 * Creates a client for one upstream.
 *
 * @param options upstream name and address, deadline, credentials and retry policy
 * @returns the client
 * @example Reading JSON under a deadline
 * ```ts
 * import assert from "node:assert/strict";
 * const asked: string[] = [];
 * const fetch = (url: string | URL | Request) => {
 *   asked.push(String(url));
 *   return Promise.resolve(Response.json({ user: { id: 7, name: "pfry" } }));
 * };
 * const jamf = createHttpClient({ name: "JAMF", baseUrl: "https://x.jamfcloud.com/JSSResource",
 *   timeoutMs: 5000, headers: { Authorization: basicAuth("api", "secret") }, fetch });
 * const user = await jamf.getJson("/users/name/pfry", { signal: AbortSignal.timeout(10_000) });
 * assert.deepEqual(user, { user: { id: 7, name: "pfry" } });
 * assert.deepEqual(asked, ["https://x.jamfcloud.com/JSSResource/users/name/pfry"]);
 * ```
 */
export function createHttpClient(options: HttpClientOptions): HttpClient {
  const base = options.baseUrl.replace(/\/+$/, "");
  const retries = options.retries ?? 3;
  const backoffMs = options.backoffMs ?? 100;
  const kind = options.kind ?? "source";
  const maxBytes = options.maxBytes ?? ANSWER_CEILINGS[kind];
  const pause = options.sleep ?? sleep;
  const throttle = {
    retries: options.rateLimitRetries ?? 2,
    maxMs: Math.min(options.maxRetryAfterMs ?? 30_000, options.timeoutMs ?? Infinity),
    backoffMs: (retried: number) => delay(backoffMs, retried),
  };
  const clean = secretRedactor(options);

  async function request(
    method: string,
    path: string,
    opts: RequestOptions,
  ): Promise<HttpResponse> {
    const url = new URL(base + (path === "" || path.startsWith("/") ? path : `/${path}`));
    for (const [k, v] of Object.entries({ ...options.query, ...opts.query })) {
      url.searchParams.set(k, v);
    }
    const where = clean(`${method} ${url.pathname}${url.search}`);
    const headers = new Headers({
      Accept: "application/json",
      ...options.headers,
      ...opts.headers,
    });
    let body: string | undefined;
    if (opts.body instanceof URLSearchParams) {
      body = opts.body.toString();
      if (!headers.has("Content-Type")) {
        headers.set("Content-Type", "application/x-www-form-urlencoded");
      }
    } else if (opts.body !== undefined) {
      body = JSON.stringify(opts.body);
      if (!headers.has("Content-Type")) headers.set("Content-Type", "application/json");
    }
    const { signal, done } = deadlineSignal(
      opts.signal,
      options.timeoutMs,
      (ms) => new UpstreamError(notAnsweredWithin(options.name, ms)),
    );
    let throttled = 0;
    try {
      for (let attempt = 0;; attempt++) {
        signal.throwIfAborted();
        let response: Response;
        try {
          const init = { method, headers, body: body ?? null };
          response = await outbound(kind, url, init, {
            name: options.name,
            signal,
            maxBytes,
            allowHttp: true, // the base URL is a setting
            credentialed: options.query !== undefined || carriesCredentials(init),
            secrets: Object.values(options.query ?? {}),
            ...(options.fetch ? { fetch: options.fetch } : {}),
          });
        } catch (error: unknown) {
          signal.throwIfAborted();
          if (error instanceof OutboundError && error.reason === "too-large") {
            throw tooLarge(`${options.name}: ${where}`, maxBytes);
          }
          if (error instanceof OutboundError && error.reason !== "unreachable") throw error;
          if (attempt < retries) {
            await pause(delay(backoffMs, attempt), signal);
            continue;
          }
          const why = error instanceof OutboundError ? error.cause ?? error : error;
          throw new UpstreamError(clean(`${options.name}: ${cannotReach(url, where, why)}`));
        }
        // a refusal's body, read once (bounded): a rate limit in a vendor's form, or its error code
        const refusal = response.ok
          ? ""
          : await readBounded(response, ERROR_BODY_BYTES).catch(() => null) ?? "";
        const limited = rateLimitError(options.name, where, response, refusal);
        if (limited === null && response.status >= 500 && attempt < retries) {
          await discard(response);
          await pause(delay(backoffMs, attempt), signal);
          continue;
        }
        if (!response.ok) {
          await discard(response);
          const error = limited ?? options.refused?.({ status: response.status, body: refusal }) ??
            statusError(
              options.name,
              `${hostPort(url)} (${where})`,
              response,
              shownCode(vendorErrorCode(refusal), sentValues(headers, opts.body, body)),
            );
          const step = error instanceof RateLimitError
            ? nextThrottleStep(error, throttled, throttle)
            : null;
          if (step !== null && "wait" in step) {
            await pause(step.wait, signal);
            throttled++;
            attempt--; // a 429 spends the rate-limit retries, not the 5xx ones
            continue;
          }
          throw error;
        }
        const text = await readText(response, maxBytes, `${options.name}: ${where}`);
        if (opts.as === "text") {
          return { status: response.status, headers: response.headers, body: text };
        }
        return { status: response.status, headers: response.headers, body: parseJson(text, where) };
      }
    } catch (error: unknown) {
      // this request's own deadline (not the caller's): say where it went
      if (signal.aborted && !opts.signal?.aborted && options.timeoutMs !== null) {
        throw new UpstreamError(
          notAnsweredWithin(`${options.name}: ${hostPort(url)} (${where})`, options.timeoutMs),
        );
      }
      throw error;
    } finally {
      done();
    }
  }

  function parseJson(text: string, where: string): unknown {
    if (text.trim() === "") return null;
    try {
      return JSON.parse(text);
    } catch {
      throw new UpstreamError(`${options.name}: ${where} answered malformed JSON`);
    }
  }

  return {
    request,
    getJson: async (path, o) => (await request("GET", path, o)).body,
    postJson: async (path, body, o) => (await request("POST", path, { ...o, body })).body,
  };
}

/**
 * What a request sent that an upstream could echo back: header values (a Basic header also as its
 * decoded user and password), the form fields, the body. An error code repeating any of them is an
 * echoed secret, never shown.
 */
function sentValues(headers: Headers, form: unknown, body: string | undefined): string[] {
  const out: string[] = [];
  for (const [, value] of headers) {
    out.push(value);
    const basic = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(value)?.[1];
    if (basic !== undefined) {
      try {
        out.push(...atob(basic).split(":"));
      } catch { /* not base64: nothing more to hide */ }
    }
  }
  if (form instanceof URLSearchParams) { for (const [, v] of form) out.push(v); }
  if (body !== undefined) out.push(body);
  return out.filter((v) => v.length >= 4);
}

/** The vendor's error code when it repeats nothing the request sent, else none. */
function shownCode(code: string | undefined, sent: readonly string[]): string | undefined {
  if (code === undefined) return undefined;
  return sent.some((v) => v.includes(code) || code.includes(v)) ? undefined : code;
}

function statusError(
  name: string,
  where: string,
  response: Response,
  vendorCode: string | undefined,
): Error {
  const { status } = response;
  const shown = vendorCode === undefined ? `${status}` : `${status} ${vendorCode}`;
  if (status === 404) return new NotFoundError(`${name}: ${where} not found`);
  if (status === 401 || status === 403) {
    return new AuthError(`${name}: authentication failed (HTTP ${shown}) for ${where}`, status);
  }
  return new UpstreamError(
    `${name}: received invalid response code (${shown}) for ${where}`,
    status,
  );
}

/** Drops an answer's body unread (or what is left of it after `rateLimitError` read it). */
async function discard(response: Response): Promise<void> {
  if (!response.bodyUsed) await response.body?.cancel().catch(() => {});
}

/**
 * The answer as a `RateLimitError` when it is a rate limit in any vendor's form (a 429, Google's
 * 403 `userRateLimitExceeded`, Graph's 503 + `Retry-After`, Duo's 42901), else `null`. Looks at the
 * body (read by the caller, bounded) of a 403, 429 or 503 only.
 */
function rateLimitError(
  name: string,
  where: string,
  response: Response,
  body: string,
): RateLimitError | null {
  const { status } = response;
  if (status !== 403 && status !== 429 && status !== 503) return null;
  const limit = rateLimitOf(status, response.headers, body === "" ? undefined : body);
  if (limit === null) return null;
  return new RateLimitError(
    `${name}: rate limited (${limit.reason}) for ${where}`,
    limit.retryAfterMs,
    {
      status,
      retryable: limit.retryable,
    },
  );
}

async function readText(response: Response, maxBytes: number, what: string): Promise<string> {
  const text = await readBounded(response, maxBytes).catch((error: unknown) => {
    if (error instanceof OutboundError && error.reason === "too-large") return null;
    throw error;
  });
  if (text === null) throw tooLarge(what, maxBytes);
  return text;
}

function tooLarge(what: string, maxBytes: number): UpstreamError {
  return new UpstreamError(`${what} answered more than ${maxBytes} bytes`);
}

function delay(backoffMs: number, attempt: number): number {
  return backoffMs * 2 ** attempt + Math.random() * backoffMs;
}
