/**
 * The dashboard's charts: one stacked bar per row (an SVG per bar, styled by classes; no inline
 * styles, no script) whose label is HTML beside it, so a long practice name wraps instead of being
 * clipped at any width; each chart sits beside a table of the same numbers, every count a link to
 * the device list behind it (issue 26 drill-down). Changes when how the numbers are drawn does.
 *
 * @module
 */
import type { Child } from "hono/jsx";
import {
  DEVICE_SHARES,
  type FailingItem,
  listHref,
  percent,
  type Row,
  type Share,
  SHARE_LABEL,
  SHARE_MEANING,
} from "./dashboard_model.ts";

/** One bar's segments, as percentages of a 100-unit-wide SVG. */
function Bar(props: { parts: [Share, number][]; of: number }): Child {
  let x = 0;
  return (
    <svg class="chart-bar" viewBox="0 0 100 10" preserveAspectRatio="none" focusable="false">
      {props.of === 0 && <rect x="0" y="0" width="100" height="10" class="seg-empty" />}
      {props.parts.map(([s, n]) => {
        const w = props.of === 0 ? 0 : (n / props.of) * 100;
        const rect = w > 0 && (
          <rect x={round(x)} y="0" width={round(w)} height="10" class={`seg-${s}`} />
        );
        x += w;
        return rect;
      })}
    </svg>
  );
}

/**
 * Horizontal 100 % stacked bars, one per row, with "n % OK" after each. Hidden from screen
 * readers: the table beside it says the same, with links.
 */
function StackedBars(props: { rows: Row[] }): Child {
  return (
    <div class="bars" aria-hidden="true">
      {props.rows.map((r) => (
        <div class="bar-row">
          <span class="bar-label">{r.label}</span>
          <Bar parts={r.shares.map((s) => [s, r.counts[s]])} of={r.total} />
          <span class="bar-value">{percent(r.counts.ok, r.total)}% OK</span>
        </div>
      ))}
    </div>
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

/** A count linking to the devices behind it (a plain 0 links nowhere). */
function CountLink(props: { n: number; href: string; pct?: number }): Child {
  const text = props.pct === undefined ? `${props.n}` : `${props.n} (${props.pct}%)`;
  return props.n === 0 ? <>{text}</> : <a href={props.href}>{text}</a>;
}

/** The numbers of a stacked chart: counts and shares per row, each count linked to its list. */
function ShareTable(props: { caption: string; head: string; rows: Row[] }): Child {
  const shares = props.rows[0]!.shares;
  const na = props.rows.some((r) => r.na !== undefined);
  return (
    <TableBox label={props.caption}>
      <table class="chart-table">
        <caption>{props.caption}</caption>
        <thead>
          <tr>
            <th scope="col">{props.head}</th>
            {shares.map((s) => <th scope="col">{SHARE_LABEL[s]}</th>)}
            <th scope="col">Devices</th>
            {na && <th scope="col">{SHARE_LABEL.na} (not counted)</th>}
          </tr>
        </thead>
        <tbody>
          {props.rows.map((r) => (
            <tr>
              <th scope="row">{r.label}</th>
              {shares.map((s) => (
                <td>
                  <CountLink
                    n={r.counts[s]}
                    pct={percent(r.counts[s], r.total)}
                    href={listHref({ ...r.filter, [r.by]: s })}
                  />
                </td>
              ))}
              <td>
                <CountLink n={r.total} href={listHref(r.filter)} />
              </td>
              {na && (
                <td>
                  <CountLink n={r.na ?? 0} href={listHref({ ...r.filter, status: "na" })} />
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </TableBox>
  );
}

/** The colour key and meaning of every share (the tables head their columns with the same words). */
export function Legend(): Child {
  return (
    <ul class="chart-legend">
      {[...DEVICE_SHARES, "na" as const].map((s) => (
        <li>
          <svg viewBox="0 0 10 10" class="chart-key" aria-hidden="true" focusable="false">
            <rect width="10" height="10" class={`seg-${s}`} />
          </svg>
          <strong>{SHARE_LABEL[s]}</strong>: {SHARE_MEANING[s]}
        </li>
      ))}
    </ul>
  );
}

/**
 * One chart section: a heading, the stacked bars of `rows` and the table of the same numbers;
 * nothing when there are no rows. `head` names the tables' first column.
 */
export function ChartSection(
  props: { id: string; heading: string; head: string; rows: Row[] },
): Child {
  if (props.rows.length === 0) return null;
  return (
    <section class="panel chart" aria-labelledby={`${props.id}-h`}>
      <h2 id={`${props.id}-h`}>{props.heading}</h2>
      <div class="chart-pair">
        <StackedBars rows={props.rows} />
        <ShareTable caption={props.heading} head={props.head} rows={props.rows} />
      </div>
    </section>
  );
}

/**
 * The most common failing practices: bars of devices critical and suggested, scaled to the most
 * failing one, and their table with each practice's share of devices; nothing when none fail.
 */
export function Failing(props: { items: FailingItem[]; run: string }): Child {
  if (props.items.length === 0) return null;
  const max = Math.max(...props.items.map((i) => i.failing));
  const href = (it: FailingItem, status: string) =>
    listHref({ run: props.run, practice: it.key, status });
  return (
    <section class="panel chart" aria-labelledby="failing-h">
      <h2 id="failing-h">Most common failing practices</h2>
      <div class="chart-pair">
        <div class="bars" aria-hidden="true">
          {props.items.map((it) => (
            <div class="bar-row">
              <span class="bar-label">{it.label}</span>
              <Bar parts={[["critical", it.critical], ["suggested", it.suggested]]} of={max} />
              <span class="bar-value">{it.failing}</span>
            </div>
          ))}
        </div>
        <TableBox label="Most common failing practices">
          <table class="chart-table">
            <caption>Most common failing practices</caption>
            <thead>
              <tr>
                <th scope="col">Practice</th>
                <th scope="col">Devices failing</th>
                <th scope="col">{SHARE_LABEL.critical}</th>
                <th scope="col">{SHARE_LABEL.suggested}</th>
                <th scope="col">Share of devices</th>
              </tr>
            </thead>
            <tbody>
              {props.items.map((it) => (
                <tr>
                  <th scope="row">{it.label}</th>
                  <td>
                    <CountLink n={it.failing} href={href(it, "failing")} />
                  </td>
                  <td>
                    <CountLink n={it.critical} href={href(it, "critical")} />
                  </td>
                  <td>
                    <CountLink n={it.suggested} href={href(it, "suggested")} />
                  </td>
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
