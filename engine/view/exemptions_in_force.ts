/**
 * The exemptions in force as the engine honours them, a page at a time (issue 26): the security
 * team's list, its API and the Dashboard's "ending soon" order them by the end people's views
 * give them — the sooner of the stored expiry and the maximum length (`withinMaximum()`) — and
 * page that one order, so no exemption is skipped or shown twice across pages.
 *
 * The stores order by stored fields only, and a record written past the maximum (by an older
 * version, by hand, or before `MAX_DAYS` was lowered) ends sooner than its stored expiry says.
 * The honoured end is the sooner of the stored end and a cap that only grows with the grant
 * time, so the first K by honoured end are among the first K by stored end together with the
 * first K by grant: two store reads, merged and sorted by (honoured end, grant, stored end, id).
 *
 * @module
 */
import { type Exemption, type ExemptionStore, withinMaximum } from "./exemptions.ts";

/** Records per store read: within Elasticsearch's 10,000-record window, and little memory. */
const CHUNK = 1000;

/** What {@link honouredPage} is asked. */
export interface HonouredPageQuery {
  /** The time "in force" is judged at. */
  at: Date;
  /** The longest an exemption lasts, in days (`EXEMPTIONS.MAX_DAYS`). */
  maxDays: number;
  /** Whose days count (`UI.timeZone`, an IANA name). */
  timeZone: string;
  /** Exemptions skipped (0 or more). */
  offset: number;
  /** At most this many returned (0: only the total). */
  limit: number;
}

/**
 * One page of the exemptions in force at `at` as honoured — each `expiresAt` at most the end of
 * the `maxDays`-th day after its grant — soonest to end first (then oldest grant, then stored
 * expiry, then id: one order for every page), and how many are in force.
 *
 * Reads the first `offset + limit` exemptions in force in the store's two orders (stored end
 * and grant, {@link ExemptionStore.activeExemptions}), {@link CHUNK} at a time, so a page costs
 * reading the ones before it: meant for the thousands an organisation keeps, not millions.
 *
 * @param store where the exemptions are
 * @param q when, the settings and the page
 * @returns the page, each `expiresAt` as honoured, and the total in force
 * @throws what the store throws
 * @example One written "until 2030" a year ago ends before one granted today for 61 days
 * ```ts
 * import assert from "node:assert/strict";
 * import type { Exemption, ExemptionStore } from "./exemptions.ts";
 * const base = { email: "fry@example.com", practice: "firewall", reason: "Lab", grantedBy: "sec" };
 * const all: Exemption[] = [
 *   { ...base, id: "new", grantedAt: new Date("2026-12-01T09:00:00Z"),
 *     expiresAt: new Date("2027-02-01T00:00:00Z") },
 *   { ...base, id: "old", grantedAt: new Date("2025-12-10T12:00:00Z"),
 *     expiresAt: new Date("2030-01-01T00:00:00Z") },
 * ];
 * const store: Pick<ExemptionStore, "activeExemptions"> = {
 *   activeExemptions: ({ order, offset, limit }) => {
 *     const key = (e: Exemption) => order === "granted" ? e.grantedAt : e.expiresAt;
 *     const sorted = [...all].sort((a, b) => key(a).getTime() - key(b).getTime());
 *     return Promise.resolve({ exemptions: sorted.slice(offset, offset + limit), total: 2 });
 *   },
 * };
 * const page = await honouredPage(store, {
 *   at: new Date("2026-12-01T09:00:00Z"), maxDays: 365, timeZone: "UTC", offset: 0, limit: 1,
 * });
 * assert.deepEqual(page.exemptions.map((e) => [e.id, e.expiresAt.toISOString()]), [
 *   ["old", "2026-12-11T00:00:00.000Z"],
 * ]);
 * assert.equal(page.total, 2);
 * ```
 */
export async function honouredPage(
  store: Pick<ExemptionStore, "activeExemptions">,
  q: HonouredPageQuery,
): Promise<{ exemptions: Exemption[]; total: number }> {
  const grantedFrom = earliestGrantInForce(q.at, q.maxDays, q.timeZone);
  const want = q.offset + q.limit;
  const read = (order: Order, offset: number, limit: number) =>
    store.activeExemptions({ at: q.at, grantedFrom, order, offset, limit });
  const first = await read("end", 0, Math.min(CHUNK, want));
  if (q.limit === 0 || q.offset >= first.total) return { exemptions: [], total: first.total };
  const [byEnd, byGrant] = await Promise.all([
    firstOf(read, "end", want, first),
    firstOf(read, "granted", want, { exemptions: [], total: first.total }),
  ]);
  const keyed = new Map<string, Keyed>();
  for (const e of [...byEnd, ...byGrant]) {
    keyed.set(e.id, {
      e: withinMaximum(e, q.maxDays, q.timeZone),
      granted: +e.grantedAt,
      end: +e.expiresAt,
    });
  }
  const exemptions = [...keyed.values()].sort(honouredOrder).slice(q.offset, want).map((k) => k.e);
  return { exemptions, total: first.total };
}

type Order = "end" | "granted";
type Read = (
  order: Order,
  offset: number,
  limit: number,
) => Promise<{ exemptions: Exemption[]; total: number }>;
/** An exemption as honoured, with its stored grant and end (ms) the order needs. */
type Keyed = { e: Exemption; granted: number; end: number };

function honouredOrder(a: Keyed, b: Keyed): number {
  return +a.e.expiresAt - +b.e.expiresAt || a.granted - b.granted || a.end - b.end ||
    (a.e.id < b.e.id ? -1 : a.e.id > b.e.id ? 1 : 0);
}

/** The two stored keys of an order, first and second. */
function keysOf(order: Order, e: Exemption): [number, number] {
  return order === "end" ? [+e.expiresAt, +e.grantedAt] : [+e.grantedAt, +e.expiresAt];
}

/**
 * The first `want` in force in `order` (fewer when fewer are), and then every one tied with the
 * last of them on both stored keys: the store orders such ties its own way, so which of them
 * fall within `want` is its choice, not ours — with all of them, the merge's order decides.
 */
async function firstOf(
  read: Read,
  order: Order,
  want: number,
  start: { exemptions: Exemption[]; total: number },
): Promise<Exemption[]> {
  const out = [...start.exemptions];
  let total = start.total;
  const more = async (limit: number) => {
    const got = await read(order, out.length, limit);
    total = got.total;
    return got.exemptions;
  };
  while (out.length < Math.min(want, total)) {
    const got = await more(Math.min(CHUNK, want - out.length));
    if (got.length === 0) break;
    out.push(...got);
  }
  const last = out.at(-1);
  if (last === undefined) return out;
  const [k1, k2] = keysOf(order, last);
  // usually the next one is not tied: read 1, then 2, 4… while they are
  for (let size = 1; out.length < total; size = Math.min(size * 2, CHUNK)) {
    const got = await more(size);
    const cut = got.findIndex((e) => {
      const [a, b] = keysOf(order, e);
      return a !== k1 || b !== k2;
    });
    out.push(...(cut === -1 ? got : got.slice(0, cut)));
    if (cut !== -1 || got.length < size) break;
  }
  return out;
}

/**
 * The earliest grant the maximum length still covers at `at`: an exemption granted before it has
 * ended whatever its stored expiry (`withinMaximum()`, whose end only grows with the grant time,
 * is asked — to the millisecond — so the stores' lists agree with it exactly).
 */
function earliestGrantInForce(at: Date, maxDays: number, timeZone: string): Date {
  const far = new Date(at.getTime() + (maxDays + 2) * 86_400_000);
  const covers = (ms: number) =>
    withinMaximum({ ...PROBE, grantedAt: new Date(ms), expiresAt: far }, maxDays, timeZone)
      .expiresAt > at;
  let lo = at.getTime() - (maxDays + 2) * 86_400_000; // not covered
  let hi = at.getTime(); // covered
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (covers(mid)) hi = mid;
    else lo = mid;
  }
  return new Date(hi);
}

const PROBE = { id: "", email: "", practice: "", reason: "", grantedBy: "" };
