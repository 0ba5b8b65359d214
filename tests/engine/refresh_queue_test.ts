import assert from "node:assert/strict";
import { createRefreshQueue, refreshBucketKey } from "../../engine/view/refresh_queue.ts";
import { type Bucket, takeToken } from "../../lib/token_bucket.ts";
import { refreshBudgets } from "../../plugins/refresh_budgets.ts";

/** Token buckets in memory (the store's arithmetic) and a clock that sleeping moves. */
function fakeWorld() {
  let nowMs = 0;
  const buckets = new Map<string, Bucket>();
  const taken = new Map<string, number>();
  return {
    now: () => new Date(nowMs),
    seconds: () => nowMs / 1000,
    taken,
    tokens: {
      takeToken(key: string, rate: { requests: number; perSeconds: number }, now: Date) {
        const { bucket, wait } = takeToken(buckets.get(key), rate, now.getTime());
        buckets.set(key, bucket);
        if (wait === 0) taken.set(key, (taken.get(key) ?? 0) + 1);
        return Promise.resolve(wait);
      },
    },
    sleep: (ms: number) => {
      nowMs += ms;
      return Promise.resolve();
    },
  };
}

Deno.test("refreshes wait for the tightest source's budget, one token per source per person", async () => {
  const world = fakeWorld();
  const times: number[] = [];
  const queue = createRefreshQueue({
    budgets: [
      { source: "jamf", rate: { requests: 5, perSeconds: 60 } },
      { source: "google", rate: { requests: 3, perSeconds: 60 } },
    ],
    ...world,
  });
  for (let i = 0; i < 8; i++) {
    queue.request(`p${i}`, () => Promise.resolve(times.push(world.seconds())));
  }
  await queue.idle();
  // google (3 a minute) is full at first, then gives one token every 20 s
  assert.deepEqual(times, [0, 0, 0, 20, 40, 60, 80, 100]);
  assert.equal(world.taken.get(refreshBucketKey("google")), 8);
  assert.equal(world.taken.get(refreshBucketKey("jamf")), 8, "never refused: no token lost");
});

Deno.test("waitingForBudget is true only while people wait for an empty bucket", async () => {
  const world = fakeWorld();
  let wake!: () => void;
  const queue = createRefreshQueue({
    budgets: [{ source: "google", rate: { requests: 1, perSeconds: 60 } }],
    ...world,
    // the first wait for a token holds until the test lets it go
    sleep: (ms) => new Promise<void>((resolve) => wake = () => resolve(world.sleep(ms))),
  });
  assert.equal(queue.waitingForBudget, false, "nothing queued");
  queue.request("a", () => Promise.resolve());
  queue.request("b", () => Promise.resolve());
  while (wake === undefined) await new Promise((resolve) => setTimeout(resolve, 1));
  assert.equal(queue.waitingForBudget, true, "a took the minute's token; b waits for the next");
  wake();
  await queue.idle();
  assert.equal(queue.waitingForBudget, false, "nobody waits");
});

Deno.test("a person is queued once; a full queue refuses and keeps nothing", async () => {
  const world = fakeWorld();
  const refreshed: string[] = [];
  const queue = createRefreshQueue({
    budgets: [{ source: "google", rate: { requests: 1, perSeconds: 60 } }],
    ...world,
    maxQueued: 2,
  });
  const job = (k: string) => () => Promise.resolve(refreshed.push(k));
  assert.equal(queue.request("a", job("a")), "queued");
  assert.equal(queue.request("b", job("b")), "queued");
  assert.equal(queue.request("b", job("b")), "already queued");
  assert.equal(queue.request("c", job("c")), "full");
  await queue.idle();
  assert.deepEqual(refreshed, ["a", "b"]);
  assert.equal(world.seconds(), 60, "the second waited a minute for google's next token");
  assert.deepEqual(queue.counts, {
    requests: { queued: 2, "already queued": 1, full: 1 },
    refreshes: { done: 2, failed: 0, skipped: 0 },
    waits: { google: 1 },
  });
});

Deno.test("a failed refresh is reported and the queue goes on", async () => {
  const world = fakeWorld();
  const errors: string[] = [];
  const done: string[] = [];
  const queue = createRefreshQueue({
    budgets: [],
    ...world,
    onError: (what, e) => errors.push(`${what}: ${(e as Error).message}`),
  });
  queue.request("a", () => Promise.reject(new Error("jamf answered 503")));
  queue.request("b", () => Promise.resolve(done.push("b")));
  await queue.idle();
  assert.deepEqual(errors, ["refresh a snapshot: jamf answered 503"]);
  assert.deepEqual(done, ["b"]);
});

Deno.test("refreshBudgets(): vendor quotas × share in lookups; settings win; others unlimited", () => {
  assert.deepEqual(refreshBudgets(["google", "intune", "jamf_pro", "file"], {}, 0.5), [
    { source: "google", rate: { requests: 600, perSeconds: 60 } }, // 2,400/min ÷ 2 ÷ 2 a lookup
    { source: "intune", rate: { requests: 500, perSeconds: 20 } }, // 2,000/20 s ÷ 2 ÷ 2
    { source: "jamf_pro", rate: { requests: 75, perSeconds: 60 } }, // 5 connections ≈ 300/min
  ]);
  assert.deepEqual(
    refreshBudgets(["google", "landesk"], {
      landesk: { REQUESTS: 30, PER_SECONDS: 60, REQUESTS_PER_LOOKUP: 3 },
    }, 0.25),
    [
      { source: "google", rate: { requests: 300, perSeconds: 60 } },
      { source: "landesk", rate: { requests: 10, perSeconds: 60 } },
    ],
  );
});
