/**
 * The dashboard's charts: server-rendered SVG stacked bars styled by classes (no inline styles, no
 * script), each with a table of the same numbers beside it in a box that scrolls sideways on a
 * narrow screen. Changes when how the numbers are drawn does.
 *
 * @module
 */
import type { Child } from "hono/jsx";
import { type DashboardModel, percent, type Row, SHARE_LABEL, SHARES } from "./dashboard_model.ts";

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

/** The colour key of the four shares (hidden from screen readers: the tables say it). */
export function Legend(): Child {
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

/**
 * One chart section: a heading, the stacked bars of `rows` and the table of the same numbers;
 * nothing when there are no rows. `head` names the tables' first column; `labels` overrides the
 * bar labels.
 */
export function ChartSection(
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

/**
 * The most common failing practices: bars of devices critical and suggested, scaled to the most
 * failing one, and their table with each practice's share of devices; nothing when none fail.
 */
export function Failing(props: { items: DashboardModel["failing"] }): Child {
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
