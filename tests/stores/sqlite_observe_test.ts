import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { silentLogger } from "../../config/log.ts";
import { createSqliteStore } from "../../plugins/stores/sqlite.ts";
import { inTempDir } from "../support/temp_dir.ts";

const T0 = Date.parse("2026-11-26T12:00:00Z");
const MINUTE = 60_000;

function seenAt(path: string): number[] {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    return db.prepare("SELECT seen_at FROM status_observations ORDER BY practice").all()
      .map((r) => Number(r.seen_at));
  } finally {
    db.close();
  }
}

Deno.test("sqlite observe() writes nothing for unchanged statuses seen within the hour", async () => {
  await inTempDir(async (dir) => {
    const path = `${dir}/s.db`;
    const store = await createSqliteStore({ path, log: silentLogger });
    try {
      const obs = (minutes: number, firewall: "ok" | "warn" = "warn") =>
        [
          { device: "serial:C02X", practice: "encryption", status: "ok" as const },
          { device: "serial:C02X", practice: "firewall", status: firewall },
        ].map((o) => ({ ...o, since: new Date(T0 + minutes * MINUTE) }));
      const key = (practice: string) => `serial:C02X\u0000${practice}`;

      await store.statuses.observe(obs(0));
      assert.deepEqual(seenAt(path), [T0, T0]);

      const later = await store.statuses.observe(obs(30));
      assert.equal(later.get(key("firewall"))?.getTime(), T0, "since kept");
      assert.deepEqual(seenAt(path), [T0, T0], "no write 30 minutes later");

      await store.statuses.observe(obs(61));
      assert.deepEqual(
        seenAt(path),
        [T0 + 61 * MINUTE, T0 + 61 * MINUTE],
        "refreshed after an hour",
      );

      const changed = await store.statuses.observe(obs(62, "ok"));
      assert.equal(changed.get(key("firewall"))?.getTime(), T0 + 62 * MINUTE, "since reset");
      assert.equal(changed.get(key("encryption"))?.getTime(), T0, "the other practice keeps since");
      assert.deepEqual(seenAt(path), [T0 + 62 * MINUTE, T0 + 62 * MINUTE]);
    } finally {
      await store.close();
    }
  });
});
