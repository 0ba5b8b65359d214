/**
 * Recognising a rate limit in every form a vendor sends it, so that it is retried with back-off
 * and worded "rate limited" — never "check your scopes" or "invalid response code":
 * - HTTP 429, any vendor (RFC 6585 §4), with `Retry-After` (RFC 9110 §10.2.3) or Okta's
 *   `X-Rate-Limit-Reset` (epoch seconds, developer.okta.com "Rate limits");
 * - Google APIs: HTTP 403 with `errors[].reason` `userRateLimitExceeded` or `rateLimitExceeded`
 *   (domain `usageLimits`), or `error.status` `RESOURCE_EXHAUSTED` (Admin SDK "Limits and quotas":
 *   retry with exponential back-off; GAM-team/GAM#1643); `quotaExceeded` and
 *   `dailyLimitExceeded` are limits too, though waiting seconds will not lift them;
 * - Microsoft Graph: HTTP 429, or 503 with `Retry-After` (learn.microsoft.com/graph/throttling:
 *   "throttled requests return 429 or 503 with a Retry-After header");
 * - Duo Admin API: HTTP 429 with `{"code": 42901, "stat": "FAIL"}` (duo.com/docs/adminapi,
 *   "Response Format").
 * Pure: the caller reads the body (bounded) and hands it over. One reason to change: a vendor's
 * new way of saying "slow down".
 *
 * @module
 */

/** A recognised rate limit: the vendor's words for it, and how long it asked us to wait. */
export interface RateLimit {
  /** e.g. `HTTP 429`, `HTTP 403 userRateLimitExceeded`, `HTTP 503 with Retry-After`, `Duo 42901`. */
  reason: string;
  /** The wait the upstream asked for, in ms, when it said. */
  retryAfterMs: number | null;
  /** Whether waiting a few seconds can help (a daily quota will not lift before tomorrow). */
  retryable: boolean;
}

const GOOGLE_RETRYABLE = new Set(["userRateLimitExceeded", "rateLimitExceeded"]);
const GOOGLE_QUOTA = new Set(["quotaExceeded", "dailyLimitExceeded"]);

/**
 * Whether an upstream answer is a rate limit, in any of the forms in the module doc.
 *
 * @param status the HTTP status
 * @param headers the answer's headers (`Retry-After`, `X-Rate-Limit-Reset`)
 * @param body the answer's body: parsed JSON, its text, or `undefined` when not read
 * @param now the clock for HTTP dates and reset times
 * @returns the rate limit, or `null` when the answer is something else (a 403 refusing our
 *   credentials stays an authentication failure)
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const quota = {
 *   error: { code: 403, errors: [{ domain: "usageLimits", reason: "userRateLimitExceeded" }] },
 * };
 * assert.equal(rateLimitOf(403, new Headers(), quota)?.reason, "HTTP 403 userRateLimitExceeded");
 * assert.equal(
 *   rateLimitOf(503, new Headers({ "Retry-After": "2" }), undefined)?.retryAfterMs,
 *   2000,
 * );
 * const refused = { error: { message: "Not Authorized to access this resource/api" } };
 * assert.equal(rateLimitOf(403, new Headers(), refused), null); // a refusal, not a limit
 * ```
 */
export function rateLimitOf(
  status: number,
  headers: Headers,
  body: unknown,
  now: Date = new Date(),
): RateLimit | null {
  const json = typeof body === "string" ? parseJson(body) : body;
  const wait = waitAsked(headers, now);
  if (status === 429) {
    const duo = (json as { code?: unknown } | null)?.code === 42901;
    return { reason: duo ? "Duo 42901" : "HTTP 429", retryAfterMs: wait, retryable: true };
  }
  if (status === 503 && headers.has("Retry-After")) {
    return { reason: "HTTP 503 with Retry-After", retryAfterMs: wait, retryable: true };
  }
  if (status === 403) {
    const google = googleReason(json);
    if (google === null) return null;
    return {
      reason: `HTTP 403 ${google}`,
      retryAfterMs: wait,
      retryable: !GOOGLE_QUOTA.has(google),
    };
  }
  return null;
}

/** Google's rate-limit reason in an error body (`errors[].reason` or `error.status`), if any. */
function googleReason(json: unknown): string | null {
  const error = (json as { error?: unknown } | null)?.error;
  if (typeof error !== "object" || error === null) return null;
  const e = error as { errors?: unknown; status?: unknown };
  const reasons = Array.isArray(e.errors)
    ? e.errors.map((x) => (x as { reason?: unknown } | null)?.reason)
    : [];
  const found = reasons.find((r): r is string =>
    typeof r === "string" && (GOOGLE_RETRYABLE.has(r) || GOOGLE_QUOTA.has(r))
  );
  if (found !== undefined) return found;
  return e.status === "RESOURCE_EXHAUSTED" ? "RESOURCE_EXHAUSTED" : null;
}

/**
 * How long an answer asks us to wait, in ms: `Retry-After` (delta-seconds or an HTTP date), else
 * Okta's `X-Rate-Limit-Reset` (epoch seconds when the window resets).
 *
 * @param headers the answer's headers
 * @param now the clock for dates
 * @returns the wait (0 for a time already past), or `null` when the answer did not say
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(waitAsked(new Headers({ "Retry-After": "3" })), 3000);
 * const reset = new Headers({ "X-Rate-Limit-Reset": "1796547660" }); // epoch seconds
 * assert.equal(waitAsked(reset, new Date(1796547600000)), 60000);
 * ```
 */
export function waitAsked(headers: Headers, now: Date = new Date()): number | null {
  const retryAfter = headers.get("Retry-After")?.trim();
  if (retryAfter) {
    if (/^\d+(\.\d+)?$/.test(retryAfter)) return Math.round(Number(retryAfter) * 1000);
    const at = Date.parse(retryAfter);
    if (!Number.isNaN(at)) return Math.max(0, at - now.getTime());
  }
  const reset = headers.get("X-Rate-Limit-Reset")?.trim();
  if (reset && /^\d{9,11}$/.test(reset)) return Math.max(0, Number(reset) * 1000 - now.getTime());
  return null;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
