/**
 * The default store: one SQLite file through `node:sqlite` (built into Deno), in WAL mode, with
 * schema migrations (sqlite_migrations.ts) applied on start. Holds dismissals, feedback and its outbox, the event cache,
 * status history and batch runs, and revocations (sqlite_revocations.ts).
 *
 * @module
 */
import { DatabaseSync, type SQLInputValue, type StatementSync } from "node:sqlite";
import type { Logger } from "../../config/log.ts";
import type {
  BatchRunSummary,
  OutboxItem,
  ReleaseFeedCopy,
  StatusObservation,
  Store,
} from "../../engine/ports.ts";
import type { AccessEvent, Feedback } from "../../engine/types.ts";
import {
  decodeBatchRun,
  decodeEvent,
  decodeFeedback,
  encodeBatchRun,
  encodeEvent,
  eventKey,
  observationKey,
  pickFeedback,
  reason,
  StoreError,
} from "./codec.ts";
import { migrate, NewerSchemaError } from "./sqlite_migrations.ts";
import { isRevokedRow, pruneRevokedRows, revokeRow } from "./sqlite_revocations.ts";
import { sqliteSnapshots } from "./sqlite_snapshots.ts";
import type { PersonSnapshot, SnapshotStore } from "../../engine/snapshots.ts";

/** Where the store lives when no path is configured. */
export const DEFAULT_SQLITE_PATH = "./data/stethoscope.db";

/** How stale `status_observations.seen_at` may get before an unchanged observation rewrites it. */
const SEEN_REFRESH_MS = 3_600_000;

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
 * const store = await createSqliteStore({ path: ":memory:", log: silentLogger });
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
    throw new StoreError(`Cannot open the store "${path}": ${reason(error)}; ${fix}`, {
      cause: error,
    });
  }
  if (readOnly) {
    options.log.warn("store file is read-only: dismissals and feedback cannot be saved", { path });
  }
  return new SqliteStore(db, path);
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

type Row = Record<string, unknown>;

class SqliteStore implements Store {
  readonly kind = "sqlite";
  readonly #db: DatabaseSync;
  readonly #path: string;
  readonly #q: Record<string, StatementSync>;
  readonly #snapshots: SnapshotStore;
  #closed = false;

  constructor(db: DatabaseSync, path: string) {
    this.#db = db;
    this.#path = path;
    const p = (sql: string) => db.prepare(sql);
    this.#q = {
      dismiss: p(`INSERT INTO dismissals (email, notification_id, dismissed_at) VALUES (?, ?, ?)
        ON CONFLICT (email, notification_id) DO NOTHING`),
      dismissed: p("SELECT notification_id FROM dismissals WHERE email = ?"),
      feedback: p(`INSERT INTO feedback (email, notification_id, body, created_at)
        VALUES (?, ?, ?, ?)`),
      enqueue: p(`INSERT INTO outbox (id, feedback_seq, sink, email, body, created_at,
        next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, ?)`),
      answers: p("SELECT notification_id, body FROM feedback WHERE email = ? ORDER BY seq"),
      due: p(`SELECT * FROM outbox WHERE delivered_at IS NULL AND next_attempt_at <= ?
        ORDER BY next_attempt_at, created_at, id LIMIT ?`),
      delivered: p("UPDATE outbox SET delivered_at = ? WHERE id = ? AND delivered_at IS NULL"),
      failed: p(`UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, last_error = ?
        WHERE id = ? AND delivered_at IS NULL`),
      depth: p("SELECT COUNT(*) AS n FROM outbox WHERE delivered_at IS NULL"),
      putEvent: p(`INSERT INTO events (source, key, username, at, body) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (source, key) DO UPDATE SET username = excluded.username, at = excluded.at,
        body = excluded.body`),
      eventsFor: p(`SELECT body FROM events WHERE source = ? AND username = ? AND at >= ?
        ORDER BY at DESC`),
      latestEvent: p("SELECT MAX(at) AS at FROM events WHERE source = ?"),
      prune: p("DELETE FROM events WHERE at < ?"),
      getStatus: p(
        "SELECT status, since, seen_at FROM status_observations WHERE device = ? AND practice = ?",
      ),
      putStatus: p(`INSERT INTO status_observations (device, practice, status, since, seen_at)
        VALUES (?, ?, ?, ?, ?) ON CONFLICT (device, practice) DO UPDATE SET
        status = excluded.status, since = excluded.since, seen_at = excluded.seen_at`),
      seenStatus: p("UPDATE status_observations SET seen_at = ? WHERE device = ? AND practice = ?"),
      saveRun: p(`INSERT INTO batch_runs (id, started_at, body) VALUES (?, ?, ?)
        ON CONFLICT (id) DO UPDATE SET started_at = excluded.started_at, body = excluded.body`),
      runs: p("SELECT body FROM batch_runs ORDER BY started_at DESC, id DESC LIMIT ?"),
    };
    this.#snapshots = sqliteSnapshots(db, (what, fn) => this.#run(what, fn));
  }

  /** Runs one store operation; any SQLite failure rejects with a `StoreError` that says what. */
  #run<T>(what: string, fn: () => T, transaction = false): Promise<T> {
    if (this.#closed) {
      return Promise.reject(new StoreError(`Cannot ${what}: the store "${this.#path}" is closed`));
    }
    try {
      if (!transaction) return Promise.resolve(fn());
      this.#db.exec("BEGIN IMMEDIATE");
      try {
        const value = fn();
        this.#db.exec("COMMIT");
        return Promise.resolve(value);
      } catch (error: unknown) {
        if (this.#db.isTransaction) this.#db.exec("ROLLBACK");
        throw error;
      }
    } catch (error: unknown) {
      const message = `Cannot ${what} in the store "${this.#path}": ${explain(error)}`;
      return Promise.reject(new StoreError(message, { cause: error }));
    }
  }

  #stmt(name: string): StatementSync {
    return this.#q[name]!;
  }

  dismiss(email: string, notificationId: string, at: Date): Promise<void> {
    return this.#run("save a dismissal", () => {
      this.#stmt("dismiss").run(email, notificationId, at.getTime());
    });
  }

  dismissed(email: string): Promise<Set<string>> {
    return this.#run("read dismissals", () => {
      const rows = this.#stmt("dismissed").all(email);
      return new Set(rows.map((r) => String(r.notification_id)));
    });
  }

  recordFeedback(
    email: string,
    feedback: Feedback,
    options: { sinks: string[]; at: Date },
  ): Promise<void> {
    const body = JSON.stringify(pickFeedback(feedback));
    const at = options.at.getTime();
    return this.#run("record feedback", () => {
      const { lastInsertRowid } = this.#stmt("feedback").run(email, feedback.id, body, at);
      for (const sink of options.sinks) {
        this.#stmt("enqueue").run(crypto.randomUUID(), lastInsertRowid, sink, email, body, at, at);
      }
    }, true);
  }

  answers(email: string): Promise<Map<string, string>> {
    return this.#run("read answers", () => {
      const map = new Map<string, string>();
      for (const r of this.#stmt("answers").all(email)) {
        map.set(String(r.notification_id), decodeFeedback(String(r.body)).feedback);
      }
      return map;
    });
  }

  dueOutbox(now: Date, limit: number): Promise<OutboxItem[]> {
    return this.#run(
      "read the outbox",
      () => this.#stmt("due").all(now.getTime(), limit).map(toOutboxItem),
    );
  }

  markDelivered(id: string, at: Date): Promise<void> {
    return this.#run("mark an outbox item delivered", () => {
      this.#stmt("delivered").run(at.getTime(), id);
    });
  }

  markFailed(id: string, options: { nextAttemptAt: Date; error: string }): Promise<void> {
    return this.#run("mark an outbox item failed", () => {
      this.#stmt("failed").run(options.nextAttemptAt.getTime(), options.error, id);
    });
  }

  outboxDepth(): Promise<number> {
    return this.#run("count the outbox", () => Number(this.#stmt("depth").get()?.n ?? 0));
  }

  putEvents(source: string, events: AccessEvent[]): Promise<void> {
    return this.#run("cache events", () => {
      for (const e of events) {
        this.#stmt("putEvent")
          .run(source, eventKey(e), e.username ?? "", e.timestamp.getTime(), encodeEvent(e));
      }
    }, true);
  }

  eventsFor(source: string, username: string, since: Date): Promise<AccessEvent[]> {
    return this.#run(
      "read cached events",
      () =>
        this.#stmt("eventsFor").all(source, username, since.getTime())
          .map((r) => decodeEvent(String(r.body))),
    );
  }

  latestEventTime(source: string): Promise<Date | null> {
    return this.#run("read cached events", () => {
      const at = this.#stmt("latestEvent").get(source)?.at;
      return at === null || at === undefined ? null : new Date(Number(at));
    });
  }

  pruneEvents(before: Date): Promise<number> {
    return this.#run(
      "prune cached events",
      () => Number(this.#stmt("prune").run(before.getTime()).changes),
    );
  }

  observe(observations: StatusObservation[]): Promise<Map<string, Date>> {
    // A page view whose statuses have not changed (the common case) is answered by reads alone:
    // no write lock, no WAL commit and its fsync, which blocked the event loop for 0.95–3.4 ms
    // per Devices or Overview view on a busy disk (bench/README.md). `seen_at` is then refreshed
    // at most every SEEN_REFRESH_MS.
    const unchanged = this.#run("read practice statuses", () => {
      const out = new Map<string, Date>();
      for (const o of observations) {
        const prev = this.#stmt("getStatus").get(o.device, o.practice) as Row | undefined;
        if (
          prev === undefined || prev.status !== o.status ||
          o.since.getTime() - Number(prev.seen_at) >= SEEN_REFRESH_MS
        ) return null;
        out.set(observationKey(o.device, o.practice), new Date(Number(prev.since)));
      }
      return out;
    });
    return unchanged.then((out) => out ?? this.#record(observations));
  }

  #record(observations: StatusObservation[]): Promise<Map<string, Date>> {
    return this.#run("record practice statuses", () => {
      const out = new Map<string, Date>();
      for (const o of observations) {
        const seen = o.since.getTime();
        const prev = this.#stmt("getStatus").get(o.device, o.practice) as Row | undefined;
        let since = seen;
        if (prev !== undefined && prev.status === o.status) {
          since = Number(prev.since);
          this.#stmt("seenStatus").run(seen, o.device, o.practice);
        } else {
          this.#stmt("putStatus").run(o.device, o.practice, o.status, seen, seen);
        }
        out.set(observationKey(o.device, o.practice), new Date(since));
      }
      return out;
    }, true);
  }

  saveBatchRun(run: BatchRunSummary): Promise<void> {
    const args: SQLInputValue[] = [run.id, run.startedAt.getTime(), encodeBatchRun(run)];
    return this.#run("save a batch run", () => {
      this.#stmt("saveRun").run(...args);
    });
  }

  batchRuns(limit: number): Promise<BatchRunSummary[]> {
    return this.#run(
      "read batch runs",
      () => this.#stmt("runs").all(limit).map((r) => decodeBatchRun(String(r.body))),
    );
  }

  // ---- revocations (sqlite_revocations.ts) ----
  revoke(id: string, options: { until: Date; now: Date }): Promise<boolean> {
    const until = options.until.getTime();
    return this.#run(
      "revoke a session",
      () => revokeRow(this.#db, id, until, options.now.getTime()),
    );
  }

  isRevoked(id: string, now: Date): Promise<boolean> {
    return this.#run("read revoked sessions", () => isRevokedRow(this.#db, id, now.getTime()));
  }

  pruneRevoked(now: Date): Promise<number> {
    return this.#run("prune revoked sessions", () => pruneRevokedRows(this.#db, now.getTime()));
  }

  // ---- snapshots (issue 13): see sqlite_snapshots.ts ----
  putSnapshot(snapshot: PersonSnapshot): Promise<void> {
    return this.#snapshots.putSnapshot(snapshot);
  }
  snapshot(email: string): ReturnType<SnapshotStore["snapshot"]> {
    return this.#snapshots.snapshot(email);
  }
  markSnapshotSeen(email: string, at: Date): Promise<void> {
    return this.#snapshots.markSnapshotSeen(email, at);
  }
  pruneSnapshots(before: Date): Promise<number> {
    return this.#snapshots.pruneSnapshots(before);
  }
  snapshotCount(): Promise<number> {
    return this.#snapshots.snapshotCount();
  }

  // --- release-feed cache (its table is created on first use, outside the migrations) ---

  #releaseTable = false;

  #releaseFeeds(): void {
    if (this.#releaseTable) return;
    this.#db.exec(`CREATE TABLE IF NOT EXISTS release_feeds (
      name TEXT PRIMARY KEY, fetched_at INTEGER NOT NULL, body TEXT NOT NULL)`);
    this.#releaseTable = true;
  }

  releaseFeed(name: string): Promise<ReleaseFeedCopy | null> {
    return this.#run("read a release feed", () => {
      this.#releaseFeeds();
      const r = this.#db.prepare("SELECT fetched_at, body FROM release_feeds WHERE name = ?")
        .get(name);
      if (!r) return null;
      return { name, fetchedAt: new Date(Number(r.fetched_at)), body: String(r.body) };
    });
  }

  putReleaseFeed(copy: ReleaseFeedCopy): Promise<void> {
    return this.#run("save a release feed", () => {
      this.#releaseFeeds();
      this.#db.prepare(`INSERT INTO release_feeds (name, fetched_at, body) VALUES (?, ?, ?)
        ON CONFLICT (name) DO UPDATE SET fetched_at = excluded.fetched_at, body = excluded.body`)
        .run(copy.name, copy.fetchedAt.getTime(), copy.body);
    });
  }

  close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      this.#db.close();
    }
    return Promise.resolve();
  }
}

function toOutboxItem(r: Row): OutboxItem {
  const item: OutboxItem = {
    id: String(r.id),
    sink: String(r.sink),
    email: String(r.email),
    feedback: decodeFeedback(String(r.body)),
    createdAt: new Date(Number(r.created_at)),
    attempts: Number(r.attempts),
    nextAttemptAt: new Date(Number(r.next_attempt_at)),
  };
  if (typeof r.last_error === "string") item.lastError = r.last_error;
  return item;
}

/** SQLite's words plus what an operator can do about the common cases. */
function explain(error: unknown): string {
  const text = reason(error);
  if (/readonly/i.test(text)) return `${text} (the file is read-only; make it writable)`;
  if (/disk is full|SQLITE_FULL/i.test(text)) return `${text} (free disk space)`;
  if (/locked|busy/i.test(text)) return `${text} (another process holds the lock)`;
  return text;
}
