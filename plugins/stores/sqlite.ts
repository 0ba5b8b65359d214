/**
 * The default store: one SQLite file through `node:sqlite` (built into Deno), in WAL mode, with
 * schema migrations (sqlite_migrations.ts) applied on start. This module opens the file and
 * builds the store from one module per concern: dismissals and feedback (sqlite_feedback.ts),
 * the outbox (sqlite_outbox.ts), the event cache (sqlite_events.ts), status history
 * (sqlite_statuses.ts), batch runs (sqlite_batch_runs.ts), revocations (sqlite_revocations.ts),
 * snapshots (sqlite_snapshots.ts), exemptions and "this wasn't me" reports
 * (sqlite_exemptions.ts, sqlite_signin_reports.ts), the release-feed cache (sqlite_release_feeds.ts) and the rate
 * limits and leases shared by processes (sqlite_coordination.ts), all run
 * through one runner (sqlite_runner.ts).
 *
 * @module
 */
import { DatabaseSync } from "node:sqlite";
import type { Logger } from "../../engine/core/log.ts";
import type { Store } from "../../engine/core/store_ports.ts";
import { StoreError } from "./codec.ts";
import { sqliteBatchRuns } from "./sqlite_batch_runs.ts";
import { sqliteCoordination } from "./sqlite_coordination.ts";
import { sqliteDeviceRows } from "./sqlite_device_rows.ts";
import { sqliteEvents } from "./sqlite_events.ts";
import { sqliteFeedback } from "./sqlite_feedback.ts";
import { migrate, NewerSchemaError } from "./sqlite_migrations.ts";
import { sqliteNudges } from "./sqlite_nudges.ts";
import { sqliteExemptions } from "./sqlite_exemptions.ts";
import { sqliteSigninReports } from "./sqlite_signin_reports.ts";
import { sqliteOutbox } from "./sqlite_outbox.ts";
import { sqlitePersonReads } from "./sqlite_person_reads.ts";
import { sqliteReleaseFeeds } from "./sqlite_release_feeds.ts";
import { sqliteRevocations } from "./sqlite_revocations.ts";
import { sqliteRunner } from "./sqlite_runner.ts";
import { sqliteSnapshots } from "./sqlite_snapshots.ts";
import { sqliteStatuses } from "./sqlite_statuses.ts";
import { errorMessage } from "../../lib/error_message.ts";

/** Where the store lives when no path is configured. */
export const DEFAULT_SQLITE_PATH = "./data/stethoscope.db";

/** Options of {@link createSqliteStore}. */
export interface SqliteStoreOptions {
  /** The database file (its folder is created), or `:memory:`. Default `./data/stethoscope.db`. */
  path?: string;
  log: Logger;
  now?: () => Date;
  /** How long a write waits for another process's lock, in ms. Default 5000. */
  busyTimeoutMs?: number;
}

/**
 * Opens (creating and migrating if needed) the SQLite store.
 *
 * @param options file path, logger, clock
 * @returns the store; throws a `StoreError` naming the file when it cannot be opened or migrated
 * @example Opening an in-memory store for a test
 * ```ts
 * import assert from "node:assert/strict";
 * import { silentLogger } from "../../config/log.ts";
 * const store = await createSqliteStore({ path: ":memory:", log: silentLogger });
 * const at = new Date("2026-12-07T09:00:00Z");
 * const began = await store.statuses.observe([
 *   { device: "serial:C02X", practice: "firewall", status: "warn", since: at },
 * ]);
 * assert.deepEqual(began, new Map([["serial:C02X\u0000firewall", at]]));
 * await store.close();
 * ```
 */
export async function createSqliteStore(options: SqliteStoreOptions): Promise<Store> {
  const path = options.path ?? DEFAULT_SQLITE_PATH;
  const now = options.now ?? (() => new Date());
  const readOnly = path !== ":memory:" && await isReadOnlyFile(path);
  let db: DatabaseSync;
  try {
    if (path !== ":memory:") await Deno.mkdir(dirname(path), { recursive: true });
    db = new DatabaseSync(path, { readOnly });
    db.exec(`PRAGMA busy_timeout = ${Math.trunc(options.busyTimeoutMs ?? 5000)}`);
    db.exec("PRAGMA foreign_keys = ON");
    if (!readOnly) db.exec("PRAGMA journal_mode = WAL");
    migrate(db, { at: now() });
  } catch (error: unknown) {
    const fix = error instanceof NewerSchemaError
      ? "run the Stethoscope version that wrote it, or set another path"
      : "check that the folder exists and is writable by Stethoscope, or set another path";
    throw new StoreError(`Cannot open the store "${path}": ${errorMessage(error)}; ${fix}`, {
      cause: error,
    });
  }
  if (readOnly) {
    options.log.warn("store file is read-only: dismissals and feedback cannot be saved", { path });
  }
  const { run, close: closeMain } = sqliteRunner(db, path);
  // Rate-limit buckets and leases are written on every sign-in and API call: on their own
  // connection with synchronous = NORMAL, a commit does not wait for the disk (WAL stays safe
  // from corruption; a power cut may forget the last few tokens taken, which costs nothing).
  const coord = readOnly || path === ":memory:"
    ? { db, run, close: closeMain }
    : openCoordination();
  function openCoordination() {
    const other = new DatabaseSync(path);
    other.exec(`PRAGMA busy_timeout = ${Math.trunc(options.busyTimeoutMs ?? 5000)}`);
    other.exec("PRAGMA synchronous = NORMAL");
    const runner = sqliteRunner(other, path);
    return { db: other, run: runner.run, close: runner.close };
  }
  const close = async () => {
    await closeMain();
    await coord.close();
  };
  return {
    kind: "sqlite",
    feedback: sqliteFeedback(db, run),
    outbox: sqliteOutbox(db, run),
    events: sqliteEvents(db, run),
    statuses: sqliteStatuses(db, run),
    batchRuns: sqliteBatchRuns(db, run),
    revocations: sqliteRevocations(db, run),
    snapshots: sqliteSnapshots(db, run),
    releaseFeeds: sqliteReleaseFeeds(db, run),
    coordination: sqliteCoordination(coord.db, coord.run),
    nudges: sqliteNudges(db, run),
    deviceRows: sqliteDeviceRows(db, run),
    exemptions: sqliteExemptions(db, run),
    signinReports: sqliteSigninReports(db, run),
    personReads: sqlitePersonReads(db, run),
    close,
  };
}

async function isReadOnlyFile(path: string): Promise<boolean> {
  try {
    const info = await Deno.stat(path);
    return info.mode !== null && (info.mode & 0o222) === 0;
  } catch (error: unknown) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

function dirname(path: string): string {
  const i = Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\"));
  return i <= 0 ? (i === 0 ? "/" : ".") : path.slice(0, i);
}
