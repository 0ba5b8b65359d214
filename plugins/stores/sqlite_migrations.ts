/**
 * The SQLite store's schema history: the ordered list of migrations and the runner that brings a
 * file up to date. Its one reason to change is a change of the tables (a new migration appended
 * at the end); the store's queries live in the per-concern `sqlite_*.ts` modules.
 *
 * The schema version of a file is `MAX(version)` of its `schema_version` table; migration `n`
 * (1-based) takes a file from version `n - 1` to `n` in its own transaction. A file is refused
 * by any Stethoscope older than its version ({@link NewerSchemaError}).
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import { errorMessage } from "../../lib/error_message.ts";
import { NUDGE_TABLES } from "./sqlite_nudges.ts";
import { DEVICE_ROW_TABLES } from "./sqlite_device_rows.ts";
import { EXEMPTION_TABLE } from "./sqlite_exemptions.ts";
import { REPORT_TABLE } from "./sqlite_signin_reports.ts";

/** Schema changes, in order; the index + 1 is the schema version. Never edit a released entry. */
export const MIGRATIONS: readonly string[] = [
  `CREATE TABLE dismissals (
     email TEXT NOT NULL, notification_id TEXT NOT NULL, dismissed_at INTEGER NOT NULL,
     PRIMARY KEY (email, notification_id));
   CREATE TABLE feedback (
     seq INTEGER PRIMARY KEY AUTOINCREMENT, email TEXT NOT NULL, notification_id TEXT NOT NULL,
     body TEXT NOT NULL, created_at INTEGER NOT NULL);
   CREATE INDEX feedback_by_email ON feedback (email, seq);
   CREATE TABLE outbox (
     id TEXT PRIMARY KEY, feedback_seq INTEGER NOT NULL REFERENCES feedback (seq),
     sink TEXT NOT NULL, email TEXT NOT NULL, body TEXT NOT NULL, created_at INTEGER NOT NULL,
     attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at INTEGER NOT NULL,
     delivered_at INTEGER, last_error TEXT);
   CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE delivered_at IS NULL;
   CREATE TABLE events (
     source TEXT NOT NULL, key TEXT NOT NULL, username TEXT NOT NULL, at INTEGER NOT NULL,
     body TEXT NOT NULL, PRIMARY KEY (source, key));
   CREATE INDEX events_by_user ON events (source, username, at);
   CREATE INDEX events_by_time ON events (at);
   CREATE TABLE status_observations (
     device TEXT NOT NULL, practice TEXT NOT NULL, status TEXT NOT NULL, since INTEGER NOT NULL,
     seen_at INTEGER NOT NULL, PRIMARY KEY (device, practice));
   CREATE TABLE batch_runs (id TEXT PRIMARY KEY, started_at INTEGER NOT NULL, body TEXT NOT NULL);
   CREATE INDEX batch_runs_by_start ON batch_runs (started_at);`,
  // 2 (issue 12): signed-out session ids and used sign-in states, see sqlite_revocations.ts
  `CREATE TABLE revocations (
     id TEXT PRIMARY KEY, until INTEGER NOT NULL);
   CREATE INDEX revocations_by_until ON revocations (until);`,
  // 3 (issue 13): per-person snapshots, see sqlite_snapshots.ts
  `CREATE TABLE snapshots (
     email TEXT PRIMARY KEY, collected_at INTEGER NOT NULL, seen_at INTEGER NOT NULL,
     body TEXT NOT NULL);
   CREATE INDEX snapshots_by_seen ON snapshots (seen_at);`,
  // 4 (issue 27): the nudge ledger, see sqlite_nudges.ts
  NUDGE_TABLES,
  // 5 (issue 23): the release-feed cache, see sqlite_release_feeds.ts. From issue 15 until this
  // migration the store created the table on first use, so a file may have it already.
  `CREATE TABLE IF NOT EXISTS release_feeds (
     name TEXT PRIMARY KEY, fetched_at INTEGER NOT NULL, body TEXT NOT NULL);`,
  // 6 (issue 26): the devices behind the Dashboard's numbers, see sqlite_device_rows.ts
  DEVICE_ROW_TABLES,
  // 7 (issue 26): exemptions and "this wasn't me" reports, see sqlite_exemptions.ts and
  // sqlite_signin_reports.ts
  `${EXEMPTION_TABLE}
${REPORT_TABLE}`,
  // 8 (issue 24): the devices each person's last recorded view observed, so one read answers a
  // page view's status history, see sqlite_statuses.ts and sqlite_person_reads.ts
  `CREATE TABLE person_devices (
     email TEXT PRIMARY KEY, devices TEXT NOT NULL, updated_at INTEGER NOT NULL);`,
  // 9 (issue 24): the status history WITHOUT ROWID, its rows kept: every page view with history
  // reads a person's rows by device, which then costs one search of the primary key per device
  // rather than the key's index and the rowid table (~25 % of that read's CPU)
  `CREATE TABLE status_observations_9 (
     device TEXT NOT NULL, practice TEXT NOT NULL, status TEXT NOT NULL, since INTEGER NOT NULL,
     seen_at INTEGER NOT NULL, PRIMARY KEY (device, practice)) WITHOUT ROWID;
   INSERT INTO status_observations_9 (device, practice, status, since, seen_at)
     SELECT device, practice, status, since, seen_at FROM status_observations;
   DROP TABLE status_observations;
   ALTER TABLE status_observations_9 RENAME TO status_observations;`,
];

/** A file written by a newer Stethoscope: its schema version is past the last migration known. */
export class NewerSchemaError extends RangeError {
  override name = "NewerSchemaError";
  /** The file's schema version. */
  readonly found: number;
  /** The newest version this code knows (the length of the migration list). */
  readonly known: number;

  constructor(found: number, known: number) {
    super(`the file has schema version ${found}, newer than this Stethoscope (${known})`);
    this.found = found;
    this.known = known;
  }
}

/** Options of {@link migrate}. */
export interface MigrateOptions {
  /** Recorded as `applied_at` (ISO-8601) of each migration applied. */
  at: Date;
  /** The migration list; default {@link MIGRATIONS} (tests pass a prefix to build old files). */
  migrations?: readonly string[];
}

/**
 * Applies the migrations the file has not seen yet, each in its own `BEGIN IMMEDIATE`
 * transaction, recording each version in `schema_version` (created if missing).
 *
 * @param db an open, writable database (a read-only one works only when already up to date)
 * @param options the time to record, and the list to apply
 * @returns the schema version of the file afterwards (the list's length)
 * @throws {NewerSchemaError} when the file's version is past the end of the list; nothing is
 *   changed then
 * @throws {Error} `migration N failed: …` when a migration fails; that migration is rolled back,
 *   the ones before it stay applied
 * @example Bringing an in-memory database up to date
 * ```ts
 * import assert from "node:assert/strict";
 * import { DatabaseSync } from "node:sqlite";
 * const db = new DatabaseSync(":memory:");
 * assert.equal(migrate(db, { at: new Date() }), MIGRATIONS.length);
 * assert.equal(migrate(db, { at: new Date() }), MIGRATIONS.length); // nothing left to run
 * ```
 */
export function migrate(db: DatabaseSync, options: MigrateOptions): number {
  const migrations = options.migrations ?? MIGRATIONS;
  db.exec(
    "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied_at TEXT)",
  );
  const row = db.prepare("SELECT MAX(version) AS v FROM schema_version").get();
  const current = Number(row?.v ?? 0);
  if (current > migrations.length) throw new NewerSchemaError(current, migrations.length);
  for (let version = current + 1; version <= migrations.length; version++) {
    db.exec("BEGIN IMMEDIATE");
    try {
      db.exec(migrations[version - 1]!);
      db.prepare("INSERT INTO schema_version (version, applied_at) VALUES (?, ?)")
        .run(version, options.at.toISOString());
      db.exec("COMMIT");
    } catch (error: unknown) {
      db.exec("ROLLBACK");
      throw new Error(`migration ${version} failed: ${errorMessage(error)}`, { cause: error });
    }
  }
  return migrations.length;
}
