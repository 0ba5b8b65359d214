import assert from "node:assert/strict";
import { silentLogger } from "../../config/log.ts";
import { createEngine, type EngineParts } from "../../engine/engine.ts";
import type { AccountSource, DeviceSource, EventSource } from "../../engine/core/ports.ts";
import type { DeviceRecord } from "../../engine/core/types.ts";
import { createSqliteStore } from "../../plugins/stores/sqlite.ts";

const T0 = new Date("2026-11-30T09:00:00Z");
const FRY = "fry@planetexpress.com";

/** JAMF, Google accounts and Duo sign-ins, each counting its calls. */
function sources() {
  const calls = { devices: 0, account: 0, events: 0 };
  const jamf: DeviceSource = {
    name: "jamf",
    timeoutMs: 1000,
    devicesByEmail: (email) => {
      calls.devices++;
      const record: DeviceRecord = {
        source: "jamf",
        name: "fry-mbp",
        email,
        last_sync: T0,
        identifiers: { serial: "C02FRY" },
        practices: {},
      };
      return Promise.resolve([record]);
    },
  };
  const google: AccountSource = {
    name: "google",
    timeoutMs: 1000,
    accountByEmail: (email) => {
      calls.account++;
      return Promise.resolve({
        name: email,
        type: "Google",
        source: "google",
        user_usage: {},
        last_updated: T0,
      });
    },
  };
  const duo: EventSource = {
    name: "duo",
    timeoutMs: 1000,
    eventsByEmail: () => {
      calls.events++;
      return Promise.resolve([{
        source: "duo",
        id: "e1",
        type: "push",
        success: true,
        reason: "",
        ip_address: "192.0.2.1",
        timestamp: T0,
      }]);
    },
  };
  const parts: EngineParts = {
    deviceSources: [jamf],
    ownershipSources: [],
    accountSources: [google],
    eventSources: [duo],
    notificationSources: [],
    deviceTransforms: [],
    eventTransforms: [],
    practices: [],
  };
  return { calls, parts };
}

Deno.test("engine.view() asks devices, accounts and events once per lookup and tells the metrics hook", async () => {
  const store = await createSqliteStore({ path: ":memory:", log: silentLogger });
  try {
    const { calls, parts } = sources();
    const seen: string[] = [];
    const engine = createEngine(parts, {
      store,
      now: () => T0,
      onCall: (source) => seen.push(source),
    });
    const view = await engine.view(FRY, { need: "events" });
    assert.deepEqual(view.devices.map((d) => [d.name, d.sources]), [["fry-mbp", ["jamf"]]]);
    assert.deepEqual(view.accounts.map((a) => a.source), ["google"]);
    assert.deepEqual(view.events.map((e) => e.id), ["e1"]);
    await engine.view(FRY, { need: "accounts" });
    assert.deepEqual(calls, { devices: 1, account: 1, events: 1 });
    assert.deepEqual(seen.sort(), ["duo", "google", "jamf"]);
  } finally {
    await store.close();
  }
});

Deno.test("devicesForBatch() saves the person's snapshot: the records, without accounts or events", async () => {
  const store = await createSqliteStore({ path: ":memory:", log: silentLogger });
  try {
    const { calls, parts } = sources();
    const engine = createEngine(parts, { store, now: () => T0 });
    const batch = await engine.devicesForBatch(FRY);
    assert.deepEqual(batch.items.map((d) => d.name), ["fry-mbp"]);
    const saved = await store.snapshots.snapshot(FRY);
    assert.deepEqual(saved?.collectedAt, T0);
    assert.deepEqual(saved?.devices.items.map((r) => [r.source, r.name]), [["jamf", "fry-mbp"]]);
    assert.equal(saved?.accounts, null);
    assert.equal(saved?.events, null);
    // a Devices page is served from it; an Accounts page asks the inventories
    assert.equal((await engine.cachedView(FRY))?.devices[0]?.name, "fry-mbp");
    assert.equal(await engine.cachedView(FRY, { need: "accounts" }), null);
    assert.deepEqual(calls, { devices: 1, account: 0, events: 0 });
  } finally {
    await store.close();
  }
});

Deno.test("a batch run in which JAMF fails keeps the person's older snapshot (devices, accounts) and says so", async () => {
  const store = await createSqliteStore({ path: ":memory:", log: silentLogger });
  try {
    const { parts } = sources();
    let clock = T0;
    const engine = createEngine(parts, { store, now: () => clock });
    await engine.view(FRY, { need: "accounts" });
    const jamf = parts.deviceSources[0]!;
    jamf.devicesByEmail = () => Promise.reject(new Error("connection refused"));
    clock = new Date(T0.getTime() + 3_600_000);
    const batch = await engine.devicesForBatch(FRY);
    assert.deepEqual(batch.items, []);
    assert.deepEqual(batch.errors.map((e) => e.source), ["jamf"]);
    const saved = await store.snapshots.snapshot(FRY);
    assert.deepEqual(saved?.collectedAt, T0);
    assert.deepEqual(saved?.devices.items.map((r) => r.name), ["fry-mbp"]);
    assert.deepEqual(saved?.accounts?.items.map((a) => a.source), ["google"]);
    assert.deepEqual(saved?.failedRefresh?.at, clock);
    assert.deepEqual(saved?.failedRefresh?.errors.map((e) => e.source), ["jamf"]);
  } finally {
    await store.close();
  }
});
