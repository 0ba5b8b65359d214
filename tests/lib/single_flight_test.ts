import assert from "node:assert/strict";
import { singleFlight } from "../../lib/single_flight.ts";
import { abortable } from "../../lib/abort.ts";

/** A promise settled by hand. */
function gate<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => [resolve, reject] = [res, rej]);
  return { promise, resolve, reject };
}

Deno.test("singleFlight() shares one run among concurrent callers, then starts a new one", async () => {
  const runs: ReturnType<typeof gate<string>>[] = [];
  const flight = singleFlight(() => {
    runs.push(gate<string>());
    return runs.at(-1)!.promise;
  });
  const waiting = [flight.run(), flight.run(), flight.run()];
  assert.equal(runs.length, 1);
  runs[0]!.resolve("a");
  assert.deepEqual(await Promise.all(waiting), ["a", "a", "a"]);
  const next = flight.run();
  assert.equal(runs.length, 2);
  runs[1]!.resolve("b");
  assert.equal(await next, "b");
});

Deno.test("singleFlight() with keepResult answers every later call from the first success", async () => {
  let calls = 0;
  const flight = singleFlight(() => Promise.resolve(++calls), { keepResult: true });
  assert.equal(await flight.run(), 1);
  assert.equal(await flight.run(), 1);
  assert.equal(calls, 1);
  flight.forget();
  assert.equal(await flight.run(), 2);
});

Deno.test("singleFlight() forgets a failed run: its sharers all fail, the next call tries again", async () => {
  let calls = 0;
  const flight = singleFlight(() => {
    calls++;
    return calls === 1 ? Promise.reject(new Error("down")) : Promise.resolve("up");
  }, { keepResult: true });
  const [a, b] = await Promise.allSettled([flight.run(), flight.run()]);
  assert.equal(a.status, "rejected");
  assert.equal(b.status, "rejected");
  assert.equal(await flight.run(), "up");
  assert.equal(calls, 2);
});

Deno.test("singleFlight() run survives the first caller's abort for the callers still waiting", async () => {
  const work = gate<string>();
  let calls = 0;
  const flight = singleFlight(() => {
    calls++;
    return work.promise;
  });
  const first = new AbortController();
  const gaveUp = abortable(flight.run(), first.signal);
  const stays = abortable(flight.run(), new AbortController().signal);
  first.abort(new Error("first caller left"));
  await assert.rejects(gaveUp, /first caller left/);
  work.resolve("token");
  assert.equal(await stays, "token");
  assert.equal(calls, 1);
});
