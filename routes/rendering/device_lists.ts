/**
 * What the Dashboard's device lists share (issue 26): reading a list's filters from the URL, the
 * run it is of, its CSV, and the practices' names — used by the pages (`/dashboard/devices`) and
 * the JSON API (`/api/v1/dashboard/devices`).
 *
 * @module
 */
import { HEADLINES } from "../../engine/core/severity.ts";
import type {
  BatchRunSummary,
  DeviceRow,
  DeviceRowQuery,
  Store,
} from "../../engine/core/store_ports.ts";
import { practiceName } from "../../engine/practices/practice_titles.ts";
import type { PracticeSet } from "../../engine/practices/practices.ts";
import { csvLine } from "../../lib/csv.ts";
import { practiceStates } from "../../views/device_rows.tsx";
import { PAGE_REFUSAL, pageOf } from "./paging.ts";

/**
 * The enabled practices' names by key, for the dashboard's rows: an object with no prototype, so a
 * key from the URL (`practice=constructor`) finds no name rather than one of `Object`'s members.
 */
export function practiceTitles(practices: PracticeSet): Record<string, string> {
  const out: Record<string, string> = Object.create(null);
  for (const p of practices) {
    const name = practiceName(p.config.DISPLAY_TITLE);
    if (name) out[p.key] = name;
  }
  return out;
}

export { PAGE_SIZE } from "./paging.ts";

const STATUSES = new Set(["critical", "suggested", "ok", "unknown", "na", "exempt", "failing"]);
const RATINGS = new Set<string>(HEADLINES);
const NAME_RE = /^[\w .:@+-]{1,100}$/;

/** A list's query from the URL, or the reason it is refused (400). */
export type ParsedList =
  | { query: Omit<DeviceRowQuery, "run" | "offset" | "limit"> & { run?: string }; page: number }
  | { error: string };

/**
 * Reads a list's filters from the URL's query: each known key at most once, values checked
 * (`rating` a device headline, `status` a practice share or `failing`, with a `practice`).
 *
 * @param get the query's value of a key
 * @returns the query and page, or the error to answer
 */
export function parseList(get: (key: string) => string | undefined): ParsedList {
  const out: Record<string, string> = {};
  for (const key of ["run", "rating", "practice", "status", "platform", "source"]) {
    const v = get(key);
    if (v === undefined || v === "") continue;
    if (!NAME_RE.test(v)) return { error: `"${key}" is not a name this list knows` };
    out[key] = v;
  }
  if (out.rating !== undefined && !RATINGS.has(out.rating)) {
    return { error: `"rating" must be one of ${[...RATINGS].join(", ")}` };
  }
  if (out.status !== undefined && (!STATUSES.has(out.status) || out.practice === undefined)) {
    return { error: `"status" needs a "practice" and one of ${[...STATUSES].join(", ")}` };
  }
  const sort = get("sort") ?? "overdue";
  if (sort !== "overdue" && sort !== "owner") return { error: `"sort" is "overdue" or "owner"` };
  const page = pageOf(get("page"));
  if (page === null) return { error: PAGE_REFUSAL };
  return { query: { ...out, sort }, page };
}

/** The run a list is of: the one named, else the latest; `null` when there is none. */
export async function runOf(
  store: Pick<Store, "batchRuns">,
  id: string | undefined,
): Promise<BatchRunSummary | null> {
  const runs = await store.batchRuns.batchRuns(12);
  return (id === undefined ? runs[0] : runs.find((r) => r.id === id)) ?? null;
}

/** The CSV columns, in order. */
const CSV_HEAD = [
  "owner",
  "device",
  "identifier",
  "serial",
  "platform",
  "os",
  "rating",
  "practices not ok",
  "failing since",
  "deadline",
  "sources",
  "last seen",
];

/**
 * Every row of a query as CSV (a head line, then one line per device), read from the store a
 * thousand rows at a time.
 *
 * @returns the text and how many devices it holds
 */
export async function listCsv(
  store: Pick<Store, "deviceRows">,
  query: Omit<DeviceRowQuery, "offset" | "limit">,
  titles: Readonly<Record<string, string>>,
): Promise<{ text: string; rows: DeviceRow[] }> {
  const all: DeviceRow[] = [];
  for (let offset = 0;; offset += 1000) {
    const { rows, total } = await store.deviceRows.deviceRows({ ...query, offset, limit: 1000 });
    all.push(...rows);
    if (rows.length === 0 || all.length >= total) break;
  }
  const iso = (d: Date | undefined) => d?.toISOString();
  const lines = all.map((r) =>
    csvLine([
      r.email,
      r.title,
      r.ident,
      r.serial,
      r.platform,
      r.os,
      r.rating,
      practiceStates(r, titles).join("; "),
      iso(r.failingSince),
      iso(r.deadline),
      r.sources.join(" "),
      iso(r.lastSeen),
    ])
  );
  return { text: csvLine(CSV_HEAD) + lines.join(""), rows: all };
}
