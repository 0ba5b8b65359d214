/**
 * A person's records fetched one request per item (Classic Jamf's `/computers/id/{id}`, bitFit's
 * `assets/{id}`), where one item can fail while the others arrive. What does not arrive is named
 * (DESIGN.md §4 "arrive or be named"): a malformed item is a `skipped` gap of the lookup (and
 * counted in the source's tally, for `connectivity` and the batch summary), an item whose request
 * failed a `truncated` one; when nothing arrived the first failure is the lookup's error instead.
 * An item that vanished since it was listed (`NotFoundError`) is simply gone. One reason to
 * change: how a lookup's per-item failures are reported.
 *
 * @module
 */
import { NotFoundError } from "../../engine/core/ports.ts";
import type { ReportGap } from "../../engine/view/gaps.ts";
import { errorMessage } from "../../lib/error_message.ts";
import type { Logger } from "../../engine/core/log.ts";
import type { SkippedRecordsTally } from "./skipped_records.ts";

/** How {@link keptItems} tells and reports what did not arrive. */
export interface ItemFailures {
  /** Whether a failure is the item being malformed (the answer came, its shape did not). */
  malformed: (error: unknown) => boolean;
  /** Counts malformed items (once per id) and warns the first time. */
  tally: SkippedRecordsTally;
  /**
   * The plugin's log and name, for items whose request failed: `"<source>: dropped <what>"`,
   * e.g. `jamf: dropped a computer`, with `{ id, error }`.
   */
  log: Logger;
  source: string;
  what: string;
  /** The lookup's `CallOptions.reportGap`. */
  report?: ReportGap | undefined;
}

/** The words of a `truncated` gap for an item whose request failed. */
export const FETCH_FAILED_WORDS = "the server answered its request with an error";

/**
 * The items that arrived, in order, naming the others (see the module doc).
 *
 * @param settled the per-item requests, settled
 * @param ids each item's upstream id (for the tally and the log)
 * @param failures how to tell and report failures
 * @returns the records that arrived
 * @throws the first failure when no item arrived and at least one failed
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { silentLogger as log } from "../../config/log.ts";
 * import { skippedRecordsTally } from "./skipped_records.ts";
 * const settled = await Promise.allSettled([Promise.resolve("mac"), Promise.reject(new Error("x"))]);
 * const tally = skippedRecordsTally(log, "jamf");
 * const kept = keptItems(settled, ["1", "2"], {
 *   malformed: () => true, tally, log, source: "jamf", what: "a computer",
 * });
 * assert.deepEqual(kept, ["mac"]);
 * assert.equal(tally.counts()[0]?.count, 1); // computer 2, counted as malformed
 * ```
 */
export function keptItems<T>(
  settled: readonly PromiseSettledResult<T>[],
  ids: readonly string[],
  failures: ItemFailures,
): T[] {
  const kept: T[] = [];
  const failed: { id: string; error: unknown }[] = [];
  settled.forEach((s, i) => {
    if (s.status === "fulfilled") kept.push(s.value);
    else if (!(s.reason instanceof NotFoundError)) failed.push({ id: ids[i]!, error: s.reason });
  });
  const some = kept.length > 0;
  for (const { id, error } of failed) {
    if (failures.malformed(error)) {
      failures.tally.skip(
        "malformed",
        { id, problem: errorMessage(error) },
        some ? failures.report : undefined,
      );
    } else {
      failures.log.warn(`${failures.source}: dropped ${failures.what}`, {
        id,
        error: errorMessage(error),
      });
      if (some) {
        failures.report?.({ kind: "truncated", reason: "fetch_failed", words: FETCH_FAILED_WORDS });
      }
    }
  }
  if (!some && failed.length > 0) throw failed[0]!.error;
  return kept;
}
