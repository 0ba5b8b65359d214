/**
 * Process restart mid-outbox: feedback queued in a SQLite file, partly delivered by one process
 * while the sink fails now and then, the process "restarts" (store and worker closed and
 * reopened), and the next process finishes the queue. Every feedback reaches the sink exactly once.
 */
import assert from "node:assert/strict";
import { silentLogger } from "../../config/log.ts";
import { createOutboxWorker } from "../../engine/core/outbox.ts";
import { type FeedbackSink, UpstreamError } from "../../engine/core/ports.ts";
import { createSqliteStore } from "../../plugins/stores/sqlite.ts";

const N = 25;
const T0 = new Date("2026-11-26T12:00:00Z").getTime();
/** The clock both processes read; the test moves it past each back-off instead of sleeping. */
let clock = T0;

/** A sink that records deliveries and refuses every `failEvery`-th attempt. */
function flakySink(failEvery: number): FeedbackSink & { received: string[]; attempts: number } {
  const sink = {
    name: "rec",
    timeoutMs: 1000,
    received: [] as string[],
    attempts: 0,
    postFeedback(_email: string, feedback: { id: string }) {
      sink.attempts++;
      if (sink.attempts % failEvery === 0) {
        return Promise.reject(new UpstreamError("sink says 503", 503));
      }
      sink.received.push(feedback.id);
      return Promise.resolve({ ok: true });
    },
  };
  return sink;
}

async function open(path: string, sink: FeedbackSink) {
  const store = await createSqliteStore({ path, log: silentLogger });
  const worker = createOutboxWorker({
    outbox: store.outbox,
    sinks: new Map([["rec", sink]]),
    log: silentLogger,
    batch: 4,
    backoff: { baseMs: 1, capMs: 5, jitter: 0 },
    now: () => new Date(clock),
  });
  return { store, worker };
}

Deno.test(`outbox: ${N} queued feedbacks survive a restart mid-delivery and each reaches the sink exactly once`, async () => {
  const dir = await Deno.makeTempDir({ prefix: "steth-outbox-" });
  const path = `${dir}/store.db`;
  const sink = flakySink(3);
  try {
    let p = await open(path, sink);
    for (let i = 0; i < N; i++) {
      await p.store.feedback.recordFeedback("fry@example.com", {
        id: `n${i}`,
        feedback: "yes",
        notes: "",
      }, {
        sinks: ["rec"],
        at: new Date(T0 - 1000 + i),
      });
    }
    assert.equal(await p.store.outbox.outboxDepth(), N);
    // The first process delivers two batches (some attempts fail), then stops mid-queue.
    await p.worker.runOnce();
    await p.worker.runOnce();
    const before = sink.received.length;
    assert.ok(before > 0 && before < N, `delivered ${before} before the restart`);
    await p.worker.stop();
    await p.store.close();

    // The next process: a new store handle on the same file, a new worker.
    p = await open(path, sink);
    assert.equal(
      await p.store.outbox.outboxDepth(),
      N - before,
      "the queue lost or kept wrong items",
    );
    for (let i = 0; i < 200 && (await p.store.outbox.outboxDepth()) > 0; i++) {
      await p.worker.runOnce();
      clock += 5; // the longest back-off (capMs) has passed
    }
    assert.equal(await p.store.outbox.outboxDepth(), 0);
    await p.worker.stop();
    await p.store.close();

    const counts = new Map<string, number>();
    for (const id of sink.received) counts.set(id, (counts.get(id) ?? 0) + 1);
    assert.deepEqual(
      [...counts.entries()].filter(([, n]) => n !== 1),
      [],
      "delivered more than once",
    );
    assert.deepEqual(
      [...counts.keys()].sort(),
      Array.from({ length: N }, (_, i) => `n${i}`).sort(),
    );
    assert.ok(sink.attempts > N, "the sink never failed: the test proves nothing about retries");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
