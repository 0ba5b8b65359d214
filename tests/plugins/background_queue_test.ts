import assert from "node:assert/strict";
import { createBackgroundQueue } from "../../plugins/background_queue.ts";

function queueWith(send: (batch: number[]) => Promise<number>, capacity = 3) {
  const warnings: [string, number][] = [];
  const sent: number[][] = [];
  const queue = createBackgroundQueue<number>({
    capacity,
    batchSize: 2,
    delayMs: 5,
    timeoutMs: 1000,
    noun: "records",
    send: (batch) => (sent.push(batch), send(batch)),
    describe: (e) => (e as Error).message,
    onDrop: (why, dropped) => warnings.push([why, dropped]),
  });
  return { queue, warnings, sent };
}

Deno.test("createBackgroundQueue() batches, drops what does not fit, and warns once per burst", async () => {
  const { queue, warnings, sent } = queueWith(() => Promise.resolve(0));
  for (const n of [1, 2, 3, 4]) queue.push(n);
  assert.equal(queue.queued, 3);
  await queue.flush();
  assert.deepEqual(sent, [[1, 2], [3]]);
  assert.equal(queue.dropped, 1);
  assert.deepEqual(warnings, [["the queue of 3 records is full", 1]]);
});

Deno.test("createBackgroundQueue() counts refused and failed sends as drops, never throws", async () => {
  let answer: () => Promise<number> = () => Promise.reject(new Error("cluster down"));
  const { queue, warnings } = queueWith(() => answer(), 10);
  queue.push(1);
  queue.push(2);
  queue.push(3);
  await queue.flush();
  assert.equal(queue.dropped, 3);
  assert.deepEqual(warnings, [["cluster down", 2]], "one warning for the burst");
  answer = () => Promise.resolve(0);
  queue.push(4);
  await queue.flush();
  answer = () => Promise.resolve(1);
  queue.push(5);
  await queue.flush();
  assert.equal(queue.dropped, 4);
  assert.deepEqual(
    warnings.at(-1),
    ["the receiver refused 1 records", 4],
    "a new burst warns again",
  );
});

Deno.test("createBackgroundQueue() with a 25-day deadline (DEFAULT_TIMEOUT allows 366 days) sends, not aborted at once", async () => {
  const warnings: [string, number][] = [];
  const queue = createBackgroundQueue<number>({
    capacity: 3,
    batchSize: 2,
    delayMs: 5,
    timeoutMs: 25 * 86_400_000, // over 2^31 - 1 ms: AbortSignal.timeout() of it fires in 1 ms
    noun: "records",
    send: async (_batch, signal) => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      signal?.throwIfAborted();
      return 0;
    },
    describe: (e) => (e as Error).name,
    onDrop: (why, dropped) => warnings.push([why, dropped]),
  });
  queue.push(1);
  await queue.flush();
  assert.equal(queue.dropped, 0);
  assert.deepEqual(warnings, []);
});
