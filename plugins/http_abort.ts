/**
 * A call's own deadline joined to the caller's signal. Changes when the way outbound calls time
 * out changes; the generic abort helpers (abort-aware `sleep`, `abortable`) are `lib/abort.ts`.
 *
 * @module
 */
import { UpstreamError } from "../engine/core/ports.ts";

/**
 * Runs `work` under its own deadline only, for work shared by several callers (a token exchange):
 * no caller's signal may cancel it, yet it must not hang forever.
 *
 * @param timeoutMs the deadline in milliseconds
 * @param name the upstream, for the timeout message
 * @param work the work, given the deadline's signal
 * @returns what `work` returns
 * @throws {UpstreamError} "`name` did not answer within N s" at the deadline; else what `work` throws
 * @example
 * ```ts
 * await underOwnDeadline(30_000, "Google token endpoint", (signal) => fetch("https://x.example", { signal }));
 * ```
 */
export async function underOwnDeadline<T>(
  timeoutMs: number,
  name: string,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const deadline = withDeadline(new AbortController().signal, timeoutMs, name);
  try {
    return await work(deadline.signal);
  } finally {
    deadline.dispose();
  }
}

/**
 * A signal that aborts when `parent` aborts (with its reason) or when `timeoutMs` passes (with an
 * `UpstreamError` "`name` did not answer within N s"). Call `dispose` when the call is over, so
 * the timer and the listener on `parent` go.
 *
 * @param parent the caller's signal
 * @param timeoutMs the call's own deadline in milliseconds; `null` returns `parent` itself
 * @param name the upstream, for the timeout message
 * @returns the joined signal and its clean-up
 * @example
 * ```ts
 * const { signal, dispose } = withDeadline(new AbortController().signal, 5000, "JAMF");
 * try {
 *   await fetch("https://x.example", { signal });
 * } finally {
 *   dispose();
 * }
 * ```
 */
export function withDeadline(
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
