/**
 * Work shared by several callers (a token exchange, a version check) under its own deadline.
 * Changes when the way such shared work times out changes; a call's deadline joined to its
 * caller's signal is `deadlineSignal` in `lib/abort.ts`.
 *
 * @module
 */
import { UpstreamError } from "../engine/core/ports.ts";
import { deadlineSignal, notAnsweredWithin } from "../lib/abort.ts";

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
 * import assert from "node:assert/strict";
 * const never = (signal: AbortSignal) =>
 *   new Promise((_, reject) => signal.addEventListener("abort", () => reject(signal.reason)));
 * await assert.rejects(underOwnDeadline(10, "Google token endpoint", never), {
 *   message: "Google token endpoint did not answer within 0.01 s",
 * });
 * ```
 */
export async function underOwnDeadline<T>(
  timeoutMs: number,
  name: string,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const deadline = deadlineSignal(
    undefined,
    timeoutMs,
    (ms) => new UpstreamError(notAnsweredWithin(name, ms)),
  );
  try {
    return await work(deadline.signal);
  } finally {
    deadline.done();
  }
}
