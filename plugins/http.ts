/**
 * The base of every REST plugin: JSON over HTTP under the caller's deadline, retries with
 * exponential back-off (and jitter) on transport errors and 5xx, typed errors for not-found,
 * authentication failure, rate limiting and unusable answers, and messages free of secrets.
 *
 * @module
 */
import { NotFoundError, UpstreamError } from "../engine/ports.ts";

/** The upstream refused our credentials (HTTP 401 or 403). */
export class AuthError extends UpstreamError {
  override name = "AuthError";
}

/** The upstream asked us to slow down (HTTP 429). */
export class RateLimitError extends UpstreamError {
  override name = "RateLimitError";
  /** How long the upstream asked us to wait (`Retry-After`), when it said. */
  readonly retryAfterMs: number | null;
  /**
   * @param message plain words for an operator
   * @param retryAfterMs the upstream's `Retry-After`, in milliseconds
   */
  constructor(message: string, retryAfterMs: number | null) {
    super(message, 429);
    this.retryAfterMs = retryAfterMs;
  }
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
  /** Largest body accepted, in bytes (default 10 MiB). */
  maxBytes?: number;
  /** Replaces the global `fetch` (tests). */
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

const MIB = 1024 * 1024;
const SECRET_PARAM_RE =
  /([?&](?:api_token|token|access_token|apikey|api_key|key|password|secret|signature)=)[^&#\s"'):]*/gi;

/**
 * Hides the values of query parameters that usually carry secrets.
 *
 * @example
 * ```ts
 * redactUrl("/users?api_token=s3cret&search=x"); // "/users?api_token=REDACTED&search=x"
 * ```
 */
export function redactUrl(text: string): string {
  return text.replace(SECRET_PARAM_RE, "$1REDACTED");
}

/**
 * The value of an HTTP Basic `Authorization` header (UTF-8 credentials).
 *
 * @example
 * ```ts
 * basicAuth("user", "pass"); // "Basic dXNlcjpwYXNz"
 * ```
 */
export function basicAuth(username: string, password: string): string {
  const bytes = new TextEncoder().encode(`${username}:${password}`);
  return `Basic ${btoa(String.fromCharCode(...bytes))}`;
}

/**
 * Creates a client for one upstream.
 *
 * @param options upstream name and address, deadline, credentials and retry policy
 * @returns the client
 * @example Reading JSON under a deadline
 * ```ts
 * const jamf = createHttpClient({ name: "JAMF", baseUrl: "https://x.jamfcloud.com/JSSResource",
 *   timeoutMs: 5000, headers: { Authorization: basicAuth(user, password) } });
 * const user = await jamf.getJson("/users/name/pfry", { signal });
 * ```
 */
export function createHttpClient(options: HttpClientOptions): HttpClient {
  const base = options.baseUrl.replace(/\/+$/, "");
  const retries = options.retries ?? 3;
  const backoffMs = options.backoffMs ?? 100;
  const maxBytes = options.maxBytes ?? 10 * MIB;
  const doFetch = options.fetch ?? fetch;
  const pause = options.sleep ?? sleep;
  const rateLimitRetries = options.rateLimitRetries ?? 2;
  const longestWait = Math.min(options.maxRetryAfterMs ?? 30_000, options.timeoutMs ?? Infinity);
  const secrets = [
    ...Object.values(options.query ?? {}),
    ...Object.entries(options.headers ?? {})
      .filter(([k]) => k.toLowerCase() === "authorization")
      .flatMap(([, v]) => [v, v.replace(/^\w+\s+/, "")]),
  ].filter((s) => s.length >= 4);
  const clean = (text: string) =>
    secrets.reduce((t, s) => t.split(s).join("REDACTED"), redactUrl(text));

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
    const { signal, dispose } = withTimeout(opts.signal, options.timeoutMs, options.name);
    let throttled = 0;
    try {
      for (let attempt = 0;; attempt++) {
        signal.throwIfAborted();
        let response: Response;
        try {
          response = await doFetch(url, { method, headers, body: body ?? null, signal });
        } catch (error: unknown) {
          signal.throwIfAborted();
          if (attempt < retries) {
            await pause(delay(backoffMs, attempt), signal);
            continue;
          }
          const why = error instanceof Error ? error.message : String(error);
          throw new UpstreamError(clean(`${options.name}: cannot reach ${where}: ${why}`));
        }
        if (response.status >= 500 && attempt < retries) {
          await response.body?.cancel();
          await pause(delay(backoffMs, attempt), signal);
          continue;
        }
        if (!response.ok) {
          await response.body?.cancel();
          const error = statusError(options.name, where, response);
          if (error instanceof RateLimitError && throttled < rateLimitRetries) {
            const wait = error.retryAfterMs ?? delay(backoffMs, throttled);
            if (wait <= longestWait) {
              await pause(wait, signal);
              throttled++;
              attempt--; // a 429 spends the rate-limit retries, not the 5xx ones
              continue;
            }
          }
          throw error;
        }
        const text = await readText(response, maxBytes, `${options.name}: ${where}`);
        if (opts.as === "text") {
          return { status: response.status, headers: response.headers, body: text };
        }
        return { status: response.status, headers: response.headers, body: parseJson(text, where) };
      }
    } finally {
      dispose();
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

function statusError(name: string, where: string, response: Response): Error {
  const { status } = response;
  if (status === 404) return new NotFoundError(`${name}: ${where} not found`);
  if (status === 401 || status === 403) {
    return new AuthError(`${name}: authentication failed (HTTP ${status}) for ${where}`, status);
  }
  if (status === 429) {
    return new RateLimitError(
      `${name}: rate limited (HTTP 429) for ${where}`,
      retryAfterMs(response.headers.get("Retry-After")),
    );
  }
  return new UpstreamError(
    `${name}: received invalid response code (${status}) for ${where}`,
    status,
  );
}

/** `Retry-After` as milliseconds: delta-seconds or an HTTP date; `null` when absent or bad. */
export function retryAfterMs(value: string | null, now: Date = new Date()): number | null {
  if (value === null || value.trim() === "") return null;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Math.round(Number(value) * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now.getTime());
}

async function readText(response: Response, maxBytes: number, what: string): Promise<string> {
  const text = await readBounded(response, maxBytes);
  if (text === null) throw new UpstreamError(`${what} answered more than ${maxBytes} bytes`);
  return text;
}

/**
 * Reads a response body as text, giving up (and cancelling the body) as soon as it passes
 * `maxBytes`, so a huge or endless answer never fills memory.
 *
 * @returns the text, or `null` when the body is larger than `maxBytes`
 */
export async function readBounded(response: Response, maxBytes: number): Promise<string | null> {
  const declared = Number(response.headers.get("Content-Length") ?? "NaN");
  if (declared > maxBytes) {
    await response.body?.cancel();
    return null;
  }
  const reader = response.body?.getReader();
  if (!reader) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  const all = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.byteLength;
  }
  return new TextDecoder().decode(all);
}

function delay(backoffMs: number, attempt: number): number {
  return backoffMs * 2 ** attempt + Math.random() * backoffMs;
}

/** Waits `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

function withTimeout(
  parent: AbortSignal,
  timeoutMs: number | null,
  name: string,
): { signal: AbortSignal; dispose: () => void } {
  if (timeoutMs === null) return { signal: parent, dispose: () => {} };
  const controller = new AbortController();
  const onAbort = () => controller.abort(parent.reason);
  if (parent.aborted) onAbort();
  parent.addEventListener("abort", onAbort, { once: true });
  const timer = setTimeout(
    () =>
      controller.abort(new UpstreamError(`${name} did not answer within ${timeoutMs / 1000} s`)),
    timeoutMs,
  );
  return {
    signal: controller.signal,
    dispose: () => {
      clearTimeout(timer);
      parent.removeEventListener("abort", onAbort);
    },
  };
}

/** The URL without credentials, query or fragment: safe to print. */
export function safeUrl(url: string): string {
  const u = new URL(url);
  return `${u.origin}${u.pathname}`;
}

/** What {@link postJsonOnce} answers: the status and the body as JSON, text or `null`. */
export interface PostAnswer {
  status: number;
  ok: boolean;
  body: unknown;
}

/**
 * POSTs a JSON body once, with `User-Agent: Stethoscope` (the original's HTTP POST mixin,
 * spec §9.2), for plugins that retry on their own terms (the feedback outbox, batch summaries,
 * failure counters). A non-2xx answer is returned, not thrown; a transport failure throws an
 * `UpstreamError` naming the target without credentials; an abort rethrows the signal's reason.
 *
 * @param name the plugin, for messages
 * @param url the endpoint
 * @param body any JSON-serialisable value (dates become ISO strings)
 * @returns the answer; bodies over 1 MiB are not read
 */
export async function postJsonOnce(
  name: string,
  url: string,
  body: unknown,
  options: { signal?: AbortSignal; headers?: Record<string, string> },
): Promise<PostAnswer> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        "Accept": "application/json",
        "User-Agent": "Stethoscope",
        ...options.headers,
      },
      body: JSON.stringify(body),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (error: unknown) {
    if (options.signal?.aborted) throw options.signal.reason ?? error;
    const why = error instanceof Error ? error.message : String(error);
    throw new UpstreamError(`${name}: cannot reach ${safeUrl(url)}: ${redactUrl(why)}`);
  }
  const text = await readBounded(response, MIB) ?? "";
  let parsed: unknown = null;
  if (text.trim() !== "") {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = text;
    }
  }
  return { status: response.status, ok: response.ok, body: parsed };
}
