/**
 * How the Google source talks to the Admin SDK through `googleapis`: per-request options (token,
 * signal, body limit, retries and `Retry-After`), paging, and failures in plain words. Changes when
 * the transport or Google's error shapes change; what the answers mean is `parse.ts`, the lookups
 * `mod.ts`.
 *
 * @module
 */
import type { Common } from "googleapis";
import type { Logger } from "../../../config/log.ts";
import { NotFoundError, UpstreamError } from "../../../engine/core/ports.ts";
import type { DeviceRecord } from "../../../engine/core/types.ts";
import { sleep } from "../../../lib/abort.ts";
import { errorMessage } from "../../../lib/error_message.ts";
import { outboundFetch } from "../../outbound.ts";
import { rateLimitOf } from "../../rate_limit.ts";
import { RateLimitError } from "../../retry_after.ts";
import { MalformedDeviceError } from "./parse.ts";
import type { TokenProvider } from "./token.ts";

/** The largest answer read from the Admin SDK, in bytes. */
const MAX_ANSWER_BYTES = 4 * 1024 * 1024;
const MAX_PAGES = 100;
/** googleapis' transport goes through the outbound rules (GOOGLE_API_ROOT_URL may name http:). */
const ADMIN_SDK_FETCH = outboundFetch("source", {
  name: "Google Admin SDK",
  allowHttp: true,
  maxBytes: MAX_ANSWER_BYTES,
});
const RETRIES = 3;
/** The longest `Retry-After` waited for, in ms. */
const MAX_RETRY_AFTER_MS = 60_000;
const AUTH_HINT =
  "; check GOOGLE_API_SCOPES and the service account's domain-wide delegation for GOOGLE_API_USERNAME";

/** Pages of an Admin SDK list: the items and the token of the next page. */
export interface Page {
  items: unknown[];
  next: string | undefined;
}

/**
 * Per-request options for `googleapis` calls: the bearer token, the caller's signal, a body limit,
 * and retries on transport errors, 5xx and rate limits — 429 and Google's 403
 * `userRateLimitExceeded` / `rateLimitExceeded` (`rate_limit.ts`; the Admin SDK's "Limits and
 * quotas" page asks for exponential back-off) — waiting what `Retry-After` asks, at most 60 s.
 *
 * @param tokens hands out the service account's access tokens
 * @param backoff the pause before retry `attempt` (1-based) after a 5xx or transport error, in ms
 * @param rateLimitBackoff the pause before retry `attempt` after a rate limit without
 *   `Retry-After`, in ms (default: Google's 2^n seconds plus up to 1 s of jitter)
 * @returns a function giving one request's options under `signal`
 */
export function googleRequestOptions(
  tokens: TokenProvider,
  backoff: (attempt: number) => number,
  rateLimitBackoff: (attempt: number) => number = googleRateLimitBackoff,
): (signal: AbortSignal) => Promise<Common.MethodOptions> {
  return async function requestOptions(signal) {
    const token = await tokens.token(signal);
    return {
      headers: { authorization: `Bearer ${token}` },
      signal,
      // One person's devices or sign-ins fit in far less; a larger answer is refused while it
      // streams instead of being parsed whole (which would stall every other request).
      maxContentLength: MAX_ANSWER_BYTES,
      fetchImplementation: ADMIN_SDK_FETCH,
      retry: true,
      retryConfig: {
        retry: RETRIES,
        noResponseRetries: RETRIES,
        httpMethodsToRetry: ["GET"],
        // gaxios retries 403 only when told: Google's rate limits come as 403 too.
        statusCodesToRetry: [[403, 403], [429, 429], [500, 599]],
        shouldRetry: (err) => {
          if (signal.aborted) return false;
          const attempt = err.config.retryConfig?.currentRetryAttempt ?? 0;
          const status = err.response?.status;
          if (attempt >= RETRIES) return false;
          if (status === undefined || status >= 500) return true;
          return rateLimitOfGaxios(err)?.retryable ?? false;
        },
        // A rate limit waits as its Retry-After says (capped), anything else backs off.
        retryBackoff: (err) => {
          const attempt = (err.config.retryConfig?.currentRetryAttempt ?? 0) + 1;
          const limit = rateLimitOfGaxios(err);
          const wait = limit === null
            ? backoff(attempt)
            : limit.retryAfterMs ?? rateLimitBackoff(attempt);
          return sleep(Math.min(wait, MAX_RETRY_AFTER_MS), signal);
        },
      },
    };
  };
}

/** Google's exponential back-off for rate limits: 2^(n-1) s plus up to 1 s of jitter. */
function googleRateLimitBackoff(attempt: number): number {
  return 1000 * 2 ** (attempt - 1) + Math.random() * 1000;
}

/** The rate limit a gaxios failure carries (429, Google's 403 reasons), if any. */
function rateLimitOfGaxios(error: unknown) {
  const response = (error as {
    response?: { status?: unknown; headers?: unknown; data?: unknown };
  } | null)?.response;
  if (typeof response?.status !== "number") return null;
  const headers = response.headers instanceof Headers ? response.headers : new Headers();
  return rateLimitOf(response.status, headers, response.data);
}

/**
 * Follows `nextPageToken` until the last page, a repeated token, 100 pages or `cap` items.
 *
 * @param what the list, for messages (e.g. `mobile devices`)
 * @param signal the caller's signal (its abort is rethrown as is)
 * @param fetchPage fetches one page
 * @param cap the most items returned
 * @returns the items, at most `cap`
 * @throws {UpstreamError} or {NotFoundError} in plain words (see {@link upstreamError})
 */
export async function allPages(
  what: string,
  signal: AbortSignal,
  fetchPage: (pageToken: string | undefined) => Promise<Page>,
  cap = Infinity,
): Promise<unknown[]> {
  const items: unknown[] = [];
  let token: string | undefined;
  for (let page = 0; page < MAX_PAGES && items.length < cap; page++) {
    let answer: Page;
    try {
      answer = await fetchPage(token);
    } catch (error: unknown) {
      throw upstreamError(error, what, signal);
    }
    items.push(...answer.items);
    if (!answer.next || answer.next === token) break;
    token = answer.next;
  }
  return items.slice(0, cap);
}

/**
 * Processes each item; a malformed one (`MalformedDeviceError`) is skipped and the reasons are
 * logged once per list (`skipped malformed Google …`).
 *
 * @param log where skips are reported
 * @param what the list, for the log line
 * @param raws the items as Google sent them
 * @param process parses one item
 * @param onSkipped told about each skipped item (to count it)
 * @returns the parsed items
 * @throws whatever `process` throws other than `MalformedDeviceError`
 */
export function eachParsed<T>(
  log: Logger,
  what: string,
  raws: unknown[],
  process: (raw: unknown) => T,
  onSkipped?: (raw: unknown, problem: string) => void,
): T[] {
  const out: T[] = [];
  const reasons = new Set<string>();
  for (const raw of raws) {
    try {
      out.push(process(raw));
    } catch (error: unknown) {
      if (!(error instanceof MalformedDeviceError)) throw error;
      reasons.add(error.message);
      onSkipped?.(raw, error.message);
    }
  }
  if (reasons.size > 0) {
    log.warn(`skipped malformed Google ${what}`, {
      skipped: raws.length - out.length,
      reasons: [...reasons],
    });
  }
  return out;
}

/**
 * Maps a gaxios failure to plain words; never includes request headers (the bearer token).
 *
 * @param error what `googleapis` threw
 * @param what the call, for messages (e.g. `usage report`)
 * @param signal the caller's signal: once aborted, its reason is returned as is
 * @returns a `NotFoundError` (404), a `RateLimitError` worded "rate limited" (429, or 403 with
 *   Google's rate-limit reasons), an `UpstreamError` naming the status and Google's text (with
 *   what to check on other 401/403) or the transport failure, or `error` itself when already typed
 */
export function upstreamError(error: unknown, what: string, signal: AbortSignal): unknown {
  if (signal.aborted) return signal.reason;
  if (error instanceof UpstreamError || error instanceof NotFoundError) return error;
  const status = statusOf(error);
  if (status === 404) return new NotFoundError(`Google ${what}: not found`);
  const limit = rateLimitOfGaxios(error);
  if (limit !== null) {
    // Never "check your scopes": the credentials are fine, Google asks us to slow down.
    const after = limit.retryable ? ` after ${RETRIES} retries with back-off` : "";
    return new RateLimitError(
      `Google ${what}: rate limited (${limit.reason})${after}; Google's quota for the Admin ` +
        `SDK was reached, the next lookup will try again`,
      limit.retryAfterMs,
      { status: status ?? 429, retryable: limit.retryable },
    );
  }
  if (status !== undefined) {
    const detail = googleMessage(error);
    const hint = status === 401 || status === 403 ? AUTH_HINT : "";
    return new UpstreamError(
      `Google ${what} failed with HTTP ${status}${detail ? ` (${detail})` : ""}${hint}`,
      status,
    );
  }
  const code = (error as { code?: unknown } | null)?.code;
  return new UpstreamError(
    `Google ${what} unreachable (${typeof code === "string" ? code : errorMessage(error)})`,
  );
}

/**
 * The parsed body of an Admin SDK answer. gaxios hands over the raw text when the body is not JSON;
 * that is the upstream's failure, never "nothing found".
 *
 * @throws {UpstreamError} when the answer is not a JSON object
 */
export function answerOf<T>(data: T, what: string): T {
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    throw new UpstreamError(`Google ${what} answered malformed JSON`);
  }
  return data;
}

/** `[]` for a `NotFoundError`; any other error is rethrown. */
export function emptyIfNotFound(error: unknown): DeviceRecord[] {
  if (error instanceof NotFoundError) return [];
  throw error;
}

/** The HTTP status of an `UpstreamError` or a gaxios error, if any. */
export function statusOf(error: unknown): number | undefined {
  if (error instanceof UpstreamError) return error.status;
  const e = error as { status?: unknown; response?: { status?: unknown } } | null;
  const status = e?.response?.status ?? e?.status;
  return typeof status === "number" ? status : undefined;
}

/** Google's own error text from the JSON body (`error.message`), shortened. */
export function googleMessage(error: unknown): string {
  const data = (error as { response?: { data?: unknown } } | null)?.response?.data;
  const text = (data as { error?: { message?: unknown } } | null)?.error?.message;
  return typeof text === "string" ? text.slice(0, 200) : "";
}
