/**
 * The batch use case in the engine (issue 23): people → the pages' engine → sinks as results
 * arrive → totals, run summary and exit status; and the run loop reads people lazily.
 *
 * @module
 */
import assert from "node:assert/strict";
import { silentLogger } from "../../config/log.ts";
import { runBatch } from "../../engine/batch/batch.ts";
import { batchNeedsPeople, startBatchRun } from "../../engine/batch/batch_run.ts";
import { DEFAULT_PRACTICES } from "../../engine/practices/default_practices.ts";
import { createEngine } from "../../engine/engine.ts";
import type { BatchResult, BatchSink, DeviceSource } from "../../engine/core/ports.ts";
import { buildPracticeSet } from "../../engine/practices/practices.ts";
import { createSqliteStore } from "../../plugins/stores/sqlite.ts";

const T0 = new Date("2026-12-07T09:00:00Z");

/** A Mac with its firewall off for every person but `fine@`. */
const jamf: DeviceSource = {
  name: "jamf",
  timeoutMs: 1000,
  devicesByEmail: (email) =>
    Promise.resolve([{
      source: "jamf",
      email,
      name: `${email.split("@")[0]}-mbp`,
      platform: "Mac",
      os: "macOS",
      last_sync: T0,
      identifiers: { serial: `C02${email.split("@")[0]!.toUpperCase()}` },
      practices: { firewall: { value: !email.startsWith("bad"), last_updated: T0 } },
    }]),
};

Deno.test("startBatchRun() posts each person's view to the sinks, counts statuses as evaluated, saves the run", async () => {
  const store = await createSqliteStore({ path: ":memory:", log: silentLogger, now: () => T0 });
  try {
    // 14 days of grace on the firewall: people see a nudge, the batch counts a warn
    const practices = buildPracticeSet({
      firewall: { ...DEFAULT_PRACTICES.firewall!, GRACE_DAYS: 14 },
    });
    const engine = createEngine({
      deviceSources: [jamf],
      ownershipSources: [],
      accountSources: [],
      eventSources: [],
      notificationSources: [],
      deviceTransforms: [],
      eventTransforms: [],
      practices,
    }, { store, now: () => T0 });
    const posted: BatchResult[] = [];
    const sink: BatchSink = {
      name: "recorder",
      timeoutMs: 1000,
      post: (result) => (posted.push(result), Promise.resolve()),
    };
    const run = startBatchRun(
      { engine, plugins: [], sinks: [sink], store, log: silentLogger, now: () => T0 },
      {
        given: ["bad@example.com", "fine@example.com"],
        perPerson: true,
        shard: { index: 1, count: 1 },
        concurrency: 2,
      },
    );
    const report = await run.finished;
    assert.deepEqual(
      posted.map((r) => [r.email, r.devices[0]?.practices.firewall?.status]).sort(),
      [["bad@example.com", "warn"], ["fine@example.com", "ok"]],
    );
    assert.equal(report.stats.practices.firewall?.warn, 1);
    assert.equal(report.exitCode, 0);
    assert.deepEqual(run.progress().done, 2);
    assert.deepEqual((await store.batchRuns.batchRuns(1))[0]?.id, report.run.id);
    // the person's page, from the snapshot the run saved, shows the grace: nudge + deadline
    const view = await engine.cachedView("bad@example.com");
    assert.equal(view?.devices[0]?.practices.firewall?.status, "nudge");
    assert.deepEqual(
      view?.devices[0]?.practices.firewall?.deadline,
      new Date(T0.getTime() + 14 * 86_400_000),
    );
  } finally {
    await store.close();
  }
});

Deno.test("batchNeedsPeople() names why a run without a people file cannot start", () => {
  assert.equal(
    batchNeedsPeople({ deviceSources: [jamf] }, [], { perPerson: false }),
    "no configured source lists its inventory",
  );
  const lister = { ...jamf, listDevices: async function* () {} };
  assert.equal(batchNeedsPeople({ deviceSources: [lister] }, [], { perPerson: false }), null);
  assert.equal(
    batchNeedsPeople({ deviceSources: [lister] }, [], { perPerson: true }),
    "no configured source lists its inventory with --per-person",
  );
  const directory = { name: "google", timeoutMs: null, listPeople: async function* () {} };
  assert.equal(batchNeedsPeople({ deviceSources: [] }, [directory], { perPerson: true }), null);
});

Deno.test("runBatch() reads people from an async iterable only as workers free up", async () => {
  let pulled = 0;
  async function* people() {
    for (let i = 0; i < 10; i++) {
      pulled++;
      yield `p${i}@example.com`;
    }
  }
  const pulledAtOutcome: number[] = [];
  const done = await runBatch(people(), {
    concurrency: 2,
    collect: () => Promise.resolve({ items: [], errors: [] }),
    onOutcome: () => void pulledAtOutcome.push(pulled),
  });
  assert.equal(done, 10);
  // when the first person's outcome arrives, at most the two in flight were read
  assert.ok(pulledAtOutcome[0]! <= 2, `read ${pulledAtOutcome[0]} people ahead`);
  assert.equal(pulled, 10);
});
