/**
 * The morning after a nightly batch (`deno task bench:refresh`, issue 24): every snapshot is older
 * than the freshness window and 10,000 different people each open the portal once within 15
 * minutes (arrival times spread at random, seeded). Each view is served from the snapshot at once
 * and queues its person's refresh (`engine/view/refresh_queue.ts`) with the default budgets of
 * `plugins/refresh_budgets.ts` for Google, Intune and Jamf Pro. The clock is simulated (a wait
 * for a token moves it), so the figures are exact and take a second to compute.
 *
 * Prints, per source, the upstream requests the refreshes made in the 15 minutes against the
 * budget (the bucket's size plus its rate × 15 minutes) and against the vendor's quota, the
 * busiest minute, how long until everyone was refreshed, and the same views without a budget
 * (one lookup per stale view at once, as before).
 *
 * @module
 */
// deno-lint-ignore-file no-console
import { createRefreshQueue } from "../engine/view/refresh_queue.ts";
import { type Bucket, takeToken } from "../lib/token_bucket.ts";
import { refreshBudgets, VENDOR_QUOTAS } from "../plugins/refresh_budgets.ts";

const PEOPLE = Number(Deno.env.get("BENCH_PEOPLE") ?? 10_000);
const WINDOW_S = 15 * 60;
const SOURCES = ["google", "intune", "jamf_pro"];

/** A seeded generator (mulberry32), so every run sees the same arrivals. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const next = random(24);
const arrivals = Array.from({ length: PEOPLE }, () => next() * WINDOW_S * 1000).sort((a, b) =>
  a - b
);
const budgets = refreshBudgets(SOURCES, {}, 0.5);
let nowMs = 0;
let arrived = 0;
const buckets = new Map<string, Bucket>();
/** Upstream requests per source, per minute. */
const perMinute = new Map<string, number[]>(SOURCES.map((s) => [s, []]));
let lastRefreshMs = 0;

const queue = createRefreshQueue({
  budgets,
  tokens: {
    takeToken(key, rate, now) {
      const { bucket, wait } = takeToken(buckets.get(key), rate, now.getTime());
      buckets.set(key, bucket);
      return Promise.resolve(wait);
    },
  },
  now: () => new Date(nowMs),
  sleep(ms) {
    nowMs += ms;
    arrive();
    return Promise.resolve();
  },
});

/** Every view up to now: served from its stale snapshot, its person queued. */
function arrive(): void {
  for (; arrived < arrivals.length && arrivals[arrived]! <= nowMs; arrived++) {
    const person = `person${arrived}@example.com`;
    queue.request(person, () => {
      const minute = Math.floor(nowMs / 60_000);
      lastRefreshMs = nowMs;
      for (const source of SOURCES) {
        const counts = perMinute.get(source)!;
        counts[minute] = (counts[minute] ?? 0) + VENDOR_QUOTAS[source]!.perLookup;
      }
      return Promise.resolve();
    });
  }
}

while (arrived < arrivals.length) {
  nowMs = Math.max(nowMs, arrivals[arrived]!);
  arrive();
  await queue.idle();
}

const sum = (xs: number[]) => xs.reduce((s, x) => s + (x ?? 0), 0);
console.log(
  `${PEOPLE.toLocaleString("en-US")} people view once within 15 minutes after a batch ` +
    `(simulated clock; refresh share 0.5 of each quota)\n`,
);
console.log(
  "source     requests in 15 min   budget (size + rate × 15 min)   vendor quota in 15 min   busiest minute (quota)",
);
let allWithin = true;
for (const { source, rate } of budgets) {
  const q = VENDOR_QUOTAS[source]!;
  const counts = perMinute.get(source)!;
  const inWindow = sum(counts.slice(0, WINDOW_S / 60));
  const budget = (rate.requests + rate.requests * WINDOW_S / rate.perSeconds) * q.perLookup;
  const quota = q.requests * WINDOW_S / q.perSeconds;
  const busiest = Math.max(...counts.map((c) => c ?? 0));
  const quotaPerMinute = q.requests * 60 / q.perSeconds;
  allWithin &&= inWindow <= budget;
  console.log(
    source.padEnd(11) + String(inWindow).padStart(17) + String(budget).padStart(32) +
      String(quota).padStart(25) + `   ${busiest} (${quotaPerMinute})`,
  );
}
console.log(
  `\neveryone refreshed ${(lastRefreshMs / 60_000).toFixed(1)} minutes after the first view; ` +
    `${PEOPLE - sum(perMinute.get("google")!.slice(0, 15)) / 2} people still waited at 15 min`,
);
// Without a budget every stale view started its lookup at once.
const unbudgeted = new Array<number>(15).fill(0);
for (const t of arrivals) unbudgeted[Math.floor(t / 60_000)]! += 1;
const peak = Math.max(...unbudgeted);
console.log(
  `without a budget: busiest minute ${peak} lookups = ` +
    SOURCES.map((s) => `${s} ${peak * VENDOR_QUOTAS[s]!.perLookup}`).join(", ") +
    " requests",
);
console.log(
  `\n${allWithin ? "PASS" : "FAIL"}  every source within its budget over the 15 minutes`,
);
if (!allWithin) Deno.exitCode = 1;
