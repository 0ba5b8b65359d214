/**
 * Skipping an upstream record that cannot be used, and saying so (DESIGN.md §4 "arrive or be
 * named"): each skipped record is counted per reason, the log gets one warning per record (the
 * same malformed record comes back on every lookup and every page walk), and the counts are there
 * for whoever shows them (the person's page for records naming them, `connectivity`, the batch
 * summary, `/metrics`). Given the call's `CallOptions.reportGap`, each skip is also a `skipped` gap
 * of that lookup (`engine/view/gaps.ts`), which is how the person whose lookup skipped it sees it. One
 * reason to change: how a skipped record is reported.
 *
 * A record that can be read in part is not skipped: the source keeps it with the fields it could
 * read and names the others in `DeviceRecord.unread`. Only a record that cannot be used at all
 * (not an object, no id, or no owner to attribute it to) comes here.
 *
 * @module
 */
import type { Logger } from "../../engine/core/log.ts";
import type { SkippedCount } from "../../engine/core/ports.ts";
import type { ReportGap } from "../../engine/view/gaps.ts";
import { foldEmail } from "../../engine/identity/emails.ts";

/** Why records are skipped, in the words shown to people and operators. */
export const SKIP_REASONS = {
  /** The record is not the shape the vendor documents (zod refused it). */
  malformed: "it is not in the shape the vendor documents",
  /** A line of an export is not JSON at all. */
  notJson: "it is not valid JSON",
  /** No owner address could be read from it: nobody to show it to. */
  noOwner: "it names no owner we can read",
} as const;

/** A key of {@link SKIP_REASONS}, or a reason of a source's own in plain words. */
export type SkipReason = keyof typeof SKIP_REASONS;

/** What is known of one skipped record. */
export interface SkippedRecordFacts {
  /** The upstream's id, a line number, anything that finds it again; `"?"` when none. */
  id?: string;
  /** The first problem found, for the log (e.g. zod's message). */
  problem?: string;
  /** The owner address the record names, when it could be read (the person's page says so). */
  owner?: string;
}

/** The reporter of one source instance's skipped records. */
export interface SkippedRecordsTally {
  /**
   * Counts one skipped record (once per id and reason); warns the first time. With `report` (the
   * call's `CallOptions.reportGap`) it is also a `skipped` gap of that lookup, every time.
   */
  skip(reason: SkipReason, facts: SkippedRecordFacts, report?: ReportGap): void;
  /** Counts like `skip` without warning; `true` the first time this record is counted. */
  count(reason: SkipReason, facts: SkippedRecordFacts): boolean;
  /** The counts per reason, reasons in first-seen order. */
  counts(): SkippedCount[];
  /** Forgets every count (a source that re-reads its whole inventory, e.g. the file source). */
  reset(): void;
}

/**
 * A tally of skipped records for one source instance.
 *
 * @param log the plugin's logger
 * @param source the plugin's name, e.g. `intune`; the warning reads `"<source>: skipped a record"`
 *   with `{ id, reason, error }`
 * @returns the tally; `counts()` gives `{ source, reason, label, count, owners }` per reason
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { silentLogger } from "../../config/log.ts";
 * import { skippedRecordsTally } from "./skipped_records.ts";
 * let warnings = 0;
 * const tally = skippedRecordsTally({ ...silentLogger, warn: () => void warnings++ }, "jamf_pro");
 * tally.skip("malformed", { id: "7", problem: "Expected object, received null" }); // warns
 * tally.skip("malformed", { id: "7", problem: "Expected object, received null" }); // counted once
 * assert.equal(tally.counts()[0]?.count, 1);
 * assert.equal(warnings, 1);
 * ```
 */
export function skippedRecordsTally(log: Logger, source: string): SkippedRecordsTally {
  const seen = new Map<SkipReason, Map<string, string | undefined>>();
  function count(reason: SkipReason, facts: SkippedRecordFacts): boolean {
    const id = facts.id ?? "?";
    const ids = seen.get(reason) ?? new Map<string, string | undefined>();
    seen.set(reason, ids);
    // Records without an id cannot be told apart: each one counts.
    const key = id === "?" ? `?${ids.size}` : id;
    if (ids.has(key)) return false;
    ids.set(key, facts.owner);
    return true;
  }
  return {
    count,
    skip(reason, facts, report) {
      report?.({ kind: "skipped", reason, words: SKIP_REASONS[reason] });
      if (!count(reason, facts)) return;
      log.warn(`${source}: skipped a record`, {
        id: facts.id ?? "?",
        reason: SKIP_REASONS[reason],
        error: facts.problem ?? "invalid",
      });
    },
    counts: () =>
      [...seen].map(([reason, ids]) => {
        const named = [...ids.values()].filter((o): o is string => o !== undefined);
        const out: SkippedCount = {
          source,
          reason,
          label: SKIP_REASONS[reason],
          count: ids.size,
          owners: [...new Set(named)],
        };
        if (named.length > 0) {
          const byOwner: Record<string, number> = {};
          for (const o of named) byOwner[foldEmail(o)] = (byOwner[foldEmail(o)] ?? 0) + 1;
          out.byOwner = byOwner;
        }
        return out;
      }),
    reset: () => seen.clear(),
  };
}

/**
 * A reporter of malformed records for one source instance (the shape most sources need).
 *
 * @param log the plugin's logger
 * @param message the warning, naming the source and what it skipped, e.g. `"intune: skipped a
 *   malformed managed device"`
 * @param tally where the skip is also counted (reason `malformed`), when the source reports counts
 * @returns `skipped(raw, problem, report)`: reports a `skipped` gap (reason `malformed`) through
 *   `report` (the call's `CallOptions.reportGap`, when given) every time, and warns `message` with
 *   `{ id, error }` — the record's `id` field as text (`"?"` without one) and `problem`
 *   (`"invalid"` when none is given) — the first time a record with that id is skipped
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { silentLogger } from "../../config/log.ts";
 * import { skippedRecords } from "./skipped_records.ts";
 * const warned: unknown[] = [];
 * const warn = (msg: string, fields?: unknown) => void warned.push([msg, fields]);
 * const message = "jamf_pro: skipped a malformed computer";
 * const skipped = skippedRecords({ ...silentLogger, warn }, message);
 * skipped({ id: "7" }, "Expected object, received null");
 * skipped({ id: "7" }, "Expected object, received null"); // the same record: says nothing
 * assert.deepEqual(warned, [[message, { id: "7", error: "Expected object, received null" }]]);
 * ```
 */
export function skippedRecords(
  log: Logger,
  message: string,
  tally?: SkippedRecordsTally,
): (raw: unknown, problem: string | undefined, report?: ReportGap) => void {
  const reported = new Set<string>();
  return (raw, problem, report) => {
    report?.({ kind: "skipped", reason: "malformed", words: SKIP_REASONS.malformed });
    const id = String((raw as { id?: unknown } | null)?.id ?? "?");
    tally?.count("malformed", { id });
    if (reported.has(id)) return;
    reported.add(id);
    log.warn(message, { id, error: problem ?? "invalid" });
  };
}
