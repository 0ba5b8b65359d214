import assert from "node:assert/strict";
import { silentLogger } from "../../config/log.ts";
import type { Store } from "../../engine/core/store_ports.ts";
import type { PersonSnapshot, SnapshotStore } from "../../engine/view/snapshots.ts";
import type { DeviceRecord } from "../../engine/core/types.ts";
import { createPersonViews } from "../../engine/view/view.ts";
import { createSqliteStore } from "../../plugins/stores/sqlite.ts";

const T0 = new Date("2026-11-30T09:00:00Z");
const MIN = 60_000;
const FRY = "fry@planetexpress.com";

function snapshot(name: string, collectedAt = T0): PersonSnapshot {
  const record: DeviceRecord = {
    source: "jamf",
    name,
    last_sync: T0,
    identifiers: { serial: name },
  };
  return {
    email: FRY,
    collectedAt,
    devices: { items: [record], errors: [] },
    accounts: { items: [], errors: [] },
    events: null,
  };
}

/** The SQLite store as it is, or without `snapshotStamp` (as a store that cannot stamp). */
async function setup(options: { stamps: boolean }) {
  const clock = { now: T0 };
  const now = () => clock.now;
  const sqlite: Store = await createSqliteStore({ path: ":memory:", log: silentLogger, now });
  const seen: string[] = [];
  const snapshots: SnapshotStore = {
    putSnapshot: (s) => sqlite.snapshots.putSnapshot(s),
    snapshot: (e) => sqlite.snapshots.snapshot(e),
    markSnapshotSeen: (e, at) => {
      seen.push(`${e} ${at.toISOString()}`);
      return sqlite.snapshots.markSnapshotSeen(e, at);
    },
    pruneSnapshots: (b) => sqlite.snapshots.pruneSnapshots(b),
    snapshotCount: () => sqlite.snapshots.snapshotCount(),
    ...(options.stamps ? { snapshotStamp: (e: string) => sqlite.snapshots.snapshotStamp!(e) } : {}),
  };
  const store = { snapshots, statuses: sqlite.statuses };
  const views = createPersonViews({
    collect: () => Promise.reject(new Error("no lookups in these tests")),
    rules: { practices: [], deviceTransforms: [] },
    store,
    now,
    settings: { freshMs: 15 * MIN, checkAgainMs: MIN, keepDays: 30 },
  });
  return { clock, views, seen, close: () => sqlite.close() };
}

for (const stamps of [true, false]) {
  const how = stamps ? "from the store's stamp" : "reading the snapshot whole";
  Deno.test(`stamp() ${how}: null without a snapshot; one version per content; fresh within the window`, async () => {
    const { clock, views, close } = await setup({ stamps });
    try {
      assert.equal(await views.stamp(FRY), null);
      await views.save(snapshot("fry-mbp"));
      const first = await views.stamp("Fry@PlanetExpress.com");
      assert.deepEqual(first && { collectedAt: first.collectedAt, fresh: first.fresh }, {
        collectedAt: T0,
        fresh: true,
      });
      assert.equal((await views.stamp(FRY))?.version, first?.version, "read twice: equal");

      await views.save(snapshot("fry-mbp")); // the same content again, at the same time
      assert.equal((await views.stamp(FRY))?.version, first?.version);
      await views.save(snapshot("fry-mini")); // other content, at the same time
      const other = await views.stamp(FRY);
      assert.notEqual(other?.version, first?.version);
      assert.deepEqual(other?.collectedAt, T0);

      clock.now = new Date(T0.getTime() + 15 * MIN - 1);
      assert.equal((await views.stamp(FRY))?.fresh, true);
      clock.now = new Date(T0.getTime() + 15 * MIN);
      assert.equal((await views.stamp(FRY))?.fresh, false);
      assert.equal((await views.stamp(FRY))?.version, other?.version, "age is not content");
    } finally {
      close();
    }
  });
}

Deno.test("stamp() marks the person seen as a view does: when the record of it is an hour old", async () => {
  const { clock, views, seen, close } = await setup({ stamps: true });
  try {
    await views.save(snapshot("fry-mbp"));
    clock.now = new Date(T0.getTime() + 60 * MIN - 1);
    await views.stamp(FRY);
    assert.deepEqual(seen, []);
    clock.now = new Date(T0.getTime() + 60 * MIN);
    await views.stamp(FRY);
    assert.deepEqual(seen, [`${FRY} 2026-11-30T10:00:00.000Z`]);
  } finally {
    close();
  }
});

Deno.test("stamp() is null when the store fails, and says so to onError", async () => {
  const errors: string[] = [];
  const failing = {
    snapshots: { snapshotStamp: () => Promise.reject(new Error("disk I/O error")) },
  } as unknown as Pick<Store, "snapshots" | "statuses">;
  const views = createPersonViews({
    collect: () => Promise.reject(new Error("unused")),
    rules: { practices: [], deviceTransforms: [] },
    store: failing,
    now: () => T0,
    onError: (what, error) => errors.push(`${what}: ${(error as Error).message}`),
  });
  assert.equal(await views.stamp(FRY), null);
  assert.deepEqual(errors, ["read a snapshot: disk I/O error"]);
});
