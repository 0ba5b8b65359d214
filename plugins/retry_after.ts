/**
 * Honouring HTTP 429 with `Retry-After` (RFC 9110 §10.2.3), in one place for the HTTP client and
 * for listing and lookup calls: wait as long as the upstream asked (or back off exponentially when
 * it did not say), retry a bounded number of times, and refuse waits longer than a limit rather
 * than hang a run. Microsoft Graph (https://learn.microsoft.com/graph/throttling) and Jamf Cloud
 * both throttle this way.
 *
 * @module
 */
import { UpstreamError } from "../engine/core/ports.ts";
import { sleep as abortableSleep } from "../lib/abort.ts";

/**
 * The upstream asked us to slow down: HTTP 429, or a vendor's other form of it (Google's 403
 * `userRateLimitExceeded`, Graph's 503 + `Retry-After`: see `rate_limit.ts`).
 */
export class RateLimitError extends UpstreamError {
  override name = "RateLimitError";
  /** How long the upstream asked us to wait (`Retry-After`), when it said. */
  readonly retryAfterMs: number | null;
  /** Whether waiting can help (`false` for a daily quota). */
  readonly retryable: boolean;
  /**
   * @param message plain words for an operator, saying "rate limited"
   * @param retryAfterMs the upstream's `Retry-After`, in milliseconds
   * @param options the HTTP status (default 429) and whether waiting can help (default true)
   */
  constructor(
    message: string,
    retryAfterMs: number | null,
    options: { status?: number; retryable?: boolean } = {},
  ) {
    super(message, options.status ?? 429);
    this.retryAfterMs = retryAfterMs;
    this.retryable = options.retryable ?? true;
  }
}

/**
 * `Retry-After` as milliseconds: delta-seconds or an HTTP date (RFC 9110 §10.2.3).
 *
 * @param value the header's value
 * @param now the clock for HTTP dates
 * @returns the wait in ms (0 for a date already past); `null` when absent or unreadable
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(retryAfterMs("3"), 3000);
 * assert.equal(retryAfterMs("Wed, 21 Oct 2015 07:28:00 GMT"), 0); // a date in the past
 * ```
 */
export function retryAfterMs(value: string | null, now: Date = new Date()): number | null {
  if (value === null || value.trim() === "") return null;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Math.round(Number(value) * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now.getTime());
}

/** How many 429s are waited out, and how long at most. */
export interface ThrottlePolicy {
  /** Retries after the first 429. */
  retries: number;
  /** Longest wait accepted, in ms. */
  maxMs: number;
  /** The wait when the upstream gave no `Retry-After`, for the `retried`-th retry (from 0), in ms. */
  backoffMs: (retried: number) => number;
}

/** What to do after a 429: wait, or give up and why. */
export type ThrottleStep =
  | { wait: number }
  | { refused: "retries" }
  | { refused: "too long"; asked: number };

/**
 * The one rule for a 429: after `retried` retries, give up when the policy's retries are spent;
 * else wait what `Retry-After` asked (or the back-off), unless that is longer than `maxMs`.
 *
 * @param error the 429 just received
 * @param retried how many 429s of this call were already waited out
 * @param policy retries, longest wait and back-off
 * @returns the wait in ms, or why not to retry
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const policy = { retries: 2, maxMs: 30_000, backoffMs: (n: number) => 1000 * 2 ** n };
 * assert.deepEqual(nextThrottleStep(new RateLimitError("429", 3000), 0, policy), { wait: 3000 });
 * assert.deepEqual(nextThrottleStep(new RateLimitError("429", null), 1, policy), { wait: 2000 });
 * assert.deepEqual(nextThrottleStep(new RateLimitError("429", 60_000), 0, policy), {
 *   refused: "too long",
 *   asked: 60000,
 * });
 * assert.deepEqual(nextThrottleStep(new RateLimitError("429", 0), 2, policy), {
 *   refused: "retries",
 * });
 * ```
 */
export function nextThrottleStep(
  error: RateLimitError,
  retried: number,
  policy: ThrottlePolicy,
): ThrottleStep {
  if (retried >= policy.retries || !error.retryable) return { refused: "retries" };
  const asked = error.retryAfterMs ?? policy.backoffMs(retried);
  return asked > policy.maxMs ? { refused: "too long", asked } : { wait: asked };
}

/** How {@link withRetryAfter} retries. */
export interface RetryAfterOptions {
  /** Upstream name for messages, e.g. `Intune`. */
  name: string;
  signal: AbortSignal;
  /** Retries after the first 429 (default 5). */
  retries?: number;
  /** Wait without a `Retry-After`, doubled each retry, in ms (default 1000). */
  baseMs?: number;
  /** Longest wait accepted, in ms (default 120 000); a longer `Retry-After` fails the call. */
  maxMs?: number;
  /** Waits `ms` (default: a timer that the signal cancels); tests record waits instead. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

/**
 * Runs `call`, retrying it after each `RateLimitError` (HTTP 429 or another vendor's form of it)
 * as the upstream asked; a limit that waiting cannot lift (a daily quota) is thrown at once.
 *
 * @returns what `call` returns
 * @throws {UpstreamError} ("still rate limited", the upstream's status) after `retries` retries,
 *   or when the upstream asks to wait longer than `maxMs`; any other error of `call` unchanged
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * let calls = 0;
 * const waits: number[] = [];
 * const page = await withRetryAfter(() => {
 *   if (calls++ === 0) throw new RateLimitError("HTTP 429", 3000); // Retry-After: 3
 *   return Promise.resolve("page 1");
 * }, {
 *   name: "Intune",
 *   signal: AbortSignal.timeout(30_000),
 *   sleep: async (ms) => void waits.push(ms),
 * });
 * assert.equal(page, "page 1");
 * assert.deepEqual(waits, [3000]);
 * ```
 */
export async function withRetryAfter<T>(
  call: () => Promise<T>,
  options: RetryAfterOptions,
): Promise<T> {
  const baseMs = options.baseMs ?? 1000;
  const policy: ThrottlePolicy = {
    retries: options.retries ?? 5,
    maxMs: options.maxMs ?? 120_000,
    backoffMs: (retried) => baseMs * 2 ** retried,
  };
  const wait = options.sleep ?? abortableSleep;
  for (let attempt = 0;; attempt++) {
    try {
      return await call();
    } catch (error: unknown) {
      if (!(error instanceof RateLimitError)) throw error;
      const step = nextThrottleStep(error, attempt, policy);
      if ("wait" in step) {
        await wait(step.wait, options.signal);
        continue;
      }
      if (!error.retryable) throw error;
      if (step.refused === "retries") {
        throw new UpstreamError(
          `${options.name}: still rate limited (HTTP ${error.status}) after ${policy.retries} ` +
            `retries`,
          error.status,
        );
      }
      const asked = Math.round(step.asked / 1000);
      throw new UpstreamError(
        `${options.name}: rate limited (HTTP ${error.status}) with Retry-After ${asked} s, ` +
          `longer than ${policy.maxMs / 1000} s`,
        error.status,
      );
    }
  }
}
