/**
 * Revocations in the SQLite store: signed-out session ids and used sign-in states, each kept until
 * the moment it could no longer be used anyway (`until`, ms since epoch). One row per id; the
 * primary key makes `revoke` an atomic test-and-set even with several processes on one file
 * (SQLite serialises writers). The table is migration 2 of `sqlite_migrations.ts`.
 *
 * @module
 */
import type { RevocationStore } from "../../engine/core/store_ports.ts";
import type { DatabaseSync } from "node:sqlite";
import type { Runner } from "./sqlite_runner.ts";

/**
 * The revocation methods of the SQLite store.
 *
 * @param db the open, migrated database
 * @param run the store's runner
 * @returns `revoke` (true when this call revoked the id; false when a live revocation already
 *   existed), `isRevoked` (a revocation ends at its `until`) and `pruneRevoked` (how many went)
 */
export function sqliteRevocations(db: DatabaseSync, run: Runner): RevocationStore {
  const q = {
    // Inserts, or takes over a row whose revocation has expired; leaves a live one alone.
    revoke: db.prepare(`INSERT INTO revocations (id, until) VALUES (?, ?)
      ON CONFLICT (id) DO UPDATE SET until = excluded.until WHERE revocations.until <= ?`),
    get: db.prepare("SELECT until FROM revocations WHERE id = ?"),
    prune: db.prepare("DELETE FROM revocations WHERE until <= ?"),
  };
  return {
    revoke(id: string, options: { until: Date; now: Date }): Promise<boolean> {
      const until = options.until.getTime();
      const now = options.now.getTime();
      return run("revoke a session", () => Number(q.revoke.run(id, until, now).changes) === 1);
    },

    isRevoked(id: string, now: Date): Promise<boolean> {
      return run("read revoked sessions", () => {
        const row = q.get.get(id);
        return row !== undefined && Number(row.until) > now.getTime();
      });
    },

    pruneRevoked(now: Date): Promise<number> {
      return run("prune revoked sessions", () => Number(q.prune.run(now.getTime()).changes));
    },
  };
}
