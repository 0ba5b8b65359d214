/**
 * Status history in the SQLite store (`status_observations`): per device and practice, the status
 * last seen, since when it has held, and when it was last seen; and per person the devices their
 * last recorded page view observed (`person_devices`), so that one read answers a page view's
 * history (`sqlite_person_reads.ts`). Its one reason to change is how "failing since" is
 * remembered.
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import type { StatusObservation, StatusStore } from "../../engine/core/store_ports.ts";
import { observationKey, statusUnchanged } from "../../engine/view/since.ts";
import { arrays, type Runner } from "./sqlite_runner.ts";

type Row = { status: unknown; since: number; seenAt: number };

/** The rows of a query of `device, practice, status, since, seen_at`, by observation key. */
function rowsOf(rows: unknown[][]): Map<string, Row> {
  const out = new Map<string, Row>();
  for (const [device, practice, status, since, seen] of rows) {
    out.set(observationKey(String(device), String(practice)), {
      status,
      since: Number(since),
      seenAt: Number(seen),
    });
  }
  return out;
}

/**
 * The status-history method of the SQLite store.
 *
 * @param db the open, migrated database
 * @param run the store's runner
 * @returns `observe`: per `device\u0000practice`, when the observed status began (kept while the
 *   status holds, reset to the observation's `since` when it changes); with `person`, the
 *   observed devices become that person's (`person_devices`), in the same transaction;
 *   `began`: the same answer from one read, nothing written; and
 *   `prunePersonDevices`: deletes the `person_devices` rows not written since `before`
 */
export function sqliteStatuses(db: DatabaseSync, run: Runner): StatusStore {
  const q = {
    // every practice of the devices asked, in one query (one per observation was 8 % of a page
    // view's CPU for a person with several devices, issue 24)
    of: arrays(db.prepare(
      `SELECT device, practice, status, since, seen_at FROM status_observations
       WHERE device IN (SELECT value FROM json_each(?))`,
    )),
    put: db.prepare(`INSERT INTO status_observations (device, practice, status, since, seen_at)
      VALUES (?, ?, ?, ?, ?) ON CONFLICT (device, practice) DO UPDATE SET
      status = excluded.status, since = excluded.since, seen_at = excluded.seen_at`),
    seen: db.prepare(
      "UPDATE status_observations SET seen_at = ? WHERE device = ? AND practice = ?",
    ),
    person: db.prepare(`INSERT INTO person_devices (email, devices, updated_at) VALUES (?, ?, ?)
      ON CONFLICT (email) DO UPDATE SET devices = excluded.devices,
      updated_at = excluded.updated_at`),
    prunePeople: db.prepare("DELETE FROM person_devices WHERE updated_at < ?"),
  };

  const devicesOf = (observations: StatusObservation[]) => [
    ...new Set(observations.map((o) => o.device)),
  ];

  /** The stored rows of the observed devices, by `device\u0000practice`. */
  function previous(observations: StatusObservation[]): Map<string, Row> {
    const devices = devicesOf(observations);
    if (devices.length === 0) return new Map();
    return rowsOf(q.of.all(JSON.stringify(devices)) as unknown as unknown[][]);
  }

  function record(observations: StatusObservation[], person: string | undefined) {
    return run("record practice statuses", () => {
      const out = new Map<string, Date>();
      const rows = previous(observations);
      let latest = 0;
      for (const o of observations) {
        const seen = o.since.getTime();
        latest = Math.max(latest, seen);
        const key = observationKey(o.device, o.practice);
        const prev = rows.get(key);
        let since = seen;
        if (prev !== undefined && prev.status === o.status) {
          since = prev.since;
          q.seen.run(seen, o.device, o.practice);
        } else {
          q.put.run(o.device, o.practice, o.status, seen, seen);
        }
        // a later observation of the same pair in this call sees this one, as the table would
        rows.set(key, { status: o.status, since, seenAt: seen });
        out.set(key, new Date(since));
      }
      if (person !== undefined) {
        q.person.run(person, JSON.stringify(devicesOf(observations)), latest);
      }
      return out;
    }, true);
  }

  return {
    observe(observations, options = {}) {
      // A person's page view calls with `person` only when its read showed something to write;
      // other callers are answered by reads alone when nothing changed: no write lock, no WAL
      // commit and its fsync, which blocked the event loop for 0.95–3.4 ms per view on a busy
      // disk (bench/README.md). `seen_at` is then refreshed at most every SEEN_REFRESH_MS.
      if (options.person !== undefined) return record(observations, options.person);
      const unchanged = run("read practice statuses", () => {
        const out = new Map<string, Date>();
        const rows = previous(observations);
        for (const o of observations) {
          const prev = rows.get(observationKey(o.device, o.practice));
          if (prev === undefined || !statusUnchanged(prev, o)) return null;
          out.set(observationKey(o.device, o.practice), new Date(prev.since));
        }
        return out;
      });
      return unchanged.then((out) => out ?? record(observations, undefined));
    },
    began(observations) {
      return run("read practice statuses", () => {
        const out = new Map<string, Date>();
        const rows = previous(observations);
        for (const o of observations) {
          const key = observationKey(o.device, o.practice);
          const prev = rows.get(key);
          out.set(key, new Date(prev?.status === o.status ? prev.since : o.since.getTime()));
        }
        return out;
      });
    },
    prunePersonDevices(before) {
      return run(
        "delete old device lists",
        () => Number(q.prunePeople.run(before.getTime()).changes),
      );
    },
  };
}
