import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { silentLogger } from "../../config/log.ts";
import { createSqliteStore } from "../../plugins/stores/sqlite.ts";
import { migrate, MIGRATIONS, NewerSchemaError } from "../../plugins/stores/sqlite_migrations.ts";
import { snapshotOf } from "./snapshot_contract.ts";
import { at } from "./store_contract.ts";
import { inTempDir } from "../support/temp_dir.ts";

/** The tables and indices of a file, as SQLite wrote them. */
function schemaOf(db: DatabaseSync): string[] {
  return db.prepare(
    "SELECT type || ' ' || name || ': ' || sql AS s FROM sqlite_master " +
      "WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' ORDER BY name",
  ).all().map((r) => String(r.s));
}

/** Runs `check` on the file at `path` opened read-only, closing it afterwards. */
function inspect(path: string, check: (db: DatabaseSync) => void): void {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    check(db);
  } finally {
    db.close();
  }
}

function versionsOf(db: DatabaseSync): number[] {
  return db.prepare("SELECT version FROM schema_version ORDER BY version").all()
    .map((r) => Number(r.version));
}

Deno.test("MIGRATIONS is the schema history: versions 1 to 9", () => {
  assert.equal(MIGRATIONS.length, 9);
  const db = new DatabaseSync(":memory:");
  try {
    assert.equal(migrate(db, { at: at(0) }), 9);
    assert.deepEqual(versionsOf(db), [1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.equal(migrate(db, { at: at(1) }), 9, "a second run applies nothing");
    assert.deepEqual(
      db.prepare("SELECT applied_at FROM schema_version").all().map((r) => r.applied_at),
      Array.from({ length: 9 }, () => at(0).toISOString()),
    );
    assert.deepEqual(
      db.prepare("PRAGMA table_info(device_rows)").all().map((r) => r.name),
      [
        "run",
        "seq",
        "email",
        "rating",
        "platform",
        "sources",
        "practices",
        "overdue_at",
        "serial",
        "hostname",
        "macs",
        "body",
      ],
    );
    assert.deepEqual(
      db.prepare("PRAGMA table_info(exemptions)").all().map((r) => r.name),
      ["id", "email", "granted_at", "ends_at", "revoked", "body"],
    );
    assert.deepEqual(
      db.prepare("PRAGMA table_info(signin_reports)").all().map((r) => r.name),
      ["id", "email", "reported_at", "handled_at", "body"],
    );
    assert.deepEqual(
      db.prepare("PRAGMA table_info(release_feeds)").all().map((r) => r.name),
      ["name", "fetched_at", "body"],
    );
  } finally {
    db.close();
  }
});

for (let version = 0; version < MIGRATIONS.length; version++) {
  Deno.test(`a file at schema version ${version} opens migrated to version ${MIGRATIONS.length}, keeping its rows`, async () => {
    await inTempDir(async (dir) => {
      const fresh = new DatabaseSync(":memory:");
      migrate(fresh, { at: at(0) });
      const current = schemaOf(fresh);
      fresh.close();

      const path = `${dir}/v${version}.db`;
      const old = new DatabaseSync(path);
      migrate(old, { at: at(0), migrations: MIGRATIONS.slice(0, version) });
      assert.deepEqual(versionsOf(old), Array.from({ length: version }, (_, i) => i + 1));
      if (version >= 1) {
        old.prepare("INSERT INTO dismissals VALUES (?, ?, ?)").run("fry@example.com", "n1", 0);
      }
      old.close();

      const store = await createSqliteStore({ path, log: silentLogger, now: () => at(60) });
      try {
        if (version >= 1) {
          assert.deepEqual([...await store.feedback.dismissed("fry@example.com")], ["n1"]);
        }
        assert.equal(
          await store.revocations.revoke("session:a", { until: at(100), now: at(0) }),
          true,
        );
        await store.snapshots.putSnapshot(snapshotOf("fry@example.com", at(0)));
        assert.equal(await store.snapshots.snapshotCount(), 1);
      } finally {
        await store.close();
      }
      inspect(path, (db) => {
        assert.deepEqual(versionsOf(db), [1, 2, 3, 4, 5, 6, 7, 8, 9]);
        assert.deepEqual(
          db.prepare("SELECT applied_at FROM schema_version WHERE version > ?").all(version)
            .map((r) => r.applied_at),
          Array.from({ length: 9 - version }, () => at(60).toISOString()),
        );
        assert.deepEqual(schemaOf(db), current);
      });
    });
  });
}

Deno.test("a version 4 file whose release_feeds table was made on first use keeps its feeds at version 5", async () => {
  await inTempDir(async (dir) => {
    const path = `${dir}/v4-feeds.db`;
    const old = new DatabaseSync(path);
    migrate(old, { at: at(0), migrations: MIGRATIONS.slice(0, 4) });
    // What sqlite_release_feeds.ts ran on first use from issue 15 until migration 5.
    old.exec(`CREATE TABLE IF NOT EXISTS release_feeds (
      name TEXT PRIMARY KEY, fetched_at INTEGER NOT NULL, body TEXT NOT NULL)`);
    old.prepare("INSERT INTO release_feeds VALUES (?, ?, ?)").run("sofa:macOS", 1000, "{}");
    old.close();
    const store = await createSqliteStore({ path, log: silentLogger, now: () => at(60) });
    try {
      assert.deepEqual(await store.releaseFeeds.releaseFeed("sofa:macOS"), {
        name: "sofa:macOS",
        fetchedAt: new Date(1000),
        body: "{}",
      });
    } finally {
      await store.close();
    }
    inspect(path, (db) => {
      assert.deepEqual(versionsOf(db), [1, 2, 3, 4, 5, 6, 7, 8, 9]);
    });
  });
});

Deno.test("a file from a newer Stethoscope is refused, naming both versions, and left untouched", async () => {
  await inTempDir(async (dir) => {
    const path = `${dir}/newer.db`;
    const db = new DatabaseSync(path);
    migrate(db, { at: at(0) });
    db.exec("INSERT INTO schema_version (version, applied_at) VALUES (10, 'later')");
    db.close();
    await assert.rejects(
      createSqliteStore({ path, log: silentLogger }),
      (error: Error) => {
        assert.equal(error.name, "StoreError");
        assert.equal(
          error.message,
          `Cannot open the store "${path}": the file has schema version 10, newer than this ` +
            "Stethoscope (9); run the Stethoscope version that wrote it, or set another path",
        );
        assert.ok(error.cause instanceof NewerSchemaError);
        assert.equal(error.cause.found, 10);
        assert.equal(error.cause.known, 9);
        return true;
      },
    );
    inspect(path, (after) => {
      assert.deepEqual(versionsOf(after), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    });
  });
});

Deno.test("a failing migration is rolled back and named; the ones before it stay", () => {
  const db = new DatabaseSync(":memory:");
  try {
    assert.throws(
      () =>
        migrate(db, {
          at: at(0),
          migrations: ["CREATE TABLE a (x)", "CREATE TABLE b (x); CREATE TABLE a (y)"],
        }),
      /^Error: migration 2 failed: table a already exists\b/,
    );
    assert.deepEqual(versionsOf(db), [1]);
    assert.equal(
      db.prepare("SELECT COUNT(*) AS n FROM sqlite_master WHERE name = 'b'").get()?.n,
      0,
    );
  } finally {
    db.close();
  }
});

Deno.test("a version 8 file keeps its status history at version 9, where the table has no rowid", async () => {
  await inTempDir(async (dir) => {
    const path = `${dir}/v8-statuses.db`;
    const old = new DatabaseSync(path);
    migrate(old, { at: at(0), migrations: MIGRATIONS.slice(0, 8) });
    const put = old.prepare("INSERT INTO status_observations VALUES (?, ?, ?, ?, ?)");
    put.run("serial:C02X", "firewall", "warn", 1000, 5000);
    put.run("serial:C02X", "uptodate", "ok", 2000, 5000);
    put.run("serial:OTHER", "firewall", "ok", 3000, 4000);
    old.prepare("INSERT INTO person_devices VALUES (?, ?, ?)")
      .run("fry@example.com", JSON.stringify(["serial:C02X"]), 5000);
    old.close();
    const store = await createSqliteStore({ path, log: silentLogger, now: () => at(60) });
    try {
      const read = await store.personReads!.read("fry@example.com");
      assert.deepEqual(
        read.statuses,
        new Map([
          ["serial:C02X\u0000firewall", {
            status: "warn",
            since: new Date(1000),
            seenAt: new Date(5000),
          }],
          ["serial:C02X\u0000uptodate", {
            status: "ok",
            since: new Date(2000),
            seenAt: new Date(5000),
          }],
        ]),
      );
      // a status that changes is recorded over the kept row; the unchanged one keeps its start
      const began = await store.statuses.observe([
        { device: "serial:C02X", practice: "firewall", status: "ok", since: new Date(9000) },
        { device: "serial:C02X", practice: "uptodate", status: "ok", since: new Date(9000) },
      ], { person: "fry@example.com" });
      assert.deepEqual(
        began,
        new Map([
          ["serial:C02X\u0000firewall", new Date(9000)],
          ["serial:C02X\u0000uptodate", new Date(2000)],
        ]),
      );
    } finally {
      await store.close();
    }
    inspect(path, (db) => {
      assert.deepEqual(versionsOf(db), [1, 2, 3, 4, 5, 6, 7, 8, 9]);
      assert.deepEqual(
        db.prepare("SELECT * FROM status_observations ORDER BY device, practice").all()
          .map((r) => ({ ...r })),
        [
          { device: "serial:C02X", practice: "firewall", status: "ok", since: 9000, seen_at: 9000 },
          { device: "serial:C02X", practice: "uptodate", status: "ok", since: 2000, seen_at: 9000 },
          {
            device: "serial:OTHER",
            practice: "firewall",
            status: "ok",
            since: 3000,
            seen_at: 4000,
          },
        ],
      );
      // no rowid: the primary key is the table (one search per device read)
      assert.throws(() => db.prepare("SELECT rowid FROM status_observations").all(), /rowid/);
    });
  });
});
