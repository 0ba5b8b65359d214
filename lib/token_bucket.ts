/**
 * The token-bucket arithmetic of the per-address rate limits, once, for the in-process buckets
 * (`routes/guards/rate_limit.ts`) and the buckets kept in the store for every process
 * (`plugins/stores/*_coordination.ts`). Changes only if how a rate is counted changes.
 *
 * @module
 */

/** A rate: `requests` per `perSeconds`. */
export interface BucketRate {
  requests: number;
  perSeconds: number;
}

/** A bucket's state: tokens left at time `at` (ms since epoch). */
export interface Bucket {
  tokens: number;
  at: number;
}

/**
 * Takes one token at `nowMs` from `bucket` (`undefined`: a new, full bucket), refilled at
 * `rate.requests` per `rate.perSeconds` up to `rate.requests`. A clock that went back counts as
 * no time passed.
 *
 * @returns the bucket afterwards, `wait`: 0 when a token was taken, else the whole seconds
 *   (≥ 1) until one will be there, and `fullAt`: when the bucket will be full again (ms), after
 *   which forgetting it changes nothing
 * @throws {RangeError} when the rate is not positive
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const rate = { requests: 2, perSeconds: 60 };
 * const first = takeToken(undefined, rate, 0);
 * const second = takeToken(first.bucket, rate, 0);
 * assert.equal(first.wait, 0);
 * assert.equal(second.wait, 0);
 * assert.equal(takeToken(second.bucket, rate, 0).wait, 30); // seconds until one is back
 * ```
 */
export function takeToken(
  bucket: Bucket | undefined,
  rate: BucketRate,
  nowMs: number,
): { bucket: Bucket; wait: number; fullAt: number } {
  const { requests, perSeconds } = rate;
  if (!(requests > 0) || !(perSeconds > 0)) {
    throw new RangeError("A rate limit needs requests > 0 and perSeconds > 0");
  }
  const perMs = requests / (perSeconds * 1000);
  const next = bucket
    ? {
      tokens: Math.min(requests, bucket.tokens + Math.max(0, nowMs - bucket.at) * perMs),
      at: Math.max(nowMs, bucket.at),
    }
    : { tokens: requests, at: nowMs };
  let wait = 0;
  if (next.tokens >= 1) next.tokens -= 1;
  else wait = Math.max(1, Math.ceil((1 - next.tokens) / perMs / 1000));
  const fullAt = next.at + Math.ceil((requests - next.tokens) / perMs);
  return { bucket: next, wait, fullAt };
}
