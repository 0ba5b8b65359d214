/**
 * Arrive or be named (DESIGN.md §4): what a source could not deliver in one lookup — records it
 * skipped (unreadable), a list that ended short (truncated), a part of a record it could not
 * read or fetch (partial) — counted per source, kind and reason. A source reports through
 * `CallOptions.reportGap` while it answers; the engine adds the source's name, counts, and
 * carries the result on `Collected.gaps` (and so on the person's view, the API header, the
 * connectivity check, the batch summary and `/metrics`). One reason to change: what a gap is.
 *
 * A source that fails as a whole is not a gap: it throws, and becomes a `SourceError`.
 *
 * @module
 */
import type { GapKind, SourceError, SourceGap, UnreadField } from "../core/types.ts";

export type { GapKind, SourceGap } from "../core/types.ts";

/** What a source reports for one gap while answering a call (see `CallOptions.reportGap`). */
export interface GapReport {
  /**
   * `skipped`: records it received and could not use at all; `truncated`: records the upstream
   * said it holds and did not send; `partial`: records kept without a part it could not read or
   * fetch (a record's `unread` fields are counted so by the engine itself).
   */
  kind: GapKind;
  /**
   * A short stable code, letters, digits and `_`, from a fixed set in the source's code (it is a metric
   * label, so never a value from upstream): e.g. `unknown_date_format`, `short_of_total`.
   */
  reason: string;
  /**
   * Plain words for the person that finish the sentence "1 record from the file inventory
   * could not be read: …", e.g. `its date is in a format we don't know`. No secrets, no
   * upstream text.
   */
  words: string;
  /** How many records, ≥ 1 (default 1). */
  count?: number;
}

/**
 * The engine's hook on every source call once it settles (metrics, logs): the plugin, the call's
 * wall time in seconds, its error (`undefined` when it answered) and the gaps of its answer
 * (empty when none).
 */
export type OnCall = (
  source: string,
  seconds: number,
  error: SourceError | undefined,
  gaps: readonly SourceGap[],
) => void;

/** Receives a source's gaps for one call (`CallOptions.reportGap`). Never throws. */
export type ReportGap = (gap: GapReport) => void;

/**
 * Adds gaps into a list, counting those of the same source, kind and reason together (first
 * words kept), in first-seen order. Counts that are not positive whole numbers count as 1.
 *
 * @param into the list to add to (changed in place and returned)
 * @param gaps the gaps to add
 * @returns `into`
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const g = { source: "file", kind: "skipped", reason: "unknown_date_format",
 *   words: "its date is in a format we don't know", count: 1 } as const;
 * assert.equal(addGaps([], [g, g])[0]?.count, 2);
 * ```
 */
export function addGaps(into: SourceGap[], gaps: readonly SourceGap[]): SourceGap[] {
  for (const gap of gaps) {
    const count = wholeCount(gap.count);
    const same = into.find((g) =>
      g.source === gap.source && g.kind === gap.kind && g.reason === gap.reason
    );
    if (same) same.count += count;
    else into.push({ ...gap, count });
  }
  return into;
}

/**
 * A collector of one source's gaps for one call: `report` goes into `CallOptions.reportGap`,
 * `gaps()` is what was reported, counted (see {@link addGaps}).
 *
 * @param source the plugin's name, added to every gap
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const c = gapCollector("file");
 * c.report({ kind: "skipped", reason: "no_owner", words: "it names no owner" });
 * assert.deepEqual(c.gaps(), [
 *   { source: "file", kind: "skipped", reason: "no_owner", words: "it names no owner", count: 1 },
 * ]);
 * ```
 */
export function gapCollector(source: string): { report: ReportGap; gaps: () => SourceGap[] } {
  const list: SourceGap[] = [];
  return {
    report(gap) {
      try {
        addGaps(list, [{
          source,
          kind: gap.kind,
          reason: reasonCode(gap.reason),
          words: String(gap.words).slice(0, 300),
          count: gap.count ?? 1,
        }]);
      } catch {
        // a malformed report never fails the source's answer
      }
    },
    gaps: () => list.map((g) => ({ ...g })),
  };
}

const VERBS: Readonly<Record<GapKind, [string, string]>> = {
  skipped: ["could not be read", "could not be read"],
  truncated: ["was not received", "were not received"],
  partial: ["could not be read in full", "could not be read in full"],
};

/**
 * A gap in plain words for the person: `<n> record(s) from <label> <verb>: <words>`.
 *
 * @param gap the gap
 * @param label the source as the person knows it (`UI.sourceLabels`, e.g. "the file inventory")
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const gap = { source: "file", kind: "skipped", reason: "unknown_date_format",
 *   words: "its date is in a format we don't know", count: 1 } as const;
 * assert.equal(
 *   describeGap(gap, "the file inventory"),
 *   "1 record from the file inventory could not be read: its date is in a format we don't know",
 * );
 * ```
 */
export function describeGap(gap: SourceGap, label: string): string {
  const one = gap.count === 1;
  const [singular, plural] = VERBS[gap.kind] ?? VERBS.skipped;
  return `${gap.count} ${one ? "record" : "records"} from ${label} ${
    one ? singular : plural
  }: ${gap.words}`;
}

/**
 * A gap for operators, one token per gap: `source:kind:reason=count` (the
 * `X-Stethoscope-Source-Gaps` header, `connectivity`, the batch summary).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const gap = {
 *   source: "file", kind: "skipped", reason: "unknown_date_format", words: "…", count: 2,
 * } as const;
 * assert.equal(gapToken(gap), "file:skipped:unknown_date_format=2");
 * ```
 */
export function gapToken(gap: SourceGap): string {
  return `${gap.source}:${gap.kind}:${gap.reason}=${gap.count}`;
}

/** A reason as a metric label: letters, digits and `_`, at most 64 characters. */
function reasonCode(reason: unknown): string {
  const code = String(reason).replace(/[^A-Za-z0-9_]+/g, "_").slice(0, 64);
  return code === "" ? "unknown" : code;
}

/**
 * The `partial` gaps of records kept with fields they could not read (`DeviceRecord.unread`): one
 * per record and field, reason `unread_<field>`, the words of the first such field's reason.
 *
 * @param records the records of one answer
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const gaps = unreadGaps([{ unread: [{ source: "file", field: "last_sync",
 *   value: "/Date(x)/", reason: "its date is in a format we don't know" }] }]);
 * assert.deepEqual(gaps, [{ source: "file", kind: "partial", reason: "unread_last_sync",
 *   words: "its date is in a format we don't know", count: 1 }]);
 * ```
 */
export function unreadGaps(
  records: readonly { unread?: readonly UnreadField[] | undefined }[],
): SourceGap[] {
  const out: SourceGap[] = [];
  for (const record of records) {
    if (!record.unread || record.unread.length === 0) continue;
    const fields = new Set<string>();
    for (const u of record.unread) {
      const key = `${u.source}\u0000${u.field}`;
      if (fields.has(key)) continue;
      fields.add(key);
      addGaps(out, [{
        source: u.source,
        kind: "partial",
        reason: reasonCode(`unread_${u.field}`),
        words: u.reason,
        count: 1,
      }]);
    }
  }
  return out;
}

/**
 * A source's skipped-record tally (`PluginBase.skippedRecords()`) as `skipped` gaps, for the
 * operator's views of a whole source (`connectivity`, the batch summary).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const gaps = skippedGaps([
 *   { source: "file", reason: "noOwner", label: "it names no owner we can read", count: 2 },
 * ]);
 * assert.deepEqual(gaps, [{ source: "file", kind: "skipped", reason: "noOwner",
 *   words: "it names no owner we can read", count: 2 }]);
 * ```
 */
export function skippedGaps(
  counts: readonly { source: string; reason: string; label: string; count: number }[],
): SourceGap[] {
  return addGaps(
    [],
    counts.filter((c) => c.count > 0).map((c) => ({
      source: c.source,
      kind: "skipped" as const,
      reason: reasonCode(c.reason),
      words: c.label,
      count: c.count,
    })),
  );
}

/** What {@link tallyGaps} reads of a plugin (`PluginBase.skippedRecords`). */
export interface TalliedPlugin {
  skippedRecords?(): readonly { source: string; reason: string; label: string; count: number }[];
}

/**
 * The skipped-record tallies of plugins (`PluginBase.skippedRecords()`) as `skipped` gaps; a
 * plugin without one, or whose tally throws, adds nothing.
 */
export function tallyGaps(plugins: readonly TalliedPlugin[]): SourceGap[] {
  const out: SourceGap[] = [];
  for (const p of plugins) {
    try {
      addGaps(out, skippedGaps(p.skippedRecords?.() ?? []));
    } catch {
      // a tally that cannot be read names nothing; the operator's view still prints
    }
  }
  return out;
}

/**
 * Gaps for an operator's line: `2 skipped (noOwner: it names no owner we can read), 100 not
 * received (short_of_total: …)`; empty text for none.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const line = operatorGaps([{ source: "file", kind: "skipped", reason: "noOwner",
 *   words: "it names no owner we can read", count: 2 }]);
 * assert.equal(line, "2 skipped (noOwner: it names no owner we can read)");
 * ```
 */
export function operatorGaps(gaps: readonly SourceGap[]): string {
  const what: Record<GapKind, string> = {
    skipped: "skipped",
    truncated: "not received",
    partial: "read in part",
  };
  return gaps.map((g) => `${g.count} ${what[g.kind] ?? g.kind} (${g.reason}: ${g.words})`)
    .join(", ");
}

function wholeCount(n: unknown): number {
  return typeof n === "number" && Number.isSafeInteger(n) && n > 0 ? n : 1;
}
