import assert from "node:assert/strict";
import { silentLogger } from "../../config/log.ts";
import { backoffDelay, createOutboxWorker } from "../../engine/core/outbox.ts";
import type { CallOptions, FeedbackSink } from "../../engine/core/ports.ts";
import type { Store } from "../../engine/core/store_ports.ts";
import type { Feedback } from "../../engine/core/types.ts";
import { createSqliteStore } from "../../plugins/stores/sqlite.ts";
import { manualTimers } from "../support/timers.ts";

/** A sink that records deliveries and can be switched down, held (until `gate` settles), or hanging. */
function recordingSink(name = "rest") {
  const delivered: string[] = [];
  const state: { up: boolean; gate: Promise<void> | null; hang: boolean } = {
    up: true,
    gate: null,
    hang: false,
  };
  const sink: FeedbackSink = {
    name,
    timeoutMs: 200,
    async postFeedback(email: string, feedback: Feedback, _options: CallOptions) {
      if (state.hang) await new Promise(() => {});
      if (state.gate !== null) await state.gate;
      if (!state.up) throw new Error("sink answered 503");
      delivered.push(`${email}:${feedback.id}`);
      return {};
    },
  };
  return { sink, delivered, state };
}

/** A clock the test moves by hand. */
function clock(start = "2024-03-01T10:00:00.000Z") {
  let t = new Date(start).getTime();
  return { now: () => new Date(t), advance: (ms: number) => void (t += ms) };
}

async function queue(store: Store, n: number, at: Date, sinks = ["rest"]): Promise<void> {
  for (let i = 0; i < n; i++) {
    await store.feedback.recordFeedback(`p${i}@example.com`, {
      id: `n${i}`,
      feedback: "yes",
      notes: "",
    }, {
      sinks,
      at,
    });
  }
}

const noJitter = { jitter: 0 };

Deno.test("backoffDelay() doubles from 2 s up to the 10 min cap, jitter only shortens", () => {
  assert.deepEqual(
    [0, 1, 2, 3, 8, 9, 50].map((a) => backoffDelay(a, noJitter)),
    [2000, 4000, 8000, 16000, 512000, 600000, 600000],
  );
  assert.equal(backoffDelay(1, { jitter: 0.2, random: () => 0.5 }), 3600);
  assert.equal(backoffDelay(20, { jitter: 0.2, random: () => 0.999 }) <= 600000, true);
});

Deno.test("outbox worker delivers every item exactly once after the sink comes back", async () => {
  const store = await createSqliteStore({ path: ":memory:", log: silentLogger });
  const c = clock();
  const { sink, delivered, state } = recordingSink();
  const worker = createOutboxWorker({
    outbox: store.outbox,
    sinks: new Map([["rest", sink]]),
    log: silentLogger,
    now: c.now,
    backoff: noJitter,
  });
  try {
    await queue(store, 3, c.now());
    state.up = false;
    assert.deepEqual(await worker.runOnce(), { delivered: 0, failed: 3 });
    assert.deepEqual(delivered, []);
    const failed = await store.outbox.dueOutbox(new Date(c.now().getTime() + 2000), 10);
    assert.deepEqual(failed.map((i) => [i.attempts, i.lastError]), [
      [1, "sink answered 503"],
      [1, "sink answered 503"],
      [1, "sink answered 503"],
    ]);

    state.up = true;
    c.advance(1999);
    assert.deepEqual(await worker.runOnce(), { delivered: 0, failed: 0 });
    c.advance(1);
    assert.deepEqual(await worker.runOnce(), { delivered: 3, failed: 0 });
    c.advance(3_600_000);
    assert.deepEqual(await worker.runOnce(), { delivered: 0, failed: 0 });
    assert.deepEqual(delivered.sort(), [
      "p0@example.com:n0",
      "p1@example.com:n1",
      "p2@example.com:n2",
    ]);
    assert.equal(await store.outbox.outboxDepth(), 0);
  } finally {
    await worker.stop();
    await store.close();
  }
});

Deno.test("outbox worker loses nothing across a restart of the file store", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/outbox.db`;
  const c = clock();
  const { sink, delivered, state } = recordingSink();
  try {
    const before = await createSqliteStore({ path, log: silentLogger });
    await queue(before, 4, c.now());
    state.up = false;
    const w1 = createOutboxWorker({
      outbox: before.outbox,
      sinks: new Map([["rest", sink]]),
      log: silentLogger,
      now: c.now,
      backoff: noJitter,
    });
    await w1.runOnce();
    await w1.stop();
    await before.close();

    state.up = true;
    c.advance(2000);
    const after = await createSqliteStore({ path, log: silentLogger });
    const w2 = createOutboxWorker({
      outbox: after.outbox,
      sinks: new Map([["rest", sink]]),
      log: silentLogger,
      now: c.now,
      batch: 3,
    });
    assert.deepEqual(await w2.runOnce(), { delivered: 3, failed: 0 });
    assert.deepEqual(await w2.runOnce(), { delivered: 1, failed: 0 });
    assert.deepEqual(await w2.runOnce(), { delivered: 0, failed: 0 });
    await w2.stop();
    assert.equal(await after.outbox.outboxDepth(), 0);
    await after.close();
    assert.equal(delivered.length, 4);
    assert.equal(new Set(delivered).size, 4);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("outbox worker backs off 2 s, 4 s, 8 s … on repeated failures", async () => {
  const store = await createSqliteStore({ path: ":memory:", log: silentLogger });
  const c = clock();
  const { sink, state } = recordingSink();
  state.up = false;
  const worker = createOutboxWorker({
    outbox: store.outbox,
    sinks: new Map([["rest", sink]]),
    log: silentLogger,
    now: c.now,
    backoff: noJitter,
  });
  try {
    await queue(store, 1, c.now());
    const waits: number[] = [];
    for (let i = 0; i < 5; i++) {
      await worker.runOnce();
      const [item] = await store.outbox.dueOutbox(new Date(8.64e15), 1);
      const wait = item!.nextAttemptAt.getTime() - c.now().getTime();
      waits.push(wait);
      c.advance(wait);
    }
    assert.deepEqual(waits, [2000, 4000, 8000, 16000, 32000]);
  } finally {
    await store.close();
  }
});

Deno.test("outbox worker keeps an item for an unconfigured sink queued with an error", async () => {
  const store = await createSqliteStore({ path: ":memory:", log: silentLogger });
  const c = clock();
  const worker = createOutboxWorker({
    outbox: store.outbox,
    sinks: new Map(),
    log: silentLogger,
    now: c.now,
    backoff: noJitter,
  });
  try {
    await queue(store, 1, c.now(), ["gone"]);
    assert.deepEqual(await worker.runOnce(), { delivered: 0, failed: 1 });
    assert.equal(await store.outbox.outboxDepth(), 1);
    const [item] = await store.outbox.dueOutbox(new Date(c.now().getTime() + 2000), 1);
    assert.equal(
      item!.lastError,
      'Feedback sink "gone" is not configured; add it to PLUGINS to deliver',
    );
  } finally {
    await store.close();
  }
});

Deno.test("outbox worker gives up on a hanging sink at its deadline and retries later", async () => {
  const store = await createSqliteStore({ path: ":memory:", log: silentLogger });
  const c = clock();
  const { sink, state } = recordingSink();
  state.hang = true;
  const worker = createOutboxWorker({
    outbox: store.outbox,
    sinks: new Map([["rest", { ...sink, timeoutMs: 30 }]]),
    log: silentLogger,
    now: c.now,
    backoff: noJitter,
  });
  try {
    await queue(store, 1, c.now());
    assert.deepEqual(await worker.runOnce(), { delivered: 0, failed: 1 });
    const [item] = await store.outbox.dueOutbox(new Date(c.now().getTime() + 2000), 1);
    assert.equal(item!.lastError, "rest did not answer within 0.03 s");
  } finally {
    await store.close();
  }
});

Deno.test("outbox worker never delivers twice when runs overlap", async () => {
  const store = await createSqliteStore({ path: ":memory:", log: silentLogger });
  const { sink, delivered, state } = recordingSink();
  let release: () => void = () => {};
  state.gate = new Promise<void>((resolve) => (release = resolve));
  const worker = createOutboxWorker({
    outbox: store.outbox,
    sinks: new Map([["rest", sink]]),
    log: silentLogger,
  });
  try {
    await queue(store, 3, new Date(Date.now() - 1000));
    // the sink holds the first delivery until all three runs have been asked for
    const runs = [worker.runOnce(), worker.runOnce(), worker.runOnce()];
    release();
    const reports = await Promise.all(runs);
    assert.deepEqual(reports.map((r) => r.delivered), [3, 3, 3]);
    assert.equal(delivered.length, 3);
    assert.deepEqual(await worker.runOnce(), { delivered: 0, failed: 0 });
  } finally {
    await worker.stop();
    await store.close();
  }
});

Deno.test("outbox worker started in the background delivers and stops cleanly", async () => {
  const store = await createSqliteStore({ path: ":memory:", log: silentLogger });
  const { sink, delivered } = recordingSink();
  const timers = manualTimers();
  const worker = createOutboxWorker({
    outbox: store.outbox,
    sinks: new Map([["rest", sink]]),
    log: silentLogger,
    intervalMs: 5,
    timers,
  });
  try {
    worker.start();
    assert.deepEqual(timers.pending(), [0], "the first run is due at once");
    await timers.fire(); // nothing queued yet
    assert.deepEqual(delivered, []);
    await queue(store, 2, new Date());
    assert.deepEqual(timers.pending(), [5], "the next run is due after intervalMs");
    await timers.fire();
    // both were queued at the same instant: either order is right
    assert.deepEqual([...delivered].sort(), ["p0@example.com:n0", "p1@example.com:n1"]);
    await worker.stop();
    assert.deepEqual(timers.pending(), [], "stop() cancels the next run");
  } finally {
    await worker.stop();
    await store.close();
  }
});
