/**
 * What the processes sharing one SQLite file coordinate through (issue 24): per-key token
 * buckets (`rate_buckets`: the per-address rate limits hold for all of them together) and leases
 * (`leases`: one Duo poller among them). A bucket is read and written in one `BEGIN IMMEDIATE`
 * transaction, which takes the file's write lock first (other processes wait up to the busy
 * timeout), so two processes never both spend the last token; a lease is one conditional upsert.
 * The tables are created on first use, outside the migrations (`sqlite_migrations.ts` says why).
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import type { CoordinationStore, Rate } from "../../engine/core/store_ports.ts";
import { takeToken } from "../../lib/token_bucket.ts";
import type { Runner } from "./sqlite_runner.ts";

/** Every this many takes, buckets that are full again (no different from no row) are deleted. */
const PRUNE_EVERY = 500;

/**
 * The coordination methods of the SQLite store.
 *
 * @param db the open database
 * @param run the store's runner
 * @returns `takeToken`, `takeLease` and `releaseLease` (see `CoordinationStore`)
 */
export function sqliteCoordination(db: DatabaseSync, run: Runner): CoordinationStore {
  let q: ReturnType<typeof prepare> | undefined;
  let takes = 0;
  function prepare() {
    db.exec(`CREATE TABLE IF NOT EXISTS rate_buckets (
        key TEXT PRIMARY KEY, tokens REAL NOT NULL, at INTEGER NOT NULL, full_at INTEGER NOT NULL);
      CREATE INDEX IF NOT EXISTS rate_buckets_by_full ON rate_buckets (full_at);
      CREATE TABLE IF NOT EXISTS leases (
        name TEXT PRIMARY KEY, holder TEXT NOT NULL, until INTEGER NOT NULL)`);
    return {
      bucket: db.prepare("SELECT tokens, at FROM rate_buckets WHERE key = ?"),
      putBucket: db.prepare(`INSERT INTO rate_buckets (key, tokens, at, full_at) VALUES (?, ?, ?, ?)
        ON CONFLICT (key) DO UPDATE SET tokens = excluded.tokens, at = excluded.at,
          full_at = excluded.full_at`),
      prune: db.prepare("DELETE FROM rate_buckets WHERE full_at <= ?"),
      // Takes a free or expired lease, or renews one's own; leaves another's live lease alone.
      lease: db.prepare(`INSERT INTO leases (name, holder, until) VALUES (?, ?, ?)
        ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, until = excluded.until
        WHERE leases.holder = excluded.holder OR leases.until <= ?`),
      release: db.prepare("DELETE FROM leases WHERE name = ? AND holder = ?"),
    };
  }
  const statements = () => q ??= prepare();
  return {
    takeToken(key: string, rate: Rate, now: Date): Promise<number> {
      return run("take a rate-limit token", () => {
        const s = statements();
        const nowMs = now.getTime();
        const row = s.bucket.get(key);
        const old = row ? { tokens: Number(row.tokens), at: Number(row.at) } : undefined;
        const { bucket, wait, fullAt } = takeToken(old, rate, nowMs);
        s.putBucket.run(key, bucket.tokens, bucket.at, fullAt);
        if (++takes % PRUNE_EVERY === 0) s.prune.run(nowMs);
        return wait;
      }, true);
    },

    takeLease(name: string, holder: string, options: { until: Date; now: Date }) {
      return run("take a lease", () => {
        const { until, now } = options;
        const changed = statements().lease.run(name, holder, until.getTime(), now.getTime());
        return Number(changed.changes) === 1;
      });
    },

    releaseLease(name: string, holder: string): Promise<void> {
      return run("release a lease", () => {
        statements().release.run(name, holder);
      });
    },
  };
}
