/**
 * `honouredPage()` (issue 26): the exemptions in force are paged in one order by the end the
 * engine honours — the sooner of the stored expiry and the end of the `MAX_DAYS`-th day after
 * the grant — however the store breaks ties of its own, and whatever the page size.
 *
 * @module
 */
import assert from "node:assert/strict";
import {
  type ActiveExemptionQuery,
  type Exemption,
  withinMaximum,
} from "../../engine/view/exemptions.ts";
import { honouredPage } from "../../engine/view/exemptions_in_force.ts";

const NOW = new Date("2026-12-01T09:00:00Z");
const DAY = 86_400_000;
const BASE = {
  email: "fry@example.com",
  practice: "firewall",
  reason: "Lab machine",
  grantedBy: "security@example.com",
};

/**
 * A store answering as the port says, with its own order of ties the reverse of the ids' (the
 * merge must not depend on it), counting its reads.
 */
function storeOf(all: Exemption[]) {
  const reads: string[] = [];
  return {
    reads,
    activeExemptions(q: ActiveExemptionQuery) {
      reads.push(`${q.order ?? "end"} ${q.offset}+${q.limit}`);
      const inForce = all.filter((e) =>
        e.expiresAt > q.at && (q.grantedFrom === undefined || e.grantedAt >= q.grantedFrom)
      );
      const keys = (e: Exemption) =>
        q.order === "granted" ? [+e.grantedAt, +e.expiresAt] : [+e.expiresAt, +e.grantedAt];
      const sorted = inForce.sort((a, b) => {
        const [a1, a2] = keys(a), [b1, b2] = keys(b);
        return a1! - b1! || a2! - b2! || (a.id < b.id ? 1 : -1);
      });
      return Promise.resolve({
        exemptions: sorted.slice(q.offset, q.offset + q.limit),
        total: inForce.length,
      });
    },
  };
}

/** A fixed pseudo-random sequence (a linear congruential generator), so the test is the same every run. */
function numbers(seed: number): () => number {
  let x = seed;
  return () => (x = (x * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
}

/**
 * 300 exemptions: granted within the last 400 days at one of 30 instants, ending at one of 40
 * instants up to 2030 — many over-long, many tied on both grant and end.
 */
function exemptions(): Exemption[] {
  const next = numbers(26);
  const grants = Array.from({ length: 30 }, () => NOW.getTime() - Math.floor(next() * 400) * DAY);
  const ends = Array.from({ length: 40 }, () => NOW.getTime() + Math.floor(next() * 1200) * DAY);
  return Array.from({ length: 300 }, (_, i) => ({
    ...BASE,
    id: `ex-${String(i).padStart(3, "0")}`,
    grantedAt: new Date(grants[Math.floor(next() * grants.length)]!),
    expiresAt: new Date(ends[Math.floor(next() * ends.length)]!),
  }));
}

Deno.test("pages of every size give each exemption in force once, in the honoured order", async () => {
  const all = exemptions();
  // the order the people's views give: honoured end, then grant, stored end, id
  const expected = all.map((e) => ({ e, h: withinMaximum(e, 365, "UTC") }))
    .filter(({ h }) => h.expiresAt > NOW)
    .sort((a, b) =>
      +a.h.expiresAt - +b.h.expiresAt || +a.e.grantedAt - +b.e.grantedAt ||
      +a.e.expiresAt - +b.e.expiresAt || (a.e.id < b.e.id ? -1 : 1)
    ).map(({ h }) => h);
  assert.ok(expected.length > 100 && expected.length < 300, "some ended by the maximum");
  for (const size of [1, 7, 50, 1000]) {
    const store = storeOf(all);
    const seen: Exemption[] = [];
    for (let offset = 0; offset < expected.length; offset += size) {
      const page = await honouredPage(store, {
        at: NOW,
        maxDays: 365,
        timeZone: "UTC",
        offset,
        limit: size,
      });
      assert.equal(page.total, expected.length);
      seen.push(...page.exemptions);
    }
    assert.deepEqual(seen, expected, `pages of ${size}`);
  }
});

Deno.test("a page past the end, or of 0, is empty with the total, after one read", async () => {
  const store = storeOf(exemptions());
  const q = { at: NOW, maxDays: 365, timeZone: "UTC" };
  const past = await honouredPage(store, { ...q, offset: 5000, limit: 50 });
  const none = await honouredPage(store, { ...q, offset: 0, limit: 0 });
  assert.deepEqual([past.exemptions, none.exemptions], [[], []]);
  assert.equal(past.total, none.total);
  assert.deepEqual(store.reads, ["end 0+1000", "end 0+0"]);
});

Deno.test("the first page of ten reads ten by stored end and ten by grant, and those tied with the tenth", async () => {
  const base = { ...BASE, grantedAt: NOW };
  const all: Exemption[] = Array.from({ length: 30 }, (_, i) => ({
    ...base,
    id: `ex-${String(i).padStart(2, "0")}`,
    // ex-00 to ex-14 end together; the rest a day apart after them
    expiresAt: new Date(NOW.getTime() + (i < 15 ? 10 : i) * DAY),
  }));
  const store = storeOf(all);
  const page = await honouredPage(store, {
    at: NOW,
    maxDays: 365,
    timeZone: "UTC",
    offset: 0,
    limit: 10,
  });
  assert.deepEqual(page.exemptions.map((e) => e.id), [
    "ex-00",
    "ex-01",
    "ex-02",
    "ex-03",
    "ex-04",
    "ex-05",
    "ex-06",
    "ex-07",
    "ex-08",
    "ex-09",
  ]);
  // the tenth of either order (ex-05 as the store breaks ties) and five more end and were
  // granted together: read 1, 2, then 4 more, of which the third is not tied
  assert.deepEqual(store.reads.sort(), [
    "end 0+10",
    "end 10+1",
    "end 11+2",
    "end 13+4",
    "granted 0+10",
    "granted 10+1",
    "granted 11+2",
    "granted 13+4",
  ]);
});
