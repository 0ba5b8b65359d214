/**
 * Status history in the SQLite store (`status_observations`): per device and practice, the status
 * last seen, since when it has held, and when it was last seen. Its one reason to change is how
 * "failing since" is remembered.
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import type { StatusObservation, StatusStore } from "../../engine/core/store_ports.ts";
import { observationKey } from "../../engine/view/since.ts";
import type { Runner } from "./sqlite_runner.ts";

/** How stale `status_observations.seen_at` may get before an unchanged observation rewrites it. */
const SEEN_REFRESH_MS = 3_600_000;

type Row = Record<string, unknown>;

/**
 * The status-history method of the SQLite store.
 *
 * @param db the open, migrated database
 * @param run the store's runner
 * @returns `observe`: per `device\u0000practice`, when the observed status began (kept while the
 *   status holds, reset to the observation's `since` when it changes)
 */
export function sqliteStatuses(db: DatabaseSync, run: Runner): StatusStore {
  const q = {
    // every practice of the devices asked, in one query (one per observation was 8 % of a page
    // view's CPU for a person with several devices, issue 24)
    of: db.prepare(
      `SELECT device, practice, status, since, seen_at FROM status_observations
       WHERE device IN (SELECT value FROM json_each(?))`,
    ),
    put: db.prepare(`INSERT INTO status_observations (device, practice, status, since, seen_at)
      VALUES (?, ?, ?, ?, ?) ON CONFLICT (device, practice) DO UPDATE SET
      status = excluded.status, since = excluded.since, seen_at = excluded.seen_at`),
    seen: db.prepare(
      "UPDATE status_observations SET seen_at = ? WHERE device = ? AND practice = ?",
    ),
  };

  // rows as arrays: node:sqlite's row objects made reading them most of observe()'s cost
  (q.of as unknown as { setReturnArrays(on: boolean): void }).setReturnArrays(true);

  /** The stored rows of the observed devices, by `device\u0000practice`. */
  function previous(observations: StatusObservation[]): Map<string, Row> {
    const devices = [...new Set(observations.map((o) => o.device))];
    const rows = new Map<string, Row>();
    if (devices.length === 0) return rows;
    for (const row of q.of.all(JSON.stringify(devices)) as unknown as unknown[][]) {
      const [device, practice, status, since, seen_at] = row;
      rows.set(observationKey(String(device), String(practice)), { status, since, seen_at });
    }
    return rows;
  }

  function record(observations: StatusObservation[]): Promise<Map<string, Date>> {
    return run("record practice statuses", () => {
      const out = new Map<string, Date>();
      const rows = previous(observations);
      for (const o of observations) {
        const seen = o.since.getTime();
        const key = observationKey(o.device, o.practice);
        const prev = rows.get(key);
        let since = seen;
        if (prev !== undefined && prev.status === o.status) {
          since = Number(prev.since);
          q.seen.run(seen, o.device, o.practice);
        } else {
          q.put.run(o.device, o.practice, o.status, seen, seen);
        }
        // a later observation of the same pair in this call sees this one, as the table would
        rows.set(key, { status: o.status, since, seen_at: seen });
        out.set(key, new Date(since));
      }
      return out;
    }, true);
  }

  return {
    observe(observations: StatusObservation[]): Promise<Map<string, Date>> {
      // A page view whose statuses have not changed (the common case) is answered by reads alone:
      // no write lock, no WAL commit and its fsync, which blocked the event loop for 0.95–3.4 ms
      // per Devices or Overview view on a busy disk (bench/README.md). `seen_at` is then
      // refreshed at most every SEEN_REFRESH_MS.
      const unchanged = run("read practice statuses", () => {
        const out = new Map<string, Date>();
        const rows = previous(observations);
        for (const o of observations) {
          const prev = rows.get(observationKey(o.device, o.practice));
          if (
            prev === undefined || prev.status !== o.status ||
            o.since.getTime() - Number(prev.seen_at) >= SEEN_REFRESH_MS
          ) return null;
          out.set(observationKey(o.device, o.practice), new Date(Number(prev.since)));
        }
        return out;
      });
      return unchanged.then((out) => out ?? record(observations));
    },
  };
}
