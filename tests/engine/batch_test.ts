import assert from "node:assert/strict";
import { runBatch } from "../../engine/batch/batch.ts";
import {
  parseEmailList,
  parseShard,
  selectShard,
  shardOf,
} from "../../engine/batch/batch_people.ts";
import { batchDocument } from "../../engine/batch/batch_sinks.ts";
import {
  addOutcome,
  createStats,
  failedForEveryone,
  toRunSummary,
} from "../../engine/batch/batch_stats.ts";
import { createLimiter, limitSources } from "../../engine/batch/limiter.ts";
import type { EngineParts } from "../../engine/engine.ts";
import type { MergedDevice, PracticeData, Status } from "../../engine/core/types.ts";

const T0 = new Date("2026-03-12T09:00:00Z");

function device(
  serial: string,
  statuses: Record<string, Status>,
  extra: Partial<MergedDevice> = {},
): MergedDevice {
  const practices: Record<string, PracticeData> = {};
  for (const [k, s] of Object.entries(statuses)) practices[k] = { status: s, title: k };
  return { sources: ["jamf"], practices, identifiers: { serial }, platform: "Mac", ...extra };
}

Deno.test("parseEmailList() strips quotes and spaces, skips blanks and duplicates, reports invalid", () => {
  const list = parseEmailList(
    ' "fry@planetexpress.com" \r\n\nleela@planetexpress.com\nFRY@planetexpress.com\nnot-an-email\n\t\n',
  );
  assert.deepEqual(list, {
    emails: ["fry@planetexpress.com", "leela@planetexpress.com"],
    invalid: ["not-an-email"],
    duplicates: 1,
  });
});

Deno.test("parseShard() reads I/N and refuses impossible shards", () => {
  assert.deepEqual(parseShard("2/4"), { index: 2, count: 4 });
  assert.deepEqual(parseShard(" 1 / 1 "), { index: 1, count: 1 });
  for (const bad of ["0/4", "5/4", "1/0", "a/b", "2", ""]) {
    assert.throws(() => parseShard(bad), RangeError, bad);
  }
});

Deno.test("selectShard() covers every person exactly once across I = 1..N", async () => {
  const people = Array.from({ length: 1000 }, (_, i) => `person${i}@example.com`);
  for (const count of [1, 2, 3, 7]) {
    const parts = [];
    for (let index = 1; index <= count; index++) {
      parts.push(await selectShard(people, { index, count }));
    }
    const all = parts.flat();
    assert.equal(all.length, people.length, `N=${count}`);
    assert.deepEqual(new Set(all), new Set(people));
    if (count > 1) {
      // Roughly even: no shard holds more than twice its fair share.
      for (const p of parts) assert.ok(p.length < (2 * people.length) / count, `N=${count}`);
    }
  }
});

Deno.test("shardOf() is stable and ignores case and surrounding spaces", async () => {
  const a = await shardOf("Fry@PlanetExpress.com", 5);
  assert.equal(await shardOf(" fry@planetexpress.com ", 5), a);
  assert.ok(a >= 1 && a <= 5);
});

Deno.test("runBatch() never runs more than `concurrency` people at once and runs each once", async () => {
  const emails = Array.from({ length: 40 }, (_, i) => `p${i}@example.com`);
  let active = 0;
  let peak = 0;
  const seen: string[] = [];
  const done = await runBatch(emails, {
    concurrency: 6,
    collect: async (email) => {
      active++;
      peak = Math.max(peak, active);
      await Promise.resolve(); // every started call is in flight before any ends
      active--;
      if (email === "p3@example.com") throw new Error("engine blew up");
      return { items: [], errors: [] };
    },
    onOutcome: (o) => {
      seen.push(o.email);
      if (o.email === "p3@example.com") {
        assert.deepEqual(o.errors, [{
          source: "engine",
          operation: "devicesForBatch",
          kind: "error",
          message: "engine blew up",
        }]);
      }
    },
  });
  assert.equal(done, 40);
  assert.equal(peak, 6);
  assert.deepEqual([...seen].sort(), [...emails].sort());
});

Deno.test("limitSources() bounds concurrent calls per source, and a waiter leaves on abort", async () => {
  let active = 0;
  let peak = 0;
  const parts = {
    deviceSources: [{
      name: "jamf",
      timeoutMs: 1000,
      devicesByEmail: async () => {
        active++;
        peak = Math.max(peak, active);
        await Promise.resolve(); // every started call is in flight before any ends
        active--;
        return [];
      },
    }],
    ownershipSources: [],
  } as unknown as EngineParts;
  const limited = limitSources(parts, 3);
  const src = limited.deviceSources[0]!;
  assert.equal(src.name, "jamf");
  assert.equal(src.devicesBySerial, undefined);
  const signal = new AbortController().signal;
  await Promise.all(Array.from({ length: 12 }, () => src.devicesByEmail!("x@y.z", { signal })));
  assert.equal(peak, 3);

  const limiter = createLimiter(1);
  let release = () => {};
  const first = limiter.run(() => new Promise<void>((r) => release = r));
  const controller = new AbortController();
  const second = limiter.run(() => Promise.resolve("ran"), controller.signal);
  assert.equal(limiter.waiting, 1);
  controller.abort(new Error("deadline"));
  await assert.rejects(second, /deadline/);
  assert.equal(limiter.waiting, 0);
  release();
  await first;
  assert.equal(limiter.active, 0);
});

Deno.test("addOutcome() and toRunSummary() count people, devices, ratings, platforms, sources, errors", () => {
  const stats = createStats();
  addOutcome(stats, {
    devices: [
      device("A", { encryption: "warn", firewall: "ok" }),
      device("B", { encryption: "ok", firewall: "nudge" }, { sources: ["jamf", "bitfit"] }),
    ],
    errors: [],
  });
  addOutcome(stats, {
    devices: [device("C", { encryption: "ok", firewall: "ok" }, { platform: "Android" })],
    errors: [
      { source: "google", operation: "devicesByEmail", kind: "timeout", message: "slow" },
      { source: "google", operation: "devicesBySerial", kind: "error", message: "x" },
    ],
  });
  addOutcome(stats, {
    devices: [],
    errors: [{ source: "google", operation: "devicesByEmail", kind: "error", message: "x" }],
  });
  const run = toRunSummary(stats, { id: "r1", startedAt: T0, finishedAt: T0 });
  assert.deepEqual(run, {
    id: "r1",
    startedAt: T0,
    finishedAt: T0,
    people: 3,
    devices: 3,
    practices: { encryption: { warn: 1, ok: 2 }, firewall: { ok: 2, nudge: 1 } },
    ratings: { critical: 1, suggested: 1, ok: 1 },
    byPlatform: { Mac: { critical: 1, suggested: 1 }, Android: { ok: 1 } },
    bySource: { jamf: { critical: 1, suggested: 1, ok: 1 }, bitfit: { suggested: 1 } },
    errors: { google: 2 },
  });
  assert.equal(stats.peopleWithDevices, 2);
  assert.deepEqual(stats.timeouts, { google: 1 });
  assert.deepEqual(failedForEveryone(stats), []);
  addOutcome(stats, {
    devices: [],
    errors: [{ source: "google", operation: "devicesByEmail", kind: "error", message: "x" }],
  });
  assert.deepEqual(failedForEveryone({ people: 3, errors: { google: 3, jamf: 1 } }), ["google"]);
  assert.deepEqual(failedForEveryone({ people: 0, errors: {} }), []);
});

Deno.test("batchDocument() removes _raw, adds email and report_date, writes dates as ISO", () => {
  const d = device("A", { encryption: "ok" }, {
    last_sync: new Date("2026-03-01T00:00:00Z"),
    _raw: [{ secret: 1 }],
  });
  const doc = batchDocument("fry@planetexpress.com", d, T0);
  assert.equal("_raw" in doc, false);
  assert.equal(doc.email, "fry@planetexpress.com");
  assert.equal(doc.report_date, "2026-03-12T09:00:00.000Z");
  assert.equal(doc.last_sync, "2026-03-01T00:00:00.000Z");
  assert.deepEqual(doc.identifiers, { serial: "A" });
});

Deno.test("shardOf() hashed synchronously gives every address the shard Web Crypto gave it (machines of two versions agree)", async () => {
  for (let i = 0; i < 200; i++) {
    const email = `person${i}@example.com`;
    const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(email));
    const expected = (new DataView(digest).getUint32(0) % 7) + 1;
    assert.equal(await shardOf(email, 7), expected, email);
  }
});
