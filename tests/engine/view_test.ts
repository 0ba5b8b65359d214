/**
 * Over 300 lines: one test per snapshot rule of the person view (miss, stale, single flight,
 * failing source, grace, prune), sharing the device builders, counting collector and clock above.
 *
 * @module
 */
import assert from "node:assert/strict";
import { silentLogger } from "../../config/log.ts";
import type { Store } from "../../engine/core/store_ports.ts";
import type { PracticeSet } from "../../engine/practices/practices.ts";
import type { PersonSnapshot } from "../../engine/view/snapshots.ts";
import type { DeviceRecord, SourceError, Status } from "../../engine/core/types.ts";
import { createPersonViews, type PersonViewParts } from "../../engine/view/view.ts";
import { createSqliteStore } from "../../plugins/stores/sqlite.ts";
import { sleep } from "../../lib/abort.ts";

const T0 = new Date("2026-11-30T09:00:00Z");
const MIN = 60_000;
const DAY = 86_400_000;
const FRY = "fry@planetexpress.com";

/** A record carrying its encryption status (no practice is configured, so the view keeps it). */
function device(name: string, status: Status, serial = name): DeviceRecord {
  return {
    source: "jamf",
    name,
    last_sync: T0,
    practices: { encryption: { status, title: "Disk encryption" } },
    identifiers: { serial },
  };
}

const JAMF_DOWN: SourceError = {
  source: "jamf",
  operation: "devicesByEmail",
  kind: "timeout",
  message: "jamf did not answer within 10 s",
};

/** A lookup that records every call and answers what `answer` holds at that moment. */
function countingCollect() {
  const calls: string[] = [];
  const state = {
    devices: [device("fry-mbp", "ok")],
    errors: [] as SourceError[],
    /** When set, lookups wait for it (to hold several views inside one lookup). */
    gate: null as Promise<void> | null,
  };
  const collect: PersonViewParts["collect"] = async (email) => {
    calls.push(email);
    if (state.gate) await state.gate;
    return {
      devices: { items: structuredClone(state.devices), errors: [...state.errors] },
      accounts: { items: [], errors: [] },
      events: { items: [], errors: [] },
    };
  };
  return { calls, state, collect };
}

async function setup(options: { practices?: PracticeSet } = {}) {
  const clock = { now: T0 };
  const now = () => clock.now;
  const store: Store = await createSqliteStore({ path: ":memory:", log: silentLogger, now });
  const fake = countingCollect();
  const views = createPersonViews({
    collect: fake.collect,
    rules: { practices: options.practices ?? [], deviceTransforms: [] },
    store,
    now,
    settings: { freshMs: 15 * MIN, checkAgainMs: MIN, keepDays: 30 },
  });
  return { clock, store, views, ...fake };
}

Deno.test("view() asks the inventories on a miss and answers from the snapshot within the window", async () => {
  const { clock, views, calls, store } = await setup();
  try {
    const first = await views.view(FRY);
    assert.equal(first.freshness, "live");
    assert.deepEqual(first.devices.map((d) => d.name), ["fry-mbp"]);
    clock.now = new Date(T0.getTime() + 14 * MIN);
    const second = await views.view(FRY);
    assert.equal(second.freshness, "fresh");
    assert.equal(second.ageMs, 14 * MIN);
    assert.deepEqual(second.collectedAt, T0);
    assert.deepEqual(second.devices.map((d) => d.name), ["fry-mbp"]);
    assert.deepEqual(calls, [FRY]);
    // the same person whatever the letter case of the address
    await views.view("Fry@PlanetExpress.com");
    assert.deepEqual(calls, [FRY]);
    assert.equal(await store.snapshots.snapshotCount(), 1);
  } finally {
    await store.close();
  }
});

Deno.test("cachedView() serves a stale snapshot at once and refreshes it in the background", async () => {
  const { clock, views, calls, state, store } = await setup();
  try {
    assert.equal(await views.cachedView(FRY), null, "no snapshot yet: nothing without asking");
    assert.deepEqual(calls, []);
    await views.view(FRY);
    state.devices = [device("fry-mbp", "warn"), device("fry-phone", "ok")];
    let open!: () => void;
    state.gate = new Promise((resolve) => open = resolve);
    clock.now = new Date(T0.getTime() + 2 * 60 * MIN);
    const stale = await views.cachedView(FRY);
    assert.equal(stale?.freshness, "stale");
    assert.equal(stale?.refreshing, true);
    assert.equal(stale?.ageMs, 2 * 60 * MIN);
    assert.deepEqual(stale?.devices.map((d) => d.name), ["fry-mbp"]);
    assert.equal(views.inFlight, 1);
    // htmx's follow-up request waits for that refresh (maxAgeMs: Infinity joins it)
    const joined = views.view(FRY, { maxAgeMs: Infinity });
    open();
    const fresh = await joined;
    assert.equal(fresh.freshness, "live");
    assert.deepEqual(fresh.devices.map((d) => d.name), ["fry-mbp", "fry-phone"]);
    assert.deepEqual(calls, [FRY, FRY]);
    const next = await views.cachedView(FRY);
    assert.equal(next?.freshness, "fresh");
    assert.equal(next?.refreshing, false);
    assert.deepEqual(next?.collectedAt, clock.now);
  } finally {
    await store.close();
  }
});

Deno.test("concurrent views of one person share one lookup (single flight)", async () => {
  const { views, calls, state, store } = await setup();
  try {
    let open!: () => void;
    state.gate = new Promise((resolve) => open = resolve);
    const pending = Array.from({ length: 20 }, () => views.view(FRY));
    const other = views.view("leela@planetexpress.com");
    await Promise.resolve();
    while (calls.length < 2) await sleep(0);
    assert.equal(views.inFlight, 2);
    open();
    const all = await Promise.all(pending);
    await other;
    assert.deepEqual(calls.sort(), ["fry@planetexpress.com", "leela@planetexpress.com"]);
    assert.ok(all.every((v) => v.devices[0]?.name === "fry-mbp"));
    assert.equal(views.inFlight, 0);
  } finally {
    await store.close();
  }
});

Deno.test("a refresh in which a source fails keeps the older devices and says so", async () => {
  const { clock, views, state, store } = await setup();
  try {
    await views.view(FRY);
    state.devices = [];
    state.errors = [JAMF_DOWN];
    clock.now = new Date(T0.getTime() + 60 * MIN);
    await views.view(FRY, { maxAgeMs: 0 });
    const kept = await views.view(FRY, { maxAgeMs: Infinity });
    assert.deepEqual(kept.devices.map((d) => d.name), ["fry-mbp"]);
    assert.deepEqual(kept.collectedAt, T0);
    assert.deepEqual(kept.failedRefresh, { at: clock.now, errors: [JAMF_DOWN] });
    // once the source answers again, the snapshot is replaced and the note goes
    state.devices = [device("fry-mbp", "warn")];
    state.errors = [];
    const back = await views.view(FRY, { maxAgeMs: 0 });
    assert.equal(back.failedRefresh, undefined);
    assert.equal(back.devices[0]?.practices.encryption?.status, "warn");
  } finally {
    await store.close();
  }
});

Deno.test("a view applies failing-since and grace to the snapshot at view time, most urgent first", async () => {
  // a practice that reads the status the record carries, with 14 days of grace
  const practices = [{
    key: "encryption",
    config: { GRACE_DAYS: 14 },
    evaluate: (r: DeviceRecord) => r.practices!.encryption!,
  }] as unknown as PracticeSet;
  const { clock, views, state, store } = await setup({ practices });
  try {
    state.devices = [device("fine", "ok", "S1"), device("broken", "warn", "S2")];
    await views.view(FRY);
    clock.now = new Date(T0.getTime() + 3 * DAY);
    const during = await views.view(FRY, { maxAgeMs: Infinity });
    assert.deepEqual(during.devices.map((d) => d.name), ["broken", "fine"]);
    assert.deepEqual(during.devices[0]!.practices.encryption, {
      status: "nudge",
      title: "Disk encryption",
      since: T0,
      deadline: new Date(T0.getTime() + 14 * DAY),
    });
    clock.now = new Date(T0.getTime() + 15 * DAY);
    const after = await views.view(FRY, { maxAgeMs: Infinity });
    assert.deepEqual(after.devices[0]!.practices.encryption, {
      status: "warn",
      title: "Disk encryption",
      since: T0,
    });
  } finally {
    await store.close();
  }
});

Deno.test("prune() deletes the snapshots of people not seen for KEEP_DAYS, and their device lists (injected clock)", async () => {
  const { clock, views, store } = await setup();
  const listed = async (email: string) => (await store.personReads.read(email)).statuses.size;
  try {
    await views.visit(FRY).view(); // a page view: records Fry's device list
    clock.now = new Date(T0.getTime() + 20 * DAY);
    await views.visit("leela@planetexpress.com").view();
    assert.deepEqual([await listed(FRY), await listed("leela@planetexpress.com")], [1, 1]);
    clock.now = new Date(T0.getTime() + 30 * DAY + MIN);
    assert.equal(await views.prune(), 1);
    assert.equal(await store.snapshots.snapshot(FRY), null);
    assert.deepEqual([await listed(FRY), await listed("leela@planetexpress.com")], [0, 1]);
    assert.equal(
      (await store.snapshots.snapshot("leela@planetexpress.com"))?.email,
      "leela@planetexpress.com",
    );
    // a view served from the snapshot counts as seeing the person
    clock.now = new Date(T0.getTime() + 45 * DAY);
    await views.cachedView("leela@planetexpress.com");
    clock.now = new Date(T0.getTime() + 60 * DAY);
    assert.equal(await views.prune(), 0);
    assert.equal(await store.snapshots.snapshotCount(), 1);
  } finally {
    await store.close();
  }
});

Deno.test("view() without a store is live every time, and a batch-only snapshot is no accounts view", async () => {
  const fake = countingCollect();
  const views = createPersonViews({
    collect: fake.collect,
    rules: { practices: [], deviceTransforms: [] },
    now: () => T0,
  });
  await views.view(FRY);
  await views.view(FRY);
  assert.equal(fake.calls.length, 2);
  assert.equal(await views.cachedView(FRY), null);

  const store = await createSqliteStore({ path: ":memory:", log: silentLogger });
  try {
    const batch: PersonSnapshot = {
      email: FRY,
      collectedAt: T0,
      devices: { items: [device("fry-mbp", "ok")], errors: [] },
      accounts: null,
      events: null,
    };
    await store.snapshots.putSnapshot(batch);
    const withStore = createPersonViews({
      collect: fake.collect,
      rules: { practices: [], deviceTransforms: [] },
      store,
      now: () => T0,
    });
    assert.equal((await withStore.cachedView(FRY))?.freshness, "fresh");
    assert.equal(await withStore.cachedView(FRY, { need: "accounts" }), null);
    await withStore.view(FRY, { need: "accounts" });
    assert.equal(fake.calls.length, 3);
  } finally {
    await store.close();
  }
});

Deno.test("a refresh in which the account or sign-in source fails keeps the older accounts and sign-ins and says so", async () => {
  const GOOGLE_DOWN: SourceError = {
    source: "google",
    operation: "accountByEmail",
    kind: "timeout",
    message: "google did not answer within 10 s",
  };
  const clock = { now: T0 };
  const now = () => clock.now;
  const store = await createSqliteStore({ path: ":memory:", log: silentLogger, now });
  let googleUp = true;
  const views = createPersonViews({
    collect: () =>
      Promise.resolve({
        devices: { items: [device(googleUp ? "fry-mbp" : "fry-mbp-2", "ok")], errors: [] },
        accounts: googleUp
          ? {
            items: [{
              name: FRY,
              type: "Google",
              source: "google",
              user_usage: {},
              last_updated: T0,
            }],
            errors: [],
          }
          : { items: [], errors: [GOOGLE_DOWN] },
        events: { items: [], errors: [] },
      }),
    rules: { practices: [], deviceTransforms: [] },
    store,
    now,
  });
  try {
    await views.view(FRY, { need: "accounts" });
    googleUp = false;
    clock.now = new Date(T0.getTime() + 60 * MIN);
    const refreshed = await views.view(FRY, { need: "accounts", maxAgeMs: 0 });
    // the devices are the new ones; the accounts the person had are still shown, with the failure
    assert.deepEqual(refreshed.devices.map((d) => d.name), ["fry-mbp-2"]);
    assert.deepEqual(refreshed.accounts.map((a) => [a.source, a.name]), [["google", FRY]]);
    assert.deepEqual(refreshed.failedRefresh, { at: clock.now, errors: [GOOGLE_DOWN] });
    const later = await views.cachedView(FRY, { need: "accounts" });
    assert.deepEqual(later?.accounts.map((a) => a.source), ["google"]);
  } finally {
    await store.close();
  }
});

Deno.test("a background refresh whose lookup throws is reported, never an unhandled rejection, and the stale view stays", async () => {
  const clock = { now: T0 };
  const now = () => clock.now;
  const store = await createSqliteStore({ path: ":memory:", log: silentLogger, now });
  const reported: string[] = [];
  let broken = false;
  const views = createPersonViews({
    collect: () =>
      broken ? Promise.reject(new TypeError("a transform failed")) : Promise.resolve({
        devices: { items: [device("fry-mbp", "ok")], errors: [] },
        accounts: null,
        events: null,
      }),
    rules: { practices: [], deviceTransforms: [] },
    store,
    now,
    onError: (what, error) => reported.push(`${what}: ${String(error)}`),
  });
  try {
    await views.view(FRY);
    broken = true;
    clock.now = new Date(T0.getTime() + 2 * 60 * MIN);
    const stale = await views.cachedView(FRY);
    assert.equal(stale?.refreshing, true);
    while (views.inFlight > 0) await sleep(0);
    await sleep(0);
    assert.deepEqual(reported, ["refresh a snapshot: TypeError: a transform failed"]);
    assert.deepEqual((await views.cachedView(FRY))?.devices.map((d) => d.name), ["fry-mbp"]);
  } finally {
    await store.close();
  }
});
