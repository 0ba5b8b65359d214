/**
 * Stale views through the refresh queue (issue 24 review): a source that is down is asked again
 * once per freshness window per person, not on every view; a person refreshed meanwhile leaves the
 * queue without spending the sources' budget. Injected clock, SQLite in memory, no timers.
 *
 * @module
 */
import assert from "node:assert/strict";
import { silentLogger } from "../../config/log.ts";
import type { DeviceRecord, SourceError } from "../../engine/core/types.ts";
import { createRefreshQueue, type RefreshQueue } from "../../engine/view/refresh_queue.ts";
import { createPersonViews, type PersonViewParts } from "../../engine/view/view.ts";
import { createSqliteStore } from "../../plugins/stores/sqlite.ts";

const T0 = new Date("2026-11-30T09:00:00Z");
const MIN = 60_000;
const FRY = "fry@planetexpress.com";
const LEELA = "leela@planetexpress.com";

const FRY_MBP: DeviceRecord = {
  source: "jamf",
  name: "fry-mbp",
  last_sync: T0,
  identifiers: { serial: "C02FRY" },
};

/** Jamf's answer when it times out (the shape `collect` reports a failing source in). */
const JAMF_DOWN: SourceError = {
  source: "jamf",
  operation: "devicesByEmail",
  kind: "timeout",
  message: "jamf did not answer within 10 s",
};

/** Views over a store in memory, a lookup that records its calls, and a refresh queue. */
async function setup(queue: (now: () => Date) => RefreshQueue) {
  const clock = { now: T0 };
  const now = () => clock.now;
  const store = await createSqliteStore({ path: ":memory:", log: silentLogger, now });
  const calls: string[] = [];
  const state = { down: false, gate: null as Promise<void> | null };
  const collect: PersonViewParts["collect"] = async (email) => {
    calls.push(email);
    if (state.gate) await state.gate;
    return {
      devices: state.down
        ? { items: [], errors: [JAMF_DOWN] }
        : { items: [structuredClone(FRY_MBP)], errors: [] },
      accounts: null,
      events: null,
    };
  };
  const refreshQueue = queue(now);
  const views = createPersonViews({
    collect,
    rules: { practices: [], deviceTransforms: [] },
    store,
    now,
    settings: { freshMs: 15 * MIN, checkAgainMs: MIN, keepDays: 30 },
    refreshQueue,
  });
  return { clock, store, views, calls, state, refreshQueue };
}

/** A queue with no budget (every token given at once) that counts the tokens taken. */
function unlimited(now: () => Date, taken: string[] = []) {
  return createRefreshQueue({
    budgets: [{ source: "jamf", rate: { requests: 1000, perSeconds: 60 } }],
    tokens: {
      takeToken(key) {
        taken.push(key);
        return Promise.resolve(0);
      },
    },
    now,
    sleep: () => Promise.resolve(),
    concurrency: 1,
  });
}

Deno.test("a person reloading while Jamf is down asks Jamf once per freshness window, not on every view", async () => {
  const { clock, store, views, calls, state, refreshQueue } = await setup((now) => unlimited(now));
  try {
    await views.view(FRY); // 09:00, Jamf answers
    state.down = true;
    clock.now = new Date(T0.getTime() + 20 * MIN); // stale
    assert.equal((await views.cachedView(FRY))?.refreshing, true);
    await refreshQueue.idle();
    assert.equal(calls.length, 2, "the first stale view's refresh asked Jamf");

    clock.now = new Date(T0.getTime() + 21 * MIN);
    for (let reload = 0; reload < 10; reload++) {
      const view = await views.cachedView(FRY);
      assert.equal(view?.freshness, "stale");
      assert.equal(view?.refreshing, false, "nothing is being checked: the page must not say so");
      assert.deepEqual(view?.failedRefresh?.at, new Date(T0.getTime() + 20 * MIN));
      await refreshQueue.idle();
    }
    assert.equal(calls.length, 2, "ten reloads within the window asked Jamf no more");

    clock.now = new Date(T0.getTime() + 35 * MIN); // the failed refresh is 15 minutes old
    assert.equal((await views.visit(FRY).cachedView())?.refreshing, true);
    await refreshQueue.idle();
    assert.equal(calls.length, 3, "asked again once the window passed");
    assert.deepEqual(refreshQueue.counts.refreshes, { done: 2, failed: 0, skipped: 0 });
  } finally {
    refreshQueue.stop();
    await store.close();
  }
});

Deno.test("a person refreshed while waiting in the queue leaves it without spending a token", async () => {
  const taken: string[] = [];
  const { clock, store, views, calls, state, refreshQueue } = await setup((now) =>
    unlimited(now, taken)
  );
  try {
    await views.view(FRY);
    await views.view(LEELA);
    clock.now = new Date(T0.getTime() + 20 * MIN);
    let open!: () => void;
    state.gate = new Promise((resolve) => open = resolve);
    await views.cachedView(LEELA); // Leela's refresh runs and holds the only slot
    await views.cachedView(FRY); // Fry waits behind it
    assert.equal(refreshQueue.queued, 1);
    // meanwhile a batch (or another process) saves Fry's snapshot
    await views.save({
      email: FRY,
      collectedAt: clock.now,
      devices: { items: [FRY_MBP], errors: [] },
      accounts: null,
      events: null,
    });
    open();
    await refreshQueue.idle();
    assert.deepEqual(calls, [FRY, LEELA, LEELA], "Fry was not asked again");
    assert.equal(taken.length, 1, "one token, for Leela");
    assert.deepEqual(refreshQueue.counts.refreshes, { done: 1, failed: 0, skipped: 1 });
  } finally {
    refreshQueue.stop();
    await store.close();
  }
});
