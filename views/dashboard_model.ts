/**
 * The numbers behind the dashboard's charts, computed from the batch runs: the share of devices
 * critical, suggested, ok and unknown overall, per practice, per platform, per source, the most
 * common failing practices and the trend. Pure data, no markup: changes when what is counted does.
 *
 * @module
 */
import type { BatchRunSummary } from "../engine/core/ports.ts";
import { type Rating, RATINGS, SEVERITY_WORDS, severityOfStatus } from "../engine/core/severity.ts";

/** The four shares every chart shows, in stacking order: the ratings. */
export const SHARES: readonly Rating[] = RATINGS;

/** One of {@link SHARES}. */
export type Share = Rating;

/** Each share in words, as the legend and the tables head their columns ("Critical", "OK"…). */
export const SHARE_LABEL: Readonly<Record<Share, string>> = {
  critical: SEVERITY_WORDS.critical.heading,
  suggested: SEVERITY_WORDS.suggested.heading,
  ok: SEVERITY_WORDS.ok.heading,
  unknown: SEVERITY_WORDS.unknown.heading,
};

/** One bar: a label, counts per share, and their total. */
export interface Row {
  label: string;
  counts: Record<Share, number>;
  /** The devices counted (not applicable ones are not). */
  total: number;
  /** Devices the practice does not apply to: shown, never counted in the shares. */
  na?: number;
}

/** What the dashboard shows, computed from the runs (newest first). */
export interface DashboardModel {
  latest: BatchRunSummary;
  overall: Row;
  practices: Row[];
  platforms: Row[];
  sources: Row[];
  /** Practices by devices failing them (critical + suggested), most first; at most 5. */
  failing: { label: string; critical: number; suggested: number; failing: number; total: number }[];
  /** Oldest first. */
  trend: Row[];
}

function row(label: string, counts: Partial<Record<Share, number>>): Row {
  const c = Object.fromEntries(SHARES.map((s) => [s, counts[s] ?? 0])) as Record<Share, number>;
  return { label, counts: c, total: SHARES.reduce((a, s) => a + c[s], 0) };
}

/** Counts by practice status (`warn`, `nudge`…) as counts by share; `na` and unknown keys left out. */
function statusCounts(byStatus: Readonly<Record<string, number>>): Partial<Record<Share, number>> {
  const out: Partial<Record<Share, number>> = {};
  for (const [status, n] of Object.entries(byStatus)) {
    const severity = severityOfStatus(status);
    if (severity !== undefined && severity !== "na") out[severity] = (out[severity] ?? 0) + n;
  }
  return out;
}

const byLabel = (a: Row, b: Row) => a.label.localeCompare(b.label);

/** A rating count map (`critical`, `suggested`, `ok`, `unknown`) as a row. */
function ratingRow(label: string, r: Record<string, number>): Row {
  return row(label, r);
}

/**
 * The numbers behind every chart: practice statuses count under their severity
 * (`severityOfStatus`: `warn` → critical, `nudge` → suggested, `ok` → ok, `unknown` → unknown);
 * `na` (not applicable) is kept apart and never counted, so "% ok" is of the devices the practice
 * applies to.
 *
 * @param runs the batch runs, newest first (at least one)
 * @param titles practice names by key (practices are shown by name, the key only without one)
 */
export function dashboardModel(
  runs: readonly BatchRunSummary[],
  titles: Readonly<Record<string, string>> = {},
): DashboardModel {
  const latest = runs[0]!;
  const practices = Object.entries(latest.practices).map(([k, s]) => ({
    ...row(titles[k] ?? k, statusCounts(s)),
    ...(s.na ? { na: s.na } : {}),
  })).sort(byLabel);
  const failing = practices
    .map((p) => ({
      label: p.label,
      critical: p.counts.critical,
      suggested: p.counts.suggested,
      failing: p.counts.critical + p.counts.suggested,
      total: p.total,
    }))
    .filter((p) => p.failing > 0)
    .sort((a, b) => b.failing - a.failing || a.label.localeCompare(b.label))
    .slice(0, 5);
  return {
    latest,
    overall: ratingRow("All devices", latest.ratings),
    practices,
    platforms: Object.entries(latest.byPlatform).map(([k, r]) => ratingRow(k, r)).sort(byLabel),
    sources: Object.entries(latest.bySource).map(([k, r]) => ratingRow(k, r)).sort(byLabel),
    failing,
    trend: [...runs].reverse().map((r) =>
      ratingRow(r.finishedAt.toISOString().slice(0, 10), r.ratings)
    ),
  };
}

/** `n` of `total` as a percentage with one decimal (0 when total is 0). */
export function percent(n: number, total: number): number {
  return total === 0 ? 0 : Math.round((n * 1000) / total) / 10;
}
