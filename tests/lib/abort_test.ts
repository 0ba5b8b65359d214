import assert from "node:assert/strict";
import { abortable, sleep, untilAborted } from "../../lib/abort.ts";

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
