/**
 * Calling a plugin under its deadline: every source call gets an `AbortSignal`, and a call that
 * outlives its deadline is abandoned even if the plugin ignores the signal, so one slow source
 * never holds a page.
 *
 * @module
 */
import {
  type CallOptions,
  NotFoundError,
  PartialAnswerError,
  type PluginBase,
} from "../core/ports.ts";
import type { SourceError } from "../core/types.ts";
import { abortable, deadlineSignal, notAnsweredWithin } from "../../lib/abort.ts";
import { gapCollector, type SourceGap } from "./gaps.ts";

/**
 * What one guarded call produced: a value, nothing (not found), or a reported error — with the
 * gaps the source reported through `reportGap` before it settled (absent when none), and the
 * part that could be read when the source answered in part (`PartialAnswerError`).
 */
export type Outcome<T> =
  | { ok: true; value: T; gaps?: SourceGap[] }
  | { ok: false; error: SourceError; gaps?: SourceGap[]; partial?: T };

/** Thrown into the signal when a deadline passes. */
export class DeadlineError extends Error {
  override name = "DeadlineError";
}

/**
 * Runs `call` with an `AbortSignal` that fires after the plugin's `timeoutMs` (or when `parent`
 * aborts; `deadlineSignal` of `lib/abort.ts`), its reason a `DeadlineError` "`name` did not answer
 * within N s" at the deadline. A `NotFoundError` becomes `empty`; any other failure, or the deadline, becomes a
 * `SourceError` naming the plugin. The call's options carry `reportGap`; what the plugin reports
 * through it before the call settles is the outcome's `gaps` (named with the plugin's name).
 *
 * @param plugin the plugin being called (for its name and deadline)
 * @param operation the method name, for the error report
 * @returns the outcome; never rejects
 * @example Calling a source
 * ```ts
 * import assert from "node:assert/strict";
 * const jamf = { name: "jamf", timeoutMs: 50, devicesByEmail: () => new Promise<never>(() => {}) };
 * const out = await callWithDeadline(jamf, "devicesByEmail", () => jamf.devicesByEmail(), {
 *   empty: [],
 * });
 * assert.deepEqual(out, { ok: false, error: { source: "jamf", operation: "devicesByEmail",
 *   kind: "timeout", message: "jamf did not answer within 0.05 s" } });
 * ```
 */
export async function callWithDeadline<T>(
  plugin: Pick<PluginBase, "name" | "timeoutMs">,
  operation: string,
  call: (options: CallOptions) => Promise<T>,
  options: { empty: T; parent?: AbortSignal; check?: (value: unknown) => T },
): Promise<Outcome<T>> {
  const collector = gapCollector(plugin.name);
  const { signal, done } = deadlineSignal(
    options.parent,
    plugin.timeoutMs,
    (ms) => new DeadlineError(notAnsweredWithin(plugin.name, ms)),
  );
  try {
    // abandoned at the deadline even when the plugin ignores its signal
    const value = await abortable(call({ signal, reportGap: collector.report }), signal);
    const checked = options.check ? options.check(value) : value;
    return { ok: true, value: checked, ...reported(collector.gaps()) };
  } catch (error: unknown) {
    if (error instanceof NotFoundError) {
      return { ok: true, value: options.empty, ...reported(collector.gaps()) };
    }
    if (error instanceof PartialAnswerError && !signal.aborted) {
      const failed: SourceError = {
        source: plugin.name,
        operation,
        kind: "error",
        message: describeError(error),
      };
      try {
        const partial = options.check ? options.check(error.records) : error.records as T;
        return { ok: false, error: failed, partial, ...reported(collector.gaps()) };
      } catch {
        return { ok: false, error: failed, ...reported(collector.gaps()) };
      }
    }
    const timedOut = error instanceof DeadlineError || signal.reason instanceof DeadlineError;
    return {
      ok: false,
      error: {
        source: plugin.name,
        operation,
        kind: timedOut ? "timeout" : "error",
        message: timedOut ? String((signal.reason as Error).message) : describeError(error),
      },
      ...reported(collector.gaps()),
    };
  } finally {
    done();
  }
}

/** `{ gaps }` when there are any, else nothing (an outcome without gaps has no `gaps` key). */
function reported(gaps: SourceGap[]): { gaps?: SourceGap[] } {
  return gaps.length > 0 ? { gaps } : {};
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
