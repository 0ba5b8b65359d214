/**
 * Back-pressure between the batch's stages (issue 25): whatever the speed of the store or the
 * sink, what waits in memory between the listings and the sink is bounded by the settings, and a
 * slow stage slows the ones before it instead of letting their output pile up. Each test stops a
 * stage (a gate that opens only when the test says so) and counts, exactly, what the stages
 * before it produced meanwhile.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { Client } from "@elastic/elasticsearch";
import { silentLogger } from "../../config/log.ts";
import { createDeviceRowWriter } from "../../engine/batch/device_rows.ts";
import { startBatchRun } from "../../engine/batch/batch_run.ts";
import type { BatchResult, BatchSink, DeviceSource } from "../../engine/core/ports.ts";
import type { DeviceRow } from "../../engine/core/store_ports.ts";
import type { MergedDevice } from "../../engine/core/types.ts";
import { createBulkWriter } from "../../plugins/es_bulk_writer.ts";
import { createSqliteStore } from "../../plugins/stores/sqlite.ts";
import { engineWith } from "../support/engine.ts";
import { gate, settle, tracked } from "../support/gates.ts";

const T0 = new Date("2026-12-07T09:00:00Z");

function laptop(serial: string): MergedDevice {
  return {
    sources: ["jamf"],
    name: `laptop-${serial}`,
    identifiers: { serial },
    practices: { firewall: { status: "ok" } },
  };
}

Deno.test("device rows: with the store stopped, the run holds three batches of rows at most, then add() waits", async () => {
  const store = gate();
  const written: DeviceRow[][] = [];
  let writesStarted = 0;
  const writer = createDeviceRowWriter({
    deviceRows: {
      putDeviceRows: async (rows) => {
        writesStarted++;
        await store.wait();
        written.push([...rows]);
      },
      deviceRows: () => Promise.reject(new Error("not read here")),
      findDeviceRows: () => Promise.reject(new Error("not read here")),
      pruneDeviceRows: () => Promise.resolve(0),
    },
  }, { run: "run-1", batchSize: 2 });
  const person = (i: number) => ({ email: `p${i}@example.com`, devices: [laptop(`S${i}`)] });
  // batch 1 (people 1–2) is being written, batch 2 (3–4) waits behind it, 5 fills batch 3
  for (let i = 1; i <= 5; i++) await writer.add(person(i));
  const sixth = tracked(writer.add(person(6)));
  await settle();
  assert.equal(sixth.done, false, "the sixth row must wait: three batches of two are held");
  assert.equal(writesStarted, 1);
  store.open();
  await settle();
  assert.equal(sixth.done, true);
  await writer.flush();
  assert.deepEqual(written.map((batch) => batch.map((r) => r.serial)), [
    ["S1", "S2"],
    ["S3", "S4"],
    ["S5", "S6"],
  ]);
});

/**
 * A `_bulk` writer of 1000-byte bodies over a client that tells `sent` each body (its text, and
 * the bytes it was sent from), waits for `answer()`, then answers as Elasticsearch's _bulk API
 * documents it: one item per operation, 201 created.
 */
function bulkWriterOver(
  sent: { text: string; buffer: ArrayBufferLike }[],
  answer: () => Promise<unknown>,
  concurrency: number,
) {
  const client = {
    bulk: async ({ operations }: { operations: Uint8Array }) => {
      const text = new TextDecoder().decode(operations);
      sent.push({ text, buffer: operations.buffer });
      await answer();
      const items = text.trim().split("\n").filter((_, i) => i % 2 === 0);
      return { errors: false, items: items.map(() => ({ index: { status: 201 } })) };
    },
  } as unknown as Client;
  return createBulkWriter(client, { flushBytes: 1000, concurrency, retries: 0, waitMs: 0 });
}
/** A document whose two lines take ~620 bytes: two of them fill a body of 1000 bytes. */
const doc = (i: number) => ({ serial: `S${i}`, note: "x".repeat(540) });

Deno.test("_bulk writer: with Elasticsearch stopped, at most BULK_CONCURRENCY bodies are out and one waits; then add() waits", async () => {
  const es = gate();
  const bodies: { text: string; buffer: ArrayBufferLike }[] = [];
  const writer = bulkWriterOver(bodies, es.wait, 2);
  for (let i = 1; i <= 5; i++) await writer.add("devices-202612", `id${i}`, doc(i), `p${i}`);
  const sixth = tracked(writer.add("devices-202612", "id6", doc(6), "p6"));
  await settle();
  assert.equal(sixth.done, false, "the sixth document must wait: two bodies out, one full");
  assert.equal(bodies.length, 2);
  es.open();
  await settle();
  assert.equal(sixth.done, true);
  await writer.flush();
  assert.equal(bodies.length, 3);
  assert.deepEqual(writer.tally().written, 6);
});

Deno.test("_bulk writer: a body whose request is done is filled again, each request with its own documents", async () => {
  const sent: { text: string; buffer: ArrayBufferLike }[] = [];
  const writer = bulkWriterOver(sent, settle, 1);
  for (let i = 1; i <= 6; i++) await writer.add("devices-202612", `id${i}`, doc(i), `p${i}`);
  await writer.flush();
  assert.deepEqual(
    sent.map((b) => [...b.text.matchAll(/"serial":"(S\d)"/g)].map((m) => m[1])),
    [["S1", "S2"], ["S3", "S4"], ["S5", "S6"]],
  );
  assert.equal(sent[2]!.buffer, sent[0]!.buffer, "the third body reuses the first one's bytes");
  assert.equal(writer.tally().written, 6);
});

Deno.test("startBatchRun(): a sink that stops holds the run at `concurrency` people, none read ahead", async () => {
  const store = await createSqliteStore({ path: ":memory:", log: silentLogger, now: () => T0 });
  try {
    const asked: string[] = [];
    const jamf: DeviceSource = {
      name: "jamf",
      timeoutMs: 1000,
      devicesByEmail: (email) => {
        asked.push(email);
        const serial = `C02${email.split("@")[0]!.toUpperCase()}`;
        return Promise.resolve([{
          source: "jamf",
          email,
          platform: "Mac",
          os: "macOS",
          last_sync: T0,
          identifiers: { serial },
          practices: { firewall: { value: true, last_updated: T0 } },
        }]);
      },
    };
    const engine = engineWith({ deviceSources: [jamf] }, { store, now: () => T0 });
    const sinkGate = gate();
    const posted: BatchResult[] = [];
    const slowSink: BatchSink = {
      name: "slow",
      timeoutMs: null,
      post: async (result) => {
        await sinkGate.wait();
        posted.push(result);
      },
    };
    const people = Array.from({ length: 10 }, (_, i) => `p${i}@example.com`);
    const run = startBatchRun(
      { engine, plugins: [], sinks: [slowSink], store, log: silentLogger, now: () => T0 },
      { given: people, perPerson: true, shard: { index: 1, count: 1 }, concurrency: 3 },
    );
    await settle();
    // three people looked up and waiting for the sink; nobody else asked for, nothing posted
    assert.equal(asked.length, 3);
    assert.equal(run.progress().done, 3);
    assert.equal(posted.length, 0);
    sinkGate.open();
    const report = await run.finished;
    assert.equal(report.stats.people, 10);
    assert.deepEqual(posted.map((r) => r.email).sort(), [...people].sort());
  } finally {
    await store.close();
  }
});
