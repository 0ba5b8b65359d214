/**
 * Waiting that an `AbortSignal` can cut short. Changes only if how waits end on abort changes.
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
 * import { sleep } from "./abort.ts";
 * await sleep(1, AbortSignal.timeout(1_000));
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
 * import { abortable } from "./abort.ts";
 * await abortable(Promise.resolve(42), new AbortController().signal); // 42
 * ```
 */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
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
 * import { untilAborted } from "./abort.ts";
 * await untilAborted(new Promise<number>(() => {}), AbortSignal.abort()); // null
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
