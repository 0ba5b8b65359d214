/**
 * The batch's status history (issue 25, `engine/batch/status_writer.ts`): people are answered
 * from a read and never wait for a write, the answers are the ones `StatusStore.observe()` would
 * have given had each person been recorded in turn, a slow store holds the run back at a bound,
 * and a failed write is retried, then named.
 *
 * @module
 */
import assert from "node:assert/strict";
import { createObservationWriter } from "../../engine/batch/status_writer.ts";
import type { StatusObservation, StatusStore } from "../../engine/core/store_ports.ts";
import { observationKey } from "../../engine/view/since.ts";
import { createSqliteStore } from "../../plugins/stores/sqlite.ts";
import { silentLogger } from "../../config/log.ts";
import { gate, settle, tracked } from "../support/gates.ts";

const at = (minute: number) => new Date(Date.UTC(2026, 11, 7, 9, minute));
const obs = (device: string, status: "ok" | "warn", minute: number): StatusObservation => ({
  device,
  practice: "firewall",
  status,
  since: at(minute),
});
const key = (device: string) => observationKey(device, "firewall");
const minutes = (m: Map<string, Date>) =>
  Object.fromEntries([...m].map(([k, d]) => [k.split("\u0000")[0], d.getUTCMinutes()]));

Deno.test("status writer: each person is answered from the history before anything is written, then one write records them all", async () => {
  const store = await createSqliteStore({ path: ":memory:", log: silentLogger });
  try {
    // the history already says serial:A has been failing since 09:01
    await store.statuses.observe([obs("serial:A", "warn", 1)]);
    const writes: number[] = [];
    const observe: StatusStore["observe"] = (
      o,
    ) => (writes.push(o.length), store.statuses.observe(o));
    const writer = createObservationWriter({ observe, began: store.statuses.began });
    const first = await writer.observe([obs("serial:A", "warn", 10), obs("serial:B", "ok", 10)]);
    const second = await writer.observe([obs("serial:C", "warn", 11)]);
    assert.deepEqual(minutes(first), { "serial:A": 1, "serial:B": 10 });
    assert.deepEqual(minutes(second), { "serial:C": 11 });
    assert.deepEqual(writes, [], "nobody waited for a write");
    await writer.flush();
    assert.deepEqual(writes, [3]);
    // what was recorded is what the people were told
    const recorded = await store.statuses.began([
      obs("serial:A", "warn", 20),
      obs("serial:B", "ok", 20),
      obs("serial:C", "warn", 20),
    ]);
    assert.deepEqual(minutes(recorded), { "serial:A": 1, "serial:B": 10, "serial:C": 11 });
  } finally {
    await store.close();
  }
});

Deno.test("status writer: a device two people share is answered as if each were recorded in turn", async () => {
  const store = await createSqliteStore({ path: ":memory:", log: silentLogger });
  try {
    const writer = createObservationWriter(store.statuses);
    const fry = await writer.observe([obs("serial:SHARED", "warn", 1)]);
    const leela = await writer.observe([obs("serial:SHARED", "warn", 2)]);
    const bender = await writer.observe([obs("serial:SHARED", "ok", 3)]);
    assert.deepEqual([fry, leela, bender].map(minutes), [
      { "serial:SHARED": 1 },
      { "serial:SHARED": 1 }, // still failing since Fry's sighting, not yet written
      { "serial:SHARED": 3 }, // fixed: a new status begins
    ]);
    await writer.flush();
    const recorded = await store.statuses.began([obs("serial:SHARED", "ok", 9)]);
    assert.deepEqual(minutes(recorded), { "serial:SHARED": 3 });
  } finally {
    await store.close();
  }
});

Deno.test("status writer: a read that began before a write ended is answered with that write's statuses", async () => {
  const table = new Map<string, { status: string; since: Date }>();
  const slowRead = gate();
  let reads = 0;
  const writer = createObservationWriter({
    // the history as it was when the read began, answered later (an Elasticsearch _mget)
    began: async (o) => {
      const then = new Map(table);
      if (reads++ === 0) await slowRead.wait();
      return new Map(o.map((x) => {
        const row = then.get(key(x.device));
        return [key(x.device), row?.status === x.status ? row.since : x.since];
      }));
    },
    observe: (o) => {
      for (const x of o) table.set(key(x.device), { status: x.status, since: x.since });
      return Promise.resolve(new Map());
    },
  }, { batchSize: 1 });
  const leela = writer.observe([obs("serial:SHARED", "warn", 2)]); // her read is slow
  const fry = await writer.observe([obs("serial:SHARED", "warn", 1)]); // written at once
  await settle();
  assert.equal(table.get(key("serial:SHARED"))?.since.getUTCMinutes(), 1, "Fry's write ended");
  slowRead.open();
  assert.deepEqual(minutes(fry), { "serial:SHARED": 1 });
  assert.deepEqual(minutes(await leela), { "serial:SHARED": 1 });
  await writer.flush();
});

Deno.test("status writer: with the store stopped, one write and one full batch wait, then observe() waits", async () => {
  const store = gate();
  const written: string[][] = [];
  let writesStarted = 0;
  const writer = createObservationWriter({
    began: (o) => Promise.resolve(new Map(o.map((x) => [key(x.device), x.since]))),
    observe: async (o) => {
      writesStarted++;
      await store.wait();
      written.push(o.map((x) => x.device));
      return new Map();
    },
  }, { batchSize: 2 });
  const people = [1, 2, 3, 4, 5, 6].map((i) => writer.observe([obs(`serial:${i}`, "ok", i)]));
  const answered = people.map(tracked);
  await settle();
  // 1–2 are being written, 3–4 wait behind them, 5 is queued: 6 fills a third batch and waits
  assert.deepEqual(answered.map((a) => a.done), [true, true, true, true, true, false]);
  assert.equal(writesStarted, 1);
  store.open();
  await Promise.all(people);
  await writer.flush();
  assert.deepEqual(written, [["serial:1", "serial:2"], ["serial:3", "serial:4"], [
    "serial:5",
    "serial:6",
  ]]);
});

Deno.test("status writer: a failed write is tried again, then named with its count", async () => {
  const errors: string[] = [];
  let failures = 2;
  const recorded: number[] = [];
  const writer = createObservationWriter({
    began: (o) => Promise.resolve(new Map(o.map((x) => [key(x.device), x.since]))),
    observe: (o) => {
      if (failures-- > 0) return Promise.reject(new Error("disk full"));
      recorded.push(o.length);
      return Promise.resolve(new Map());
    },
  }, { batchSize: 2, onError: (e) => errors.push(String(e)) });
  await writer.observe([obs("serial:1", "ok", 1), obs("serial:2", "ok", 1)]); // fails twice
  await writer.observe([obs("serial:3", "ok", 2)]);
  failures = 1;
  await writer.observe([obs("serial:4", "ok", 2)]); // fails once, then written
  await writer.flush();
  assert.deepEqual(errors, ["Error: 2 practice statuses not recorded: Error: disk full"]);
  assert.deepEqual(recorded, [2]);
});
