import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { silentLogger } from "../../config/log.ts";
import { createSqliteStore } from "../../plugins/stores/sqlite.ts";
import { inTempDir } from "../support/temp_dir.ts";
import { at, runStoreContract } from "./store_contract.ts";
import { sharedCoordination, sharedRefreshBudget } from "./coordination_contract.ts";

runStoreContract(
  "sqlite (:memory:)",
  () => createSqliteStore({ path: ":memory:", log: silentLogger }),
);

Deno.test("sqlite store keeps dismissals, feedback and the outbox across a restart", async () => {
  await inTempDir(async (dir) => {
    const path = `${dir}/nested/stethoscope.db`;
    const first = await createSqliteStore({ path, log: silentLogger });
    await first.feedback.dismiss("fry@example.com", "n1", at(0));
    await first.feedback.recordFeedback(
      "fry@example.com",
      { id: "n2", feedback: "yes", notes: "" },
      {
        sinks: ["rest"],
        at: at(1),
      },
    );
    await first.close();

    const second = await createSqliteStore({ path, log: silentLogger });
    try {
      assert.deepEqual([...await second.feedback.dismissed("fry@example.com")], ["n1"]);
      assert.deepEqual([...await second.feedback.answers("fry@example.com")], [["n2", "yes"]]);
      assert.deepEqual((await second.outbox.dueOutbox(at(1), 10)).map((i) => i.feedback.id), [
        "n2",
      ]);
    } finally {
      await second.close();
    }
  });
});

Deno.test("sqlite store migrates once, records the schema version and uses WAL", async () => {
  await inTempDir(async (dir) => {
    const path = `${dir}/s.db`;
    await (await createSqliteStore({ path, log: silentLogger })).close();
    await (await createSqliteStore({ path, log: silentLogger })).close();
    const db = new DatabaseSync(path, { readOnly: true });
    try {
      assert.deepEqual(
        db.prepare("SELECT version FROM schema_version").all().map((r) => r.version),
        [1, 2, 3, 4, 5, 6, 7, 8, 9],
      );
      assert.equal(db.prepare("PRAGMA journal_mode").get()?.journal_mode, "wal");
    } finally {
      db.close();
    }
  });
});

Deno.test("sqlite store on a read-only file throws a clear error and stores nothing", async () => {
  await inTempDir(async (dir) => {
    try {
      const path = `${dir}/ro.db`;
      await (await createSqliteStore({ path, log: silentLogger })).close();
      await Deno.chmod(path, 0o444);
      const warnings: string[] = [];
      const log = { ...silentLogger, warn: (msg: string) => void warnings.push(msg) };
      const store = await createSqliteStore({ path, log });
      try {
        assert.deepEqual(warnings, [
          "store file is read-only: dismissals and feedback cannot be saved",
        ]);
        await assert.rejects(
          store.feedback.recordFeedback(
            "fry@example.com",
            { id: "n1", feedback: "yes", notes: "" },
            {
              sinks: ["rest"],
              at: at(0),
            },
          ),
          (error: Error) => {
            assert.equal(error.name, "StoreError");
            assert.match(error.message, /^Cannot record feedback in the store ".*ro\.db": /);
            assert.match(error.message, /read-only; make it writable/);
            return true;
          },
        );
        await assert.rejects(
          store.feedback.dismiss("fry@example.com", "n1", at(0)),
          /Cannot save a dismissal/,
        );
        assert.equal(await store.outbox.outboxDepth(), 0);
        assert.equal((await store.feedback.answers("fry@example.com")).size, 0);
      } finally {
        await store.close();
      }
    } finally {
      await Deno.chmod(`${dir}/ro.db`, 0o644).catch(() => {});
    }
  });
});

Deno.test("sqlite store throws after close instead of failing silently", async () => {
  const store = await createSqliteStore({ path: ":memory:", log: silentLogger });
  await store.close();
  await assert.rejects(
    store.feedback.dismissed("fry@example.com"),
    /Cannot read dismissals: the store/,
  );
});

Deno.test("sqlite recordFeedback() stores nothing when one outbox row cannot be written", async () => {
  await inTempDir(async (dir) => {
    const path = `${dir}/atomic.db`;
    const store = await createSqliteStore({ path, log: silentLogger });
    try {
      const db = new DatabaseSync(path);
      db.exec(`CREATE TRIGGER refuse BEFORE INSERT ON outbox WHEN NEW.sink = 'broken'
        BEGIN SELECT RAISE(ABORT, 'outbox row refused'); END`);
      db.close();
      await assert.rejects(
        store.feedback.recordFeedback("fry@example.com", { id: "n1", feedback: "yes", notes: "" }, {
          sinks: ["rest", "broken"],
          at: at(0),
        }),
        /^StoreError: Cannot record feedback in the store ".*atomic\.db": outbox row refused$/,
      );
      assert.equal((await store.feedback.answers("fry@example.com")).size, 0);
      assert.equal(await store.outbox.outboxDepth(), 0);
    } finally {
      await store.close();
    }
  });
});

Deno.test("two sqlite stores on one file share rate-limit buckets, leases and the refresh budget", async () => {
  await inTempDir(async (dir) => {
    const path = `${dir}/shared.db`;
    const a = await createSqliteStore({ path, log: silentLogger });
    const b = await createSqliteStore({ path, log: silentLogger });
    try {
      await sharedCoordination(a, b);
      await sharedRefreshBudget(a, b);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
