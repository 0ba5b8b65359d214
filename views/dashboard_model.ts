/**
 * The numbers behind the dashboard's charts, computed from the batch runs: devices critical,
 * suggested, OK (checked and passing), partly checked, unknown and exempt — overall, per platform,
 * per source and over the runs — and each practice's statuses (not applicable kept apart), the
 * most common failing practices. Each row carries the filters of the device list behind it
 * (issue 26 drill-down). Pure data, no markup: changes when what is counted does.
 *
 * @module
 */
import type { BatchRunSummary } from "../engine/core/store_ports.ts";
import {
  type Headline,
  HEADLINES,
  SEVERITY_WORDS,
  severityOfStatus,
} from "../engine/core/severity.ts";

/** What a count is of: a device's headline, or a practice's status (`na`: not applicable). */
export type Share = Headline | "na";

/** The columns of device rows (overall, platform, source, trend), in stacking order. */
export const DEVICE_SHARES: readonly Share[] = HEADLINES;

/** The columns of practice rows, in stacking order (not applicable is its own column, unstacked). */
export const PRACTICE_SHARES: readonly Share[] = [
  "critical",
  "suggested",
  "ok",
  "unknown",
  "exempt",
];

/** Each share in words, as the legend and the tables head their columns ("Critical", "OK"…). */
export const SHARE_LABEL: Readonly<Record<Share, string>> = {
  critical: SEVERITY_WORDS.critical.heading,
  suggested: SEVERITY_WORDS.suggested.heading,
  ok: SEVERITY_WORDS.ok.heading,
  partial: "Partly checked",
  unknown: SEVERITY_WORDS.unknown.heading,
  exempt: "Exempt",
  na: SEVERITY_WORDS.na.heading,
};

/** What each share means, for the legend. */
export const SHARE_MEANING: Readonly<Record<Share, string>> = {
  critical: "something to fix now",
  suggested: "a suggested change",
  ok: "checked, and passes every practice",
  partial: "nothing failing, but some practice could not be checked",
  unknown: "nothing could be checked",
  exempt: "failing only where the security team granted an exemption",
  na: "the practice does not apply",
};

/** The filters of a device list (all optional; the URL's query of `/dashboard/devices`). */
export interface ListFilter {
  /** The batch run (default: the latest). */
  run?: string;
  /** A device headline ({@link Share} of device rows). */
  rating?: string;
  /** A practice key, with `status` a practice {@link Share} or `failing`. */
  practice?: string;
  status?: string;
  platform?: string;
  source?: string;
}

/** One bar: a label, counts per share, their total, and the device list behind it. */
export interface Row {
  label: string;
  /** The columns, in stacking order ({@link DEVICE_SHARES} or {@link PRACTICE_SHARES}). */
  shares: readonly Share[];
  counts: Record<Share, number>;
  /** The devices counted (not applicable ones are not). */
  total: number;
  /** Devices the practice does not apply to: shown, never counted in the shares. */
  na?: number;
  /** The list behind the row; a share's list adds `rating` (devices) or `status` (practices). */
  filter: ListFilter;
  /** Which filter key a share's count sets: `rating` for device rows, `status` for practices. */
  by: "rating" | "status";
}

/** One of the most common failing practices. */
export interface FailingItem {
  label: string;
  key: string;
  critical: number;
  suggested: number;
  failing: number;
  total: number;
}

/** What the dashboard shows, computed from the runs (newest first). */
export interface DashboardModel {
  latest: BatchRunSummary;
  overall: Row;
  practices: Row[];
  platforms: Row[];
  sources: Row[];
  /** Practices by devices failing them (critical + suggested), most first; at most 5. */
  failing: FailingItem[];
  /** Oldest first. */
  trend: Row[];
}

function zero(): Record<Share, number> {
  return { critical: 0, suggested: 0, ok: 0, partial: 0, unknown: 0, exempt: 0, na: 0 };
}

/** A device row from a run's rating counts (keys as `ratingKey` writes them). */
function deviceRow(label: string, ratings: Readonly<Record<string, number>>, filter: ListFilter) {
  const counts = zero();
  for (const s of DEVICE_SHARES) counts[s] = ratings[s] ?? 0;
  const total = DEVICE_SHARES.reduce((a, s) => a + counts[s], 0);
  return { label, shares: DEVICE_SHARES, counts, total, filter, by: "rating" } satisfies Row;
}

/**
 * A practice row: statuses count under their severity (`warn` → critical, `nudge` → suggested);
 * `exempt` under exempt; `na` apart, never in the total.
 */
function practiceRow(
  label: string,
  byStatus: Readonly<Record<string, number>>,
  filter: ListFilter,
): Row {
  const counts = zero();
  for (const [status, n] of Object.entries(byStatus)) {
    const share: Share | undefined = status === "exempt" ? "exempt" : severityOfStatus(status);
    if (share !== undefined) counts[share] += n;
  }
  const total = PRACTICE_SHARES.reduce((a, s) => a + counts[s], 0);
  return {
    label,
    shares: PRACTICE_SHARES,
    counts,
    total,
    ...(counts.na ? { na: counts.na } : {}),
    filter,
    by: "status",
  };
}

const byLabel = (a: Row, b: Row) => a.label.localeCompare(b.label);

/**
 * The numbers behind every chart. A device is OK only when checked and passing every practice
 * shown; a practice's `na` (not applicable) is kept apart and never counted, so "% OK" is of the
 * devices the practice applies to.
 *
 * @param runs the batch runs, newest first (at least one)
 * @param titles practice names by key (practices are shown by name, the key only without one)
 * @returns the rows of every chart, each with the device list behind it
 */
export function dashboardModel(
  runs: readonly BatchRunSummary[],
  titles: Readonly<Record<string, string>> = {},
): DashboardModel {
  const latest = runs[0]!;
  const run = latest.id;
  const practices = Object.entries(latest.practices)
    .map(([k, s]) => ({ key: k, row: practiceRow(titles[k] ?? k, s, { run, practice: k }) }))
    .sort((a, b) => byLabel(a.row, b.row));
  const failing = practices
    .map(({ key, row: p }) => ({
      label: p.label,
      key,
      critical: p.counts.critical,
      suggested: p.counts.suggested,
      failing: p.counts.critical + p.counts.suggested,
      total: p.total,
    }))
    .filter((p) => p.failing > 0)
    .sort((a, b) => b.failing - a.failing || a.label.localeCompare(b.label))
    .slice(0, 5);
  const rows = (by: Record<string, Record<string, number>>, key: "platform" | "source") =>
    Object.entries(by).map(([k, r]) => deviceRow(k, r, { run, [key]: k })).sort(byLabel);
  return {
    latest,
    overall: deviceRow("All devices", latest.ratings, { run }),
    practices: practices.map((p) => p.row),
    platforms: rows(latest.byPlatform, "platform"),
    sources: rows(latest.bySource, "source"),
    failing,
    trend: [...runs].reverse().map((r) =>
      deviceRow(`${r.finishedAt.toISOString().slice(0, 16).replace("T", " ")} UTC`, r.ratings, {
        run: r.id,
      })
    ),
  };
}

/** `n` of `total` as a percentage with one decimal (0 when total is 0). */
export function percent(n: number, total: number): number {
  return total === 0 ? 0 : Math.round((n * 1000) / total) / 10;
}

/**
 * The device list's address for a filter (keys in a fixed order, empty ones left out).
 *
 * @param filter what the list shows
 * @returns e.g. `/dashboard/devices?run=r1&practice=encryption&status=critical`
 */
export function listHref(filter: ListFilter & { page?: number; sort?: string }): string {
  const keys = ["run", "rating", "practice", "status", "platform", "source", "sort", "page"];
  const q = new URLSearchParams();
  for (const k of keys) {
    const v = (filter as Record<string, string | number | undefined>)[k];
    if (v !== undefined && v !== "") q.set(k, String(v));
  }
  const query = q.toString();
  return query ? `/dashboard/devices?${query}` : "/dashboard/devices";
}
