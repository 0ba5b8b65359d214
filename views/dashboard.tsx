/**
 * The org-wide dashboard (privileged users): the latest batch run's share of devices critical,
 * suggested, ok and unknown — overall, per practice, per platform, per source — the most common
 * failing practices, and the trend over the last runs. Charts are server-rendered SVG styled by
 * classes (no inline styles, no script); each has a table of the same numbers beside it.
 *
 * @module
 */
import type { Child } from "hono/jsx";
import type { BatchRunSummary } from "../engine/ports.ts";
import { fullDate } from "./format.ts";

/** The four shares every chart shows, in stacking order. */
export const SHARES = ["critical", "suggested", "ok", "unknown"] as const;

/** One of {@link SHARES}. */
export type Share = (typeof SHARES)[number];

const SHARE_LABEL: Record<Share, string> = {
  critical: "Critical",
  suggested: "Suggested",
  ok: "OK",
  unknown: "Unknown",
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

const byLabel = (a: Row, b: Row) => a.label.localeCompare(b.label);

/** A rating count map (`critical`, `suggested`, `ok`, `unknown`) as a row. */
function ratingRow(label: string, r: Record<string, number>): Row {
  return row(label, r);
}

/**
 * The numbers behind every chart: practice statuses map `warn` → critical, `nudge` →
 * suggested, `ok` → ok, `unknown` → unknown; `na` (not applicable) is kept apart and never
 * counted, so "% ok" is of the devices the practice applies to.
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
    ...row(titles[k] ?? k, {
      critical: s.warn ?? 0,
      suggested: s.nudge ?? 0,
      ok: s.ok ?? 0,
      unknown: s.unknown ?? 0,
    }),
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

const LABEL_W = 112;
const BAR_W = 180;
const ROW_H = 24;

/** Horizontal 100 % stacked bars, one per row. */
function StackedBars(
  props: { id: string; title: string; rows: Row[]; labels?: (r: Row) => string },
): Child {
  const height = props.rows.length * ROW_H + 4;
  return (
    <svg
      class="chart-svg"
      viewBox={`0 0 ${LABEL_W + BAR_W + 68} ${height}`}
      role="img"
      aria-labelledby={`${props.id}-title`}
      focusable="false"
    >
      <title id={`${props.id}-title`}>{props.title}</title>
      {props.rows.map((r, i) => {
        const y = i * ROW_H + 2;
        let x = LABEL_W;
        return (
          <g>
            <text x={LABEL_W - 6} y={y + 15} text-anchor="end" class="chart-label">
              {props.labels ? props.labels(r) : r.label}
            </text>
            {r.total === 0 && (
              <rect x={LABEL_W} y={y} width={BAR_W} height={ROW_H - 6} class="seg-empty" />
            )}
            {SHARES.map((s) => {
              const w = r.total === 0 ? 0 : (r.counts[s] / r.total) * BAR_W;
              const rect = w > 0 && (
                <rect x={x} y={y} width={round(w)} height={ROW_H - 6} class={`seg-${s}`} />
              );
              x += w;
              return rect;
            })}
            <text x={LABEL_W + BAR_W + 6} y={y + 15} class="chart-label">
              {percent(r.counts.ok, r.total)}% ok
            </text>
          </g>
        );
      })}
    </svg>
  );
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

/**
 * A table in a box that scrolls sideways on a narrow screen (the page itself never does); the
 * box is focusable and named so a keyboard can scroll it.
 */
function TableBox(props: { label: string; children: Child }): Child {
  return (
    <div class="table-box" role="region" tabindex={0} aria-label={`${props.label} (table)`}>
      {props.children}
    </div>
  );
}

/** The numbers of a stacked chart: counts and shares per row. */
function ShareTable(props: { caption: string; head: string; rows: Row[] }): Child {
  const na = props.rows.some((r) => r.na !== undefined);
  return (
    <TableBox label={props.caption}>
      <table class="chart-table">
        <caption>{props.caption}</caption>
        <thead>
          <tr>
            <th scope="col">{props.head}</th>
            {SHARES.map((s) => <th scope="col">{SHARE_LABEL[s]}</th>)}
            <th scope="col">Devices</th>
            {na && <th scope="col">Not applicable (not counted)</th>}
          </tr>
        </thead>
        <tbody>
          {props.rows.map((r) => (
            <tr>
              <th scope="row">{r.label}</th>
              {SHARES.map((s) => <td>{r.counts[s]} ({percent(r.counts[s], r.total)}%)</td>)}
              <td>{r.total}</td>
              {na && <td>{r.na ?? 0}</td>}
            </tr>
          ))}
        </tbody>
      </table>
    </TableBox>
  );
}

function Legend(): Child {
  return (
    <ul class="chart-legend" aria-hidden="true">
      {SHARES.map((s) => (
        <li>
          <svg viewBox="0 0 10 10" class="chart-key" focusable="false">
            <rect width="10" height="10" class={`seg-${s}`} />
          </svg>
          {SHARE_LABEL[s]}
        </li>
      ))}
    </ul>
  );
}

function ChartSection(
  props: { id: string; heading: string; head: string; rows: Row[]; labels?: (r: Row) => string },
): Child {
  if (props.rows.length === 0) return null;
  return (
    <section class="panel chart" aria-labelledby={`${props.id}-h`}>
      <h2 id={`${props.id}-h`}>{props.heading}</h2>
      <div class="chart-pair">
        <StackedBars
          id={props.id}
          title={`${props.heading}: share of devices critical, suggested, ok and unknown`}
          rows={props.rows}
          {...(props.labels ? { labels: props.labels } : {})}
        />
        <ShareTable caption={props.heading} head={props.head} rows={props.rows} />
      </div>
    </section>
  );
}

function Failing(props: { items: DashboardModel["failing"] }): Child {
  if (props.items.length === 0) return null;
  const max = Math.max(...props.items.map((i) => i.failing));
  return (
    <section class="panel chart" aria-labelledby="failing-h">
      <h2 id="failing-h">Most common failing practices</h2>
      <div class="chart-pair">
        <svg
          class="chart-svg"
          viewBox={`0 0 ${LABEL_W + BAR_W + 40} ${props.items.length * ROW_H + 4}`}
          role="img"
          aria-labelledby="failing-title"
          focusable="false"
        >
          <title id="failing-title">
            Devices failing each practice (critical or suggested), most first
          </title>
          {props.items.map((it, i) => (
            <g>
              <text x={LABEL_W - 6} y={i * ROW_H + 17} text-anchor="end" class="chart-label">
                {it.label}
              </text>
              {it.critical > 0 && (
                <rect
                  x={LABEL_W}
                  y={i * ROW_H + 2}
                  width={round((it.critical / max) * BAR_W)}
                  height={ROW_H - 6}
                  class="seg-critical"
                />
              )}
              {it.suggested > 0 && (
                <rect
                  x={round(LABEL_W + (it.critical / max) * BAR_W)}
                  y={i * ROW_H + 2}
                  width={round((it.suggested / max) * BAR_W)}
                  height={ROW_H - 6}
                  class="seg-suggested"
                />
              )}
              <text
                x={LABEL_W + round((it.failing / max) * BAR_W) + 6}
                y={i * ROW_H + 17}
                class="chart-label"
              >
                {it.failing}
              </text>
            </g>
          ))}
        </svg>
        <TableBox label="Most common failing practices">
          <table class="chart-table">
            <caption>Most common failing practices</caption>
            <thead>
              <tr>
                <th scope="col">Practice</th>
                <th scope="col">Devices failing</th>
                <th scope="col">Share of devices</th>
              </tr>
            </thead>
            <tbody>
              {props.items.map((it) => (
                <tr>
                  <th scope="row">{it.label}</th>
                  <td>{it.failing}</td>
                  <td>{percent(it.failing, it.total)}%</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableBox>
      </div>
    </section>
  );
}

/** The page body when no batch has run yet. */
export function DashboardEmpty(): Child {
  return (
    <div class="panel" id="dashboard-empty">
      <p>
        <strong>No batch run yet.</strong>{" "}
        The dashboard shows the results of the company-wide batch job. Run it with{" "}
        <code>deno task batch emails.txt</code> (or <code>main.ts batch emails.txt</code>), where
        {" "}
        <code>emails.txt</code> lists one email address per line; this page then shows its results.
      </p>
    </div>
  );
}

/** The dashboard body; `titles` name the practices (by key). */
export function Dashboard(
  props: { runs: readonly BatchRunSummary[]; titles?: Readonly<Record<string, string>> },
): Child {
  if (props.runs.length === 0) return <DashboardEmpty />;
  const m = dashboardModel(props.runs, props.titles);
  const errors = Object.entries(m.latest.errors).sort(([a], [b]) => a.localeCompare(b));
  return (
    <div id="dashboard">
      <p class="muted">
        Latest batch run finished {fullDate(m.latest.finishedAt)}: {m.latest.people} people,{" "}
        {m.latest.devices} devices.
        {errors.length > 0 && ` Sources that failed for some people: ${
          errors.map(([s, n]) => `${s} (${n})`).join(", ")
        }.`}
      </p>
      <Legend />
      <ChartSection id="overall" heading="All devices" head="Scope" rows={[m.overall]} />
      <Failing items={m.failing} />
      <ChartSection id="practices" heading="By practice" head="Practice" rows={m.practices} />
      <ChartSection id="platforms" heading="By platform" head="Platform" rows={m.platforms} />
      <ChartSection id="sources" heading="By source" head="Source" rows={m.sources} />
      <ChartSection id="trend" heading="Trend over the last runs" head="Run" rows={m.trend} />
    </div>
  );
}
