/**
 * The person read of the SQLite store (issue 24): a page view's snapshot, status history,
 * dismissals and answers in one read transaction, each from its concern's own query
 * (`sqlite_snapshots.ts`, `sqlite_statuses.ts`, `sqlite_feedback.ts`, `sqlite_exemptions.ts`). A
 * concern a page view comes to need adds one part here.
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import type { PersonRead, PersonReadStore } from "../../engine/core/store_ports.ts";
import { foldEmail } from "../../engine/identity/emails.ts";
import { sqliteExemptionReads } from "./sqlite_exemptions.ts";
import { sqliteFeedbackReads } from "./sqlite_feedback.ts";
import type { Runner } from "./sqlite_runner.ts";
import { sqliteSnapshotReads } from "./sqlite_snapshots.ts";
import { sqliteStatusReads } from "./sqlite_statuses.ts";

/**
 * The person read of the SQLite store.
 *
 * @param db the open, migrated database
 * @param run the store's runner
 * @returns `read(email, options)`: one read transaction; a `StoreError` when the file cannot be
 *   read
 */
export function sqlitePersonReads(db: DatabaseSync, run: Runner): PersonReadStore {
  const snapshots = sqliteSnapshotReads(db);
  const statuses = sqliteStatusReads(db);
  const feedback = sqliteFeedbackReads(db);
  const exemptions = sqliteExemptionReads(db);
  return {
    read(email, options) {
      return run("read a person's page data", (): PersonRead => ({
        snapshot: snapshots.stamp(email),
        statuses: options?.statuses === false ? new Map() : statuses.ofPerson(foldEmail(email)),
        dismissed: feedback.dismissed(email),
        answers: feedback.answers(email),
        exemptions: exemptions.ofPerson(foldEmail(email)),
      }), "read");
    },
  };
}
