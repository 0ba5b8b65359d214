import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { encodeTagged } from "../../plugins/stores/snapshot_codec.ts";
import { silentLogger } from "../../config/log.ts";
import { createSqliteStore } from "../../plugins/stores/sqlite.ts";
import { snapshotOf } from "./snapshot_contract.ts";
import { at } from "./store_contract.ts";
import { inTempDir } from "../support/temp_dir.ts";

Deno.test("sqlite store keeps snapshots across a restart", async () => {
  await inTempDir(async (dir) => {
    const path = `${dir}/stethoscope.db`;
    const first = await createSqliteStore({ path, log: silentLogger });
    await first.snapshots.putSnapshot(snapshotOf("fry@example.com", at(0)));
    await first.close();
    const second = await createSqliteStore({ path, log: silentLogger });
    try {
      assert.deepEqual(await second.snapshots.snapshot("fry@example.com"), {
        ...snapshotOf("fry@example.com", at(0)),
        seenAt: at(0),
      });
    } finally {
      await second.close();
    }
  });
});

Deno.test("a snapshot row of another format is refused with a clear error (the view then asks again)", async () => {
  const store = await createSqliteStore({ path: ":memory:", log: silentLogger });
  try {
    const merged = snapshotOf("fry@example.com", at(0));
    // what the first snapshots held: merged devices (`sources`), not records (`source`)
    const old = {
      ...merged,
      devices: { items: [{ sources: ["jamf"], practices: {}, identifiers: {} }], errors: [] },
    } as unknown as typeof merged;
    await store.snapshots.putSnapshot(old);
    await assert.rejects(
      store.snapshots.snapshot("fry@example.com"),
      /Cannot read a snapshot in the store ":memory:": The snapshot of "fry@example.com" is not in this version's format/,
    );
  } finally {
    await store.close();
  }
});

Deno.test("putSnapshots() saves several people in one call, each as putSnapshot() would (a batch's writes)", async () => {
  const store = await createSqliteStore({ path: ":memory:", log: silentLogger });
  try {
    await store.snapshots.putSnapshot(snapshotOf("fry@example.com", at(0)));
    await store.snapshots.putSnapshots!([
      snapshotOf("fry@example.com", at(1)),
      snapshotOf("leela@example.com", at(2)),
    ]);
    assert.deepEqual(await store.snapshots.snapshot("fry@example.com"), {
      ...snapshotOf("fry@example.com", at(1)),
      seenAt: at(1),
    });
    assert.deepEqual(await store.snapshots.snapshot("leela@example.com"), {
      ...snapshotOf("leela@example.com", at(2)),
      seenAt: at(2),
    });
    assert.equal(await store.snapshots.snapshotCount(), 2);
  } finally {
    await store.close();
  }
});

Deno.test('a snapshot stored before issue 24 (dates as {"$date": …}) still reads, and is rewritten in version 2', async () => {
  await inTempDir(async (dir) => {
    const path = `${dir}/stethoscope.db`;
    const snapshot = snapshotOf("fry@example.com", at(0));
    const store = await createSqliteStore({ path, log: silentLogger });
    try {
      // the row as the store wrote it before: version 1's tagged dates
      const { email: _e, collectedAt: _c, ...body } = snapshot;
      const db = new DatabaseSync(path);
      db.prepare("INSERT INTO snapshots (email, collected_at, seen_at, body) VALUES (?, ?, ?, ?)")
        .run("fry@example.com", at(0).getTime(), at(0).getTime(), encodeTagged(body));
      db.close();
      assert.deepEqual(await store.snapshots.snapshot("fry@example.com"), {
        ...snapshot,
        seenAt: at(0),
      });
      await store.snapshots.putSnapshot(snapshotOf("fry@example.com", at(1)));
      const row = new DatabaseSync(path).prepare("SELECT body FROM snapshots").get();
      assert.equal(String(row?.body).slice(0, 30), '2{"devices":{"items":[{"source');
      assert.deepEqual(await store.snapshots.snapshot("fry@example.com"), {
        ...snapshotOf("fry@example.com", at(1)),
        seenAt: at(1),
      });
    } finally {
      await store.close();
    }
  });
});
