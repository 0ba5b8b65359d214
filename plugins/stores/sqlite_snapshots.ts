/**
 * Per-person snapshots in the SQLite store (issue 13): one row per person, keyed by the
 * lower-cased email, with the collection time, the last time the person was seen and the snapshot
 * body as JSON text (`snapshot_codec.ts`). Reading a snapshot reads one row; deleting unseen
 * people uses the `seen_at` index. The table is migration 3 of `sqlite_migrations.ts`.
 *
 * @module
 */
import type { DatabaseSync, StatementSync } from "node:sqlite";
import type {
  PersonSnapshot,
  SnapshotStamp,
  SnapshotStore,
  StoredSnapshot,
} from "../../engine/view/snapshots.ts";
import { encodeSnapshotBody, seenOf, stampOf, storedSnapshotOf } from "./snapshot_codec.ts";
import { foldEmail } from "../../engine/identity/emails.ts";
import type { Runner } from "./sqlite_runner.ts";

/**
 * A person's snapshot stamp, read synchronously (`snapshotStamp`; a page view's person read has its
 * own arm in `sqlite_person_reads.ts`): the stored text is the version, decoded only when asked (every page view reads this).
 *
 * @param db the open, migrated database
 * @returns `stamp(email)`, keyed case-insensitively; `null` when there is no snapshot
 */
function sqliteSnapshotReads(
  db: DatabaseSync,
): { stamp(email: string): SnapshotStamp | null } {
  let get: StatementSync | undefined;
  return {
    stamp(email) {
      const key = foldEmail(email);
      get ??= db.prepare(GET);
      const row = get.get(key);
      return row === undefined ? null : stampOf(row, key);
    },
  };
}

const GET = "SELECT collected_at, seen_at, body FROM snapshots WHERE email = ?";

/**
 * The snapshot methods of the SQLite store, over its database and error handling.
 *
 * @param db the open, migrated database
 * @param run the store's runner (closed-store check and error wording)
 * @returns the `SnapshotStore` methods
 */
export function sqliteSnapshots(db: DatabaseSync, run: Runner): SnapshotStore {
  let q: Record<string, StatementSync> | undefined;
  const reads = sqliteSnapshotReads(db);
  const stmt = (name: string): StatementSync => {
    q ??= {
      put: db.prepare(
        `INSERT INTO snapshots (email, collected_at, seen_at, body) VALUES (?, ?, ?, ?)
        ON CONFLICT (email) DO UPDATE SET collected_at = excluded.collected_at,
        seen_at = MAX(snapshots.seen_at, excluded.seen_at), body = excluded.body`,
      ),
      get: db.prepare(GET),
      seen: db.prepare("UPDATE snapshots SET seen_at = MAX(seen_at, ?) WHERE email = ?"),
      prune: db.prepare("DELETE FROM snapshots WHERE seen_at < ?"),
      count: db.prepare("SELECT COUNT(*) AS n FROM snapshots"),
    };
    return q[name]!;
  };
  return {
    putSnapshot(s: PersonSnapshot) {
      const at = s.collectedAt.getTime();
      const body = encodeSnapshotBody(s);
      return run("save a snapshot", () => {
        stmt("put").run(foldEmail(s.email), at, seenOf(s), body);
      });
    },
    putSnapshots(list: PersonSnapshot[]) {
      const rows = list.map((s) =>
        [foldEmail(s.email), s.collectedAt.getTime(), seenOf(s), encodeSnapshotBody(s)] as const
      );
      return run("save snapshots", () => {
        for (const row of rows) stmt("put").run(...row);
      }, true);
    },
    snapshot(email: string) {
      return run("read a snapshot", (): StoredSnapshot | null => {
        const key = foldEmail(email);
        const row = stmt("get").get(key);
        return row === undefined ? null : storedSnapshotOf(key, row);
      });
    },
    snapshotStamp(email: string) {
      return run("read a snapshot", () => reads.stamp(email));
    },
    markSnapshotSeen(email: string, at: Date) {
      return run("mark a snapshot seen", () => {
        stmt("seen").run(at.getTime(), foldEmail(email));
      });
    },
    pruneSnapshots(before: Date) {
      return run("delete old snapshots", () => Number(stmt("prune").run(before.getTime()).changes));
    },
    snapshotCount() {
      return run("count snapshots", () => Number(stmt("count").get()?.n ?? 0));
    },
  };
}
