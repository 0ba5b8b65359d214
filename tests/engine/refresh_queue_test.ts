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

Deno.test("a person is queued once; a full queue refuses and keeps nothing", async () => {
  const world = fakeWorld();
  const refreshed: string[] = [];
  let release!: () => void;
  const held = new Promise<void>((resolve) => release = resolve);
  const queue = createRefreshQueue({
    budgets: [{ source: "google", rate: { requests: 1, perSeconds: 60 } }],
    ...world,
    sleep: async (ms) => { // waits for the test, then moves the clock
      await held;
      await world.sleep(ms);
    },
    maxQueued: 2,
  });
  const job = (k: string) => () => Promise.resolve(refreshed.push(k));
  assert.equal(await queue.request("a", job("a")), "started");
  assert.equal(await queue.request("b", job("b")), "queued");
  assert.equal(await queue.request("b", job("b")), "already queued");
  assert.equal(await queue.request("c", job("c")), "queued");
  assert.equal(await queue.request("d", job("d")), "full");
  release();
  await queue.idle();
  assert.deepEqual(refreshed, ["a", "b", "c"]);
  assert.equal(world.seconds(), 120, "b and c waited a minute each for google's next token");
  assert.deepEqual(queue.counts, {
    requests: { started: 1, queued: 2, "already queued": 1, full: 1 },
    refreshes: { done: 3, failed: 0, skipped: 0 },
    waits: { google: 2 },
  });
});

Deno.test("request() answers from the budget when asked: concurrent requests get started or queued exactly as they run", async (t) => {
  await t.step("three people at once, two tokens: two started, one queued", async () => {
    const world = fakeWorld();
    const ran: string[] = [];
    const queue = createRefreshQueue({
      budgets: [{ source: "google", rate: { requests: 2, perSeconds: 60 } }],
      ...world,
    });
    const job = (k: string) => () => Promise.resolve(void ran.push(k));
    const outcomes = await Promise.all(["a", "b", "c"].map((k) => queue.request(k, job(k))));
    assert.deepEqual(outcomes, ["started", "started", "queued"]);
    await queue.idle();
    assert.deepEqual(ran, ["a", "b", "c"]);
    assert.equal(world.seconds(), 30, "c ran when google's next token came");
  });

  await t.step("a request while the same person's is taking tokens gets its answer", async () => {
    const world = fakeWorld();
    let ran = 0;
    const queue = createRefreshQueue({
      budgets: [{ source: "google", rate: { requests: 1, perSeconds: 60 } }],
      ...world,
    });
    const job = () => Promise.resolve(void ran++);
    const [first, second] = await Promise.all([queue.request("a", job), queue.request("a", job)]);
    assert.deepEqual([first, second], ["started", "started"]);
    assert.equal(ran, 1, "one refresh, one token");
    await queue.idle();
    assert.equal(ran, 1);
  });

  await t.step(
    "a store that fails to give a token: queued, reported, refreshed once it gives",
    async () => {
      const world = fakeWorld();
      const errors: string[] = [];
      let failures = 1;
      const queue = createRefreshQueue({
        budgets: [{ source: "google", rate: { requests: 1, perSeconds: 60 } }],
        ...world,
        tokens: {
          takeToken: (key, rate, now) =>
            failures-- > 0
              ? Promise.reject(new Error("store unreachable"))
              : world.tokens.takeToken(key, rate, now),
        },
        onError: (what, e) => errors.push(`${what}: ${(e as Error).message}`),
      });
      let ran = 0;
      assert.equal(await queue.request("a", () => Promise.resolve(void ran++)), "queued");
      assert.equal(ran, 0);
      await queue.idle();
      assert.equal(ran, 1);
      assert.equal(world.seconds(), 1, "tried again a second later");
      assert.deepEqual(errors, ["take a refresh token: store unreachable"]);
    },
  );
});

Deno.test("people queued while the queue waits for a token are each refreshed once", async () => {
  // as in bench/refresh_budget.ts, where a wait moves the clock and views arrive meanwhile
  const world = fakeWorld();
  const ran: string[] = [];
  const job = (k: string) => () => Promise.resolve(void ran.push(k));
  let arrivals = ["c", "d"];
  const queue = createRefreshQueue({
    budgets: [{ source: "google", rate: { requests: 1, perSeconds: 60 } }],
    ...world,
    sleep: (ms) => {
      for (const k of arrivals) void queue.request(k, job(k));
      arrivals = [];
      return world.sleep(ms);
    },
  });
  assert.equal(await queue.request("a", job("a")), "started");
  assert.equal(await queue.request("b", job("b")), "queued");
  await queue.idle();
  assert.deepEqual(ran, ["a", "b", "c", "d"]);
  assert.equal(world.seconds(), 180);
  assert.deepEqual(queue.counts.refreshes, { done: 4, failed: 0, skipped: 0 });
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
