/**
 * Revocations in the SQLite store: signed-out session ids and used sign-in states, each kept until
 * the moment it could no longer be used anyway (`until`, ms since epoch). One row per id; the
 * primary key makes {@link revokeRow} an atomic test-and-set even with several processes on one
 * file (SQLite serialises writers). The table is migration 2 of `sqlite_migrations.ts`.
 *
 * @module
 */
import type { DatabaseSync, StatementSync } from "node:sqlite";

const statements = new WeakMap<DatabaseSync, Record<"revoke" | "get" | "prune", StatementSync>>();

function prepared(db: DatabaseSync): Record<"revoke" | "get" | "prune", StatementSync> {
  let q = statements.get(db);
  if (!q) {
    q = {
      // Inserts, or takes over a row whose revocation has expired; leaves a live one alone.
      revoke: db.prepare(`INSERT INTO revocations (id, until) VALUES (?, ?)
        ON CONFLICT (id) DO UPDATE SET until = excluded.until WHERE revocations.until <= ?`),
      get: db.prepare("SELECT until FROM revocations WHERE id = ?"),
      prune: db.prepare("DELETE FROM revocations WHERE until <= ?"),
    };
    statements.set(db, q);
  }
  return q;
}

/**
 * Revokes `id` until `untilMs`.
 *
 * @returns true when this call revoked it; false when a live revocation already existed
 */
export function revokeRow(db: DatabaseSync, id: string, untilMs: number, nowMs: number): boolean {
  return Number(prepared(db).revoke.run(id, untilMs, nowMs).changes) === 1;
}

/** Whether `id` has a revocation that lasts past `nowMs`. */
export function isRevokedRow(db: DatabaseSync, id: string, nowMs: number): boolean {
  const row = prepared(db).get.get(id);
  return row !== undefined && Number(row.until) > nowMs;
}

/** Deletes revocations that ended by `nowMs`; returns how many. */
export function pruneRevokedRows(db: DatabaseSync, nowMs: number): number {
  return Number(prepared(db).prune.run(nowMs).changes);
}
