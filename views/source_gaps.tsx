/**
 * What the sources that answered could not deliver for this person (records skipped, lists cut
 * short, records read in part), one plain sentence per source and reason, so a page that lacks a
 * device never looks complete (DESIGN.md §4 "arrive or be named"; the gaps come from
 * `engine/view/gaps.ts`).
 *
 * @module
 */
import { describeGap, type SourceGap } from "../engine/view/gaps.ts";
import { sourceLabel } from "./source_label.ts";
import { esc, type Html, markup } from "./html.ts";

/**
 * The sentences of a person's gaps, in the order the lookup met them.
 *
 * @param gaps the view's `gaps`
 * @param labels `UI.sourceLabels`
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const gap = { source: "file", kind: "skipped", reason: "unknown_date_format",
 *   words: "its date is in a format we don't know", count: 1 } as const;
 * assert.deepEqual(gapSentences([gap], { file: "the file inventory" }), [
 *   "1 record from the file inventory could not be read: its date is in a format we don't know",
 * ]);
 * ```
 */
export function gapSentences(
  gaps: readonly SourceGap[],
  labels: Readonly<Record<string, string>>,
): string[] {
  return gaps.map((g) => describeGap(g, sourceLabel(g.source, labels)));
}

/**
 * A status panel listing the gaps, as text (`views/html.ts`); nothing when there are none.
 *
 * @param props the view's `gaps` and `UI.sourceLabels`
 * @returns `<div class="panel banner" role="status" id="source-gaps">…</div>`, or empty text
 */
export function sourceGaps(
  props: { gaps: readonly SourceGap[] | undefined; labels: Record<string, string> },
): Html {
  const gaps = props.gaps ?? [];
  if (gaps.length === 0) return "" as Html;
  const items = gapSentences(gaps, props.labels).map((s) => markup`<li>${esc(s)}.</li>`);
  return markup`<div class="panel banner" role="status" id="source-gaps"><strong>Some information could not be read.</strong><ul>${items}</ul></div>`;
}
