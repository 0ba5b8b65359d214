/**
 * Exemptions in the SQLite store (`exemptions`, migration 7 of `sqlite_migrations.ts`): one row
 * per exemption, never deleted — a revocation adds who, when and why to the row, so the table is
 * the audit trail of every grant and revocation.
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import type { Exemption, ExemptionStore } from "../../engine/view/exemptions.ts";
import { decodeExemption, encodeExemption } from "./security_codec.ts";
import type { Runner } from "./sqlite_runner.ts";

/** The table of exemptions (a migration). */
export const EXEMPTION_TABLE = `CREATE TABLE exemptions (
     id TEXT PRIMARY KEY, email TEXT NOT NULL, granted_at INTEGER NOT NULL,
     ends_at INTEGER NOT NULL, revoked INTEGER NOT NULL DEFAULT 0, body TEXT NOT NULL);
   CREATE INDEX exemptions_by_email ON exemptions (email, granted_at);
   CREATE INDEX exemptions_in_force ON exemptions (ends_at) WHERE revoked = 0;`;

/** In force at `?` (ms), granted at or after `?` (ms). */
const IN_FORCE = "revoked = 0 AND ends_at > ? AND granted_at >= ?";

const BY_EMAIL = "SELECT body FROM exemptions WHERE email = ? ORDER BY granted_at, id";

/**
 * A person's exemptions, read synchronously (`exemptionsFor`; a page view's person read has its
 * own arm in `sqlite_person_reads.ts`, in the same order).
 *
 * @param db the open, migrated database
 * @returns `ofPerson(folded email)`: every exemption granted for them, oldest first
 */
function sqliteExemptionReads(db: DatabaseSync): { ofPerson(email: string): Exemption[] } {
  const byEmail = db.prepare(BY_EMAIL);
  return { ofPerson: (email) => byEmail.all(email).map((r) => decodeExemption(String(r.body))) };
}

/**
 * The exemption methods of the SQLite store.
 *
 * @param db the open, migrated database
 * @param run the store's runner
 * @returns the {@link ExemptionStore} methods
 */
export function sqliteExemptions(db: DatabaseSync, run: Runner): ExemptionStore {
  const q = {
    insert: db.prepare(`INSERT INTO exemptions (id, email, granted_at, ends_at, revoked, body)
      VALUES (?, ?, ?, ?, 0, ?)`),
    get: db.prepare("SELECT body FROM exemptions WHERE id = ?"),
    revoke: db.prepare(`UPDATE exemptions SET revoked = 1, ends_at = MIN(ends_at, ?), body = ?
      WHERE id = ? AND revoked = 0`),
    byEnd: db.prepare(`SELECT body FROM exemptions WHERE ${IN_FORCE}
      ORDER BY ends_at, granted_at, id LIMIT ? OFFSET ?`),
    byGrant: db.prepare(`SELECT body FROM exemptions WHERE ${IN_FORCE}
      ORDER BY granted_at, ends_at, id LIMIT ? OFFSET ?`),
    countActive: db.prepare(`SELECT count(*) AS n FROM exemptions WHERE ${IN_FORCE}`),
  };
  const reads = sqliteExemptionReads(db);
  const one = (id: string) => {
    const row = q.get.get(id);
    return row === undefined ? null : decodeExemption(String(row.body));
  };
  return {
    grantExemption(e: Exemption): Promise<void> {
      return run("grant an exemption", () => {
        q.insert.run(
          e.id,
          e.email,
          e.grantedAt.getTime(),
          e.expiresAt.getTime(),
          encodeExemption(e),
        );
      });
    },

    revokeExemption(id, revocation) {
      return run("revoke an exemption", () => {
        const found = one(id);
        if (found === null || found.revoked) return null;
        const revoked: Exemption = { ...found, revoked: revocation };
        const changes = q.revoke.run(revocation.at.getTime(), encodeExemption(revoked), id).changes;
        return Number(changes) === 1 ? revoked : null;
      }, true);
    },

    exemption(id) {
      return run("read an exemption", () => one(id));
    },

    exemptionsFor(email) {
      return run("read exemptions", () => reads.ofPerson(email));
    },

    activeExemptions(options) {
      const at = options.at.getTime();
      const from = options.grantedFrom?.getTime() ?? Number.MIN_SAFE_INTEGER;
      const list = options.order === "granted" ? q.byGrant : q.byEnd;
      // one read transaction: the page and its total agree
      return run("read exemptions", () => ({
        exemptions: options.limit === 0 ? [] : list.all(at, from, options.limit, options.offset)
          .map((r) => decodeExemption(String(r.body))),
        total: Number(q.countActive.get(at, from)!.n),
      }), "read");
    },
  };
}
