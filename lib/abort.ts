/**
 * Waiting that an `AbortSignal` can cut short, and a call's deadline (`AbortSignal.timeout`, joined
 * to the caller's signal with `AbortSignal.any`) with its words. Changes only if how waits end on
 * abort, or how a deadline is worded, changes.
 *
 * @module
 */

/**
 * Waits `ms` milliseconds, or rejects with the signal's reason as soon as it aborts (at once when
 * it already has). The timer and the listener are removed either way.
 *
 * @param ms how long to wait, in milliseconds
 * @param signal cuts the wait short; without one the wait always runs its course
 * @returns resolves after `ms`
 * @throws the signal's `reason` (rejection) when it aborts first
 * @example Wait a little unless the request is cancelled
 * ```ts
 * import assert from "node:assert/strict";
 * import { sleep } from "./abort.ts";
 * await sleep(1, AbortSignal.timeout(1_000)); // resolves after 1 ms
 * await assert.rejects(sleep(60_000, AbortSignal.abort(new Error("stop"))), { message: "stop" });
 * ```
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * `promise`'s outcome, or a rejection with the signal's reason as soon as it aborts (at once when
 * it already has). The promise itself carries on: use this to stop *waiting* for shared work.
 *
 * @param promise the work to wait for
 * @param signal stops the wait
 * @returns what `promise` resolves to
 * @throws the signal's `reason`, or what `promise` rejects with (both as rejections)
 * @example Stop waiting for a shared connection when the caller gives up
 * ```ts
 * import assert from "node:assert/strict";
 * import { abortable } from "./abort.ts";
 * assert.equal(await abortable(Promise.resolve(42), new AbortController().signal), 42);
 * await assert.rejects(abortable(new Promise(() => {}), AbortSignal.abort(new Error("gone"))), {
 *   message: "gone",
 * });
 * ```
 */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    promise.catch(() => {}); // nobody waits for it any more: its failure is not unhandled
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

/**
 * `promise`'s value, or `null` as soon as the signal aborts (at once when it already has); without
 * a signal, `promise` itself. The promise carries on. For callers that go on after giving up
 * rather than fail.
 *
 * @param promise the work to wait for
 * @param signal stops the wait
 * @returns what `promise` resolves to, or `null` once aborted
 * @throws what `promise` rejects with, if it settles first
 * @example Give up waiting, without an error
 * ```ts
 * import assert from "node:assert/strict";
 * import { untilAborted } from "./abort.ts";
 * assert.equal(await untilAborted(new Promise<number>(() => {}), AbortSignal.abort()), null);
 * assert.equal(await untilAborted(Promise.resolve(42), new AbortController().signal), 42);
 * ```
 */
export function untilAborted<T>(
  promise: Promise<T>,
  signal: AbortSignal | undefined,
): Promise<T | null> {
  if (signal === undefined) return promise;
  if (signal.aborted) return Promise.resolve(null);
  return new Promise<T | null>((resolve, reject) => {
    const onAbort = () => resolve(null);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

/**
 * "`name` did not answer within N s": the words for a call cut off at its deadline, everywhere
 * one is reported (sources, sinks, outbound requests, token exchanges).
 *
 * @param name the upstream or plugin
 * @param ms the deadline, in milliseconds (shown in seconds)
 * @returns the message
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { notAnsweredWithin } from "./abort.ts";
 * assert.equal(notAnsweredWithin("jamf", 2500), "jamf did not answer within 2.5 s");
 * ```
 */
export function notAnsweredWithin(name: string, ms: number): string {
  return `${name} did not answer within ${ms / 1000} s`;
}

/**
 * The longest timer the platform keeps, in milliseconds (2^31 - 1, about 24.8 days): a longer
 * `setTimeout` or `AbortSignal.timeout` fires after 1 ms, while the configuration's seconds go
 * up to 366 days.
 */
export const LONGEST_TIMER_MS = 2 ** 31 - 1;

/**
 * `AbortSignal.timeout(ms)` for a configured deadline: past {@link LONGEST_TIMER_MS} (about 24.8
 * days) it waits that long instead of aborting after 1 ms. Every deadline that comes from the
 * configuration (`DEFAULT_TIMEOUT`, `RELEASE_DATA.TIMEOUT`: up to 366 days) as an `AbortSignal` is
 * made here ({@link deadlineSignal} caps its own timer the same way).
 *
 * @param ms the deadline in milliseconds
 * @returns a signal aborting with the platform's `TimeoutError` at the deadline
 * @example A 25-day deadline has not passed 10 ms later
 * ```ts
 * import assert from "node:assert/strict";
 * import { timeoutSignal } from "./abort.ts";
 * const signal = timeoutSignal(25 * 86_400_000);
 * await new Promise((resolve) => setTimeout(resolve, 10));
 * assert.equal(signal.aborted, false);
 * ```
 */
export function timeoutSignal(ms: number): AbortSignal {
  return AbortSignal.timeout(Math.min(ms, LONGEST_TIMER_MS));
}

/**
 * A call's signal: `parent` joined to a deadline of `ms`. It aborts with the parent's reason, or
 * at the deadline with `timedOut()`'s error in place of the platform's `TimeoutError` (so the
 * call, and whoever reads the reason, sees the plugin's words). Call `done` when the call is
 * over: it clears the deadline's timer and drops the listener on the parent, so nothing of the
 * call outlives it. (Issue 25: `AbortSignal.timeout` cannot be cleared, so every call of a batch
 * left a timer and its signal alive until the deadline — at a 120 s TIMEOUT and ~1000 calls a
 * second, over 100,000 of them, a heap that grew with the run's speed.) Until `done`, the
 * timer keeps the process alive (a call awaiting only its deadline still gets it).
 *
 * @param parent the caller's signal, if any
 * @param ms the deadline in milliseconds; `null`: none (the parent's signal, or one never aborting);
 *   past {@link LONGEST_TIMER_MS} (about 24.8 days) the deadline is that long
 * @param timedOut the reason at the deadline, given `ms`
 * @returns the signal and its clean-up
 * @example A deadline names its upstream
 * ```ts
 * import assert from "node:assert/strict";
 * import { deadlineSignal } from "./abort.ts";
 * const { signal, done } = deadlineSignal(undefined, 1, () => new Error("JAMF is slow"));
 * await new Promise((resolve) => signal.addEventListener("abort", resolve));
 * assert.equal((signal.reason as Error).message, "JAMF is slow");
 * done();
 * ```
 */
export function deadlineSignal(
  parent: AbortSignal | undefined,
  ms: number | null,
  timedOut: (ms: number) => unknown,
): { signal: AbortSignal; done: () => void } {
  if (ms === null) return { signal: parent ?? new AbortController().signal, done: () => {} };
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(timedOut(ms)), Math.min(ms, LONGEST_TIMER_MS));
  const onParent = () => {
    clearTimeout(timer);
    controller.abort(parent?.reason);
  };
  if (parent?.aborted) onParent();
  else parent?.addEventListener("abort", onParent, { once: true });
  return {
    signal: controller.signal,
    done: () => {
      clearTimeout(timer);
      parent?.removeEventListener("abort", onParent);
    },
  };
}
