/**
 * Honouring HTTP 429 with `Retry-After` (RFC 9110 §10.2.3) for listing and lookup calls: wait as
 * long as the upstream asked (or back off exponentially when it did not say), retry a bounded
 * number of times, and refuse waits longer than a limit rather than hang a run. Microsoft Graph
 * (https://learn.microsoft.com/graph/throttling) and Jamf Cloud both throttle this way.
 *
 * @module
 */
import { UpstreamError } from "../engine/ports.ts";
import { RateLimitError, sleep as abortableSleep } from "./http.ts";

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
 * Runs `call`, retrying it after each `RateLimitError` (HTTP 429) as the upstream asked.
 *
 * @returns what `call` returns
 * @throws {UpstreamError} (status 429) after `retries` retries, or when the upstream asks to wait
 *   longer than `maxMs`; any other error of `call` unchanged
 * @example
 * ```ts
 * const signal = AbortSignal.timeout(30_000);
 * const page = await withRetryAfter(() => fetch("https://graph.microsoft.com/v1.0/x", { signal }), {
 *   name: "Intune",
 *   signal,
 * });
 * ```
 */
export async function withRetryAfter<T>(
  call: () => Promise<T>,
  options: RetryAfterOptions,
): Promise<T> {
  const retries = options.retries ?? 5;
  const baseMs = options.baseMs ?? 1000;
  const maxMs = options.maxMs ?? 120_000;
  const wait = options.sleep ?? abortableSleep;
  for (let attempt = 0;; attempt++) {
    try {
      return await call();
    } catch (error: unknown) {
      if (!(error instanceof RateLimitError)) throw error;
      if (attempt >= retries) {
        throw new UpstreamError(
          `${options.name}: still throttled (HTTP 429) after ${retries} retries`,
          429,
        );
      }
      const asked = error.retryAfterMs ?? baseMs * 2 ** attempt;
      if (asked > maxMs) {
        throw new UpstreamError(
          `${options.name}: throttled (HTTP 429) with Retry-After ${Math.round(asked / 1000)} s, ` +
            `longer than ${maxMs / 1000} s`,
          429,
        );
      }
      await wait(asked, options.signal);
    }
  }
}
