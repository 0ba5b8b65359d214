import assert from "node:assert/strict";
import {
  abortable,
  deadlineSignal,
  notAnsweredWithin,
  sleep,
  untilAborted,
} from "../../lib/abort.ts";

const never = <T>() => new Promise<T>(() => {});

Deno.test("sleep() resolves after its time when nothing aborts", async () => {
  assert.equal(await sleep(0), undefined);
  assert.equal(await sleep(0, new AbortController().signal), undefined);
});

Deno.test("sleep() rejects with the signal's reason, at once or when it aborts", async () => {
  const reason = new Error("cancelled");
  await assert.rejects(sleep(60_000, AbortSignal.abort(reason)), (e) => e === reason);
  const controller = new AbortController();
  const waiting = sleep(60_000, controller.signal);
  controller.abort(reason);
  await assert.rejects(waiting, (e) => e === reason);
});

Deno.test("sleep() removes its abort listener once it has resolved", async () => {
  const controller = new AbortController();
  let listeners = 0;
  const add = controller.signal.addEventListener.bind(controller.signal);
  const remove = controller.signal.removeEventListener.bind(controller.signal);
  controller.signal.addEventListener = (...args: Parameters<typeof add>) => {
    listeners++;
    add(...args);
  };
  controller.signal.removeEventListener = (...args: Parameters<typeof remove>) => {
    listeners--;
    remove(...args);
  };
  await sleep(0, controller.signal);
  assert.equal(listeners, 0);
});

Deno.test("abortable() passes the promise's outcome through", async () => {
  const signal = new AbortController().signal;
  assert.equal(await abortable(Promise.resolve(42), signal), 42);
  const failure = new Error("down");
  await assert.rejects(abortable(Promise.reject(failure), signal), (e) => e === failure);
});

Deno.test("abortable() rejects with the signal's reason, at once or when it aborts", async () => {
  const reason = new Error("gave up");
  await assert.rejects(abortable(never(), AbortSignal.abort(reason)), (e) => e === reason);
  const controller = new AbortController();
  const waiting = abortable(never(), controller.signal);
  controller.abort(reason);
  await assert.rejects(waiting, (e) => e === reason);
});

Deno.test("untilAborted() gives null once aborted, else the promise's outcome", async () => {
  assert.equal(await untilAborted(never<number>(), AbortSignal.abort()), null);
  const controller = new AbortController();
  const waiting = untilAborted(never<number>(), controller.signal);
  controller.abort();
  assert.equal(await waiting, null);
  assert.equal(await untilAborted(Promise.resolve(7), new AbortController().signal), 7);
  assert.equal(await untilAborted(Promise.resolve(7), undefined), 7);
  const failure = new Error("down");
  await assert.rejects(untilAborted(Promise.reject(failure), undefined), (e) => e === failure);
  await assert.rejects(
    untilAborted(Promise.reject(failure), new AbortController().signal),
    (e) => e === failure,
  );
});

Deno.test("deadlineSignal() passes the parent's abort through; at its deadline the reason is the caller's words", async () => {
  const parent = new AbortController();
  const joined = deadlineSignal(parent.signal, 60_000, () => new Error("not this one"));
  parent.abort(new Error("request gone"));
  assert.equal(joined.signal.aborted, true);
  assert.equal((joined.signal.reason as Error).message, "request gone");
  joined.done();
  assert.equal(deadlineSignal(parent.signal, null, () => null).signal, parent.signal);
  const timed = deadlineSignal(
    new AbortController().signal,
    1,
    (ms) => new RangeError(notAnsweredWithin("JAMF", ms)),
  );
  await new Promise((resolve) => timed.signal.addEventListener("abort", resolve, { once: true }));
  assert.ok(timed.signal.reason instanceof RangeError, "not the platform's TimeoutError");
  assert.equal(timed.signal.reason.message, "JAMF did not answer within 0.001 s");
  timed.done();
});

Deno.test("deadlineSignal() after done() never aborts the call's signal", async () => {
  const { signal, done } = deadlineSignal(undefined, 1, () => new Error("late"));
  done();
  await sleep(20);
  assert.equal(signal.aborted, false);
});

Deno.test("abortable() on an aborted signal leaves the abandoned work's failure handled", async () => {
  const reason = new Error("gone");
  let fail: (e: Error) => void = () => {};
  const work = new Promise<number>((_, reject) => (fail = reject));
  await assert.rejects(abortable(work, AbortSignal.abort(reason)), (e) => e === reason);
  fail(new Error("late failure")); // an unhandled rejection would fail this test
  await sleep(0);
});

Deno.test("deadlineSignal() past the platform's longest timer (a 25-day TIMEOUT, which the configuration allows) does not fire at once", async () => {
  const days25 = 25 * 86_400_000; // over 2^31 - 1 ms: AbortSignal.timeout(days25) fires in 1 ms
  const { signal, done } = deadlineSignal(undefined, days25, () => new Error("25 days passed"));
  await sleep(20);
  assert.equal(signal.aborted, false);
  done();
});

Deno.test("deadlineSignal(): done() clears the deadline's timer, so a finished call leaves no timer behind", () => {
  // issue 25: a batch makes ~1000 calls a second at a TIMEOUT of 120 s; a timer left per call
  // (AbortSignal.timeout cannot be cleared) kept over 100,000 timers and signals alive
  const live = new Set<unknown>();
  const { setTimeout: set, clearTimeout: clear } = globalThis;
  globalThis.setTimeout = ((fn: () => void, ms?: number) => {
    const id: unknown = set(fn, ms);
    live.add(id);
    return id;
  }) as typeof setTimeout;
  globalThis.clearTimeout = ((id?: number) => {
    live.delete(id);
    clear(id);
  }) as typeof clearTimeout;
  try {
    for (let i = 0; i < 1000; i++) {
      const parent = new AbortController();
      const { signal, done } = deadlineSignal(parent.signal, 120_000, () => new Error("late"));
      assert.equal(live.size, 1);
      done();
      assert.equal(signal.aborted, false);
      assert.equal(live.size, 0);
    }
  } finally {
    globalThis.setTimeout = set;
    globalThis.clearTimeout = clear;
  }
});
