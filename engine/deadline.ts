/**
 * Calling a plugin under its deadline: every source call gets an `AbortSignal`, and a call that
 * outlives its deadline is abandoned even if the plugin ignores the signal, so one slow source
 * never holds a page.
 *
 * @module
 */
import { type CallOptions, NotFoundError, type PluginBase } from "./ports.ts";
import type { SourceError } from "./types.ts";

/** What one guarded call produced: a value, nothing (not found), or a reported error. */
export type Outcome<T> =
  | { ok: true; value: T }
  | { ok: false; error: SourceError };

/** Thrown into the signal when a deadline passes. */
export class DeadlineError extends Error {
  override name = "DeadlineError";
}

/**
 * Runs `call` with an `AbortSignal` that fires after the plugin's `timeoutMs` (or when `parent`
 * aborts). A `NotFoundError` becomes `empty`; any other failure, or the deadline, becomes a
 * `SourceError` naming the plugin.
 *
 * @param plugin the plugin being called (for its name and deadline)
 * @param operation the method name, for the error report
 * @returns the outcome; never rejects
 * @example Calling a source
 * ```ts
 * const jamf = { name: "jamf", timeoutMs: 2000, devicesByEmail: () => Promise.resolve([]) };
 * const out = await callWithDeadline(jamf, "devicesByEmail", () => jamf.devicesByEmail(), {
 *   empty: [],
 * });
 * // out: { ok: true, value: [] }; past 2 s: { ok: false, error: { kind: "timeout", … } }
 * ```
 */
export async function callWithDeadline<T>(
  plugin: Pick<PluginBase, "name" | "timeoutMs">,
  operation: string,
  call: (options: CallOptions) => Promise<T>,
  options: { empty: T; parent?: AbortSignal; check?: (value: unknown) => T },
): Promise<Outcome<T>> {
  const controller = new AbortController();
  const { parent } = options;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let rejectRace: (reason: unknown) => void = () => {};
  const race = new Promise<never>((_, reject) => {
    rejectRace = reject;
  });
  const abort = (reason: unknown) => {
    controller.abort(reason);
    rejectRace(reason);
  };
  const onParentAbort = () => abort(parent?.reason);
  if (parent?.aborted) onParentAbort();
  parent?.addEventListener("abort", onParentAbort, { once: true });
  if (plugin.timeoutMs !== null) {
    const ms = plugin.timeoutMs;
    timer = setTimeout(
      () => abort(new DeadlineError(`${plugin.name} did not answer within ${ms / 1000} s`)),
      ms,
    );
  }
  try {
    const value = await Promise.race([call({ signal: controller.signal }), race]);
    return { ok: true, value: options.check ? options.check(value) : value };
  } catch (error: unknown) {
    if (error instanceof NotFoundError) return { ok: true, value: options.empty };
    const timedOut = error instanceof DeadlineError ||
      controller.signal.reason instanceof DeadlineError;
    return {
      ok: false,
      error: {
        source: plugin.name,
        operation,
        kind: timedOut ? "timeout" : "error",
        message: timedOut
          ? String((controller.signal.reason as Error).message)
          : describeError(error),
      },
    };
  } finally {
    if (timer !== undefined) clearTimeout(timer);
    parent?.removeEventListener("abort", onParentAbort);
    // A plugin that ignored the signal may still reject later; nobody awaits it any more.
    race.catch(() => {});
  }
}

/**
 * Checks that a source answered a list of objects (records); anything else is the source's
 * failure, reported like any other, never a crash further down.
 *
 * @throws {TypeError} naming what was wrong
 */
export function listOfObjects<T>(value: unknown): T[] {
  if (!Array.isArray(value)) {
    throw new TypeError(`answered ${describeValue(value)} instead of a list`);
  }
  const bad = value.findIndex((v) => typeof v !== "object" || v === null || Array.isArray(v));
  if (bad !== -1) throw new TypeError(`answered ${describeValue(value[bad])} at position ${bad}`);
  return value as T[];
}

function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

/** One line of plain words for an error, without stack or secrets. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  if (typeof error === "string") return error;
  return "unexpected failure";
}
