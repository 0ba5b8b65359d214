/**
 * The devices behind a Dashboard number (issue 26 drill-down): what the list shows (in words), a
 * table of owner, device, practice states, failing since, deadline, sources and last seen — each
 * owner a link to their look-up — sorted by most overdue or by owner, paged, with its CSV. Every
 * link is a plain GET with the filters in the URL, so the list works without JavaScript and can be
 * bookmarked or shared.
 *
 * @module
 */
import type { Child } from "hono/jsx";
import type { DeviceRow } from "../engine/core/store_ports.ts";
import { type ListFilter, listHref, type Share, SHARE_LABEL } from "./dashboard_model.ts";
import { fullDate } from "./format.ts";
import { Pager, pageSpan } from "./pager.tsx";
import { personHref } from "./person_link.ts";
import { sourceLabels } from "./source_label.ts";

/** One page of a device list, and what it is of. */
export interface DeviceRowsPage {
  filter: ListFilter & { run: string };
  sort: "overdue" | "owner";
  page: number;
  pageSize: number;
  rows: readonly DeviceRow[];
  total: number;
  /** When the run finished (for the heading). */
  finishedAt: Date;
  /** Practice names by key. */
  titles: Readonly<Record<string, string>>;
  sourceLabels: Record<string, string>;
}

const SHARE_WORDS: Record<string, string> = {
  ...Object.fromEntries(Object.entries(SHARE_LABEL).map(([k, v]) => [k, v.toLowerCase()])),
  failing: "failing (critical or suggested)",
};

/** What a filter selects, in words: "Disk is encrypted: critical · platform Mac". */
export function describeFilter(
  f: ListFilter,
  titles: Readonly<Record<string, string>>,
): string {
  const parts: string[] = [];
  if (f.practice !== undefined) {
    const name = titles[f.practice] ?? f.practice;
    parts.push(f.status === undefined ? `${name}: applies` : `${name}: ${SHARE_WORDS[f.status]}`);
  }
  if (f.rating !== undefined) parts.push(`${SHARE_WORDS[f.rating]}`);
  if (f.platform !== undefined) parts.push(`platform ${f.platform}`);
  if (f.source !== undefined) parts.push(`seen by ${f.source}`);
  return parts.length === 0 ? "all devices" : parts.join(" · ");
}

/** The practices of a row that are not OK, in words ("Disk is encrypted: critical"). */
export function practiceStates(row: DeviceRow, titles: Readonly<Record<string, string>>): string[] {
  return Object.entries(row.practices)
    .filter(([, s]) => s !== "ok" && s !== "na")
    .map(([k, s]) => `${titles[k] ?? k}: ${SHARE_LABEL[s as Share].toLowerCase()}`);
}

function day(d: Date | undefined): string {
  return d === undefined ? "—" : d.toISOString().slice(0, 10);
}

/** The table of rows (the look-up's matches use it too). */
export function DeviceRowTable(
  props: {
    rows: readonly DeviceRow[];
    titles: Readonly<Record<string, string>>;
    sourceLabels: Record<string, string>;
    caption: string;
  },
): Child {
  return (
    <div class="table-box" role="region" tabindex={0} aria-label={`${props.caption} (table)`}>
      <table class="chart-table device-rows cards-on-phone">
        <caption>{props.caption}</caption>
        <thead>
          <tr>
            <th scope="col">Owner</th>
            <th scope="col">Device</th>
            <th scope="col">Practices not OK</th>
            <th scope="col">Failing since</th>
            <th scope="col">Deadline</th>
            <th scope="col">Sources</th>
            <th scope="col">Last seen</th>
          </tr>
        </thead>
        <tbody>
          {props.rows.map((r) => {
            const states = practiceStates(r, props.titles);
            return (
              <tr>
                <th scope="row">
                  <a href={personHref("/", r.email)}>{r.email}</a>
                </th>
                <td data-label="Device">
                  {r.title}
                  <br />
                  <span class="muted">{[r.os, r.ident].filter(Boolean).join(" · ")}</span>
                </td>
                <td data-label="Practices not OK">
                  {states.length === 0 ? "none" : states.join("; ")}
                </td>
                <td data-label="Failing since">{day(r.failingSince)}</td>
                <td data-label="Deadline">{day(r.deadline)}</td>
                <td data-label="Sources">
                  {sourceLabels(r.sources, props.sourceLabels).join(", ")}
                </td>
                <td data-label="Last seen">{day(r.lastSeen)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** The list page's body. */
export function DeviceRows(props: DeviceRowsPage): Child {
  const { filter, sort, page, pageSize, total } = props;
  const { first, last } = pageSpan(props);
  const what = describeFilter(filter, props.titles);
  const here = (over: { page?: number; sort?: string }) =>
    listHref({ ...filter, sort: over.sort ?? sort, page: over.page ?? page });
  return (
    <>
      <p>
        <a href="/dashboard">Back to the Dashboard</a>
      </p>
      <h1>Devices: {what}</h1>
      <p class="lead">
        {total === 1 ? "1 device" : `${total} devices`} in the batch run of{" "}
        {fullDate(props.finishedAt)}
        {first > 0 && <>; showing {first}–{last}</>}.
      </p>
      <p class="list-tools">
        <span>
          Sorted by {sort === "overdue" ? "most overdue first" : "owner"} · {sort === "overdue"
            ? <a href={here({ sort: "owner", page: 1 })}>sort by owner</a>
            : <a href={here({ sort: "overdue", page: 1 })}>sort by most overdue</a>}
        </span>
        <a
          href={listHref({ ...filter, sort }).replace(
            "/dashboard/devices",
            "/dashboard/devices.csv",
          )}
        >
          Download all {total} as CSV
        </a>
      </p>
      {total === 0
        ? (
          <p class="panel">
            No device of this run matches. (Runs before this version kept no device list.)
          </p>
        )
        : (
          <DeviceRowTable
            rows={props.rows}
            titles={props.titles}
            sourceLabels={props.sourceLabels}
            caption={`Devices: ${what}`}
          />
        )}
      <Pager page={page} total={total} pageSize={pageSize} href={(p) => here({ page: p })} />
    </>
  );
}
