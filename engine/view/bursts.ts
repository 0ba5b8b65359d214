/**
 * Source failures for the operator's log, once per burst: the first failure of a source after it
 * last worked is reported, repeats are counted quietly, and the recovery is reported with the
 * count. A source down for an hour is one error line and one recovery line, not thousands.
 *
 * @module
 */
import type { SourceError } from "../core/types.ts";

/** Where bursts are reported. */
export interface BurstReports {
  /** The first failure of a burst. */
  failing(error: SourceError): void;
  /** A repeat inside a burst (e.g. for a debug log). */
  repeated?(error: SourceError, count: number): void;
  /** The source answered again after `failures` failures. */
  recovered(source: string, failures: number): void;
}

/** Tracks bursts per source. */
export interface BurstTracker {
  /** Records one call's outcome: an error, or `undefined` for success. */
  record(source: string, error: SourceError | undefined): void;
  /** Sources currently failing, with their failure counts. */
  failing(): Map<string, number>;
}

/**
 * Creates a burst tracker.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const lines: string[] = [];
 * const bursts = createBurstTracker({
 *   failing: (e) => lines.push(`${e.source} failing: ${e.message}`),
 *   recovered: (source, n) => lines.push(`${source} recovered after ${n} failures`),
 * });
 * const error = { source: "jamf", operation: "devicesByEmail", kind: "error" as const, message: "500" };
 * bursts.record("jamf", error);
 * bursts.record("jamf", error);
 * bursts.record("jamf", undefined);
 * assert.deepEqual(lines, ["jamf failing: 500", "jamf recovered after 2 failures"]);
 * ```
 */
export function createBurstTracker(reports: BurstReports): BurstTracker {
  const counts = new Map<string, number>();
  return {
    record(source, error) {
      const count = counts.get(source) ?? 0;
      if (error !== undefined) {
        counts.set(source, count + 1);
        if (count === 0) reports.failing(error);
        else reports.repeated?.(error, count + 1);
      } else if (count > 0) {
        counts.delete(source);
        reports.recovered(source, count);
      }
    },
    failing: () => new Map(counts),
  };
}
