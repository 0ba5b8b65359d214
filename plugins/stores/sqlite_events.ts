/**
 * The sign-in event cache in the SQLite store (`events`): one row per event of a source, keyed by
 * `eventKey()` so that an event seen again replaces itself, with its time indexed for reads per
 * user and for pruning.
 *
 * @module
 */
import type { EventStore } from "../../engine/core/store_ports.ts";
import type { DatabaseSync } from "node:sqlite";
import type { AccessEvent } from "../../engine/core/types.ts";
import { decodeEvent, encodeEvent, eventKey } from "./codec.ts";
import type { Runner } from "./sqlite_runner.ts";

/**
 * The event-cache methods of the SQLite store.
 *
 * @param db the open, migrated database
 * @param run the store's runner
 * @returns `putEvents` (one transaction per call), `eventsFor` (newest first, from `since` on),
 *   `latestEventTime` (`null` when the source has none) and `pruneEvents` (how many went)
 */
export function sqliteEvents(db: DatabaseSync, run: Runner): EventStore {
  const q = {
    put: db.prepare(`INSERT INTO events (source, key, username, at, body) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (source, key) DO UPDATE SET username = excluded.username, at = excluded.at,
      body = excluded.body`),
    eventsFor: db.prepare(`SELECT body FROM events WHERE source = ? AND username = ? AND at >= ?
      ORDER BY at DESC`),
    latest: db.prepare("SELECT MAX(at) AS at FROM events WHERE source = ?"),
    prune: db.prepare("DELETE FROM events WHERE at < ?"),
  };
  return {
    putEvents(source: string, events: AccessEvent[]): Promise<void> {
      return run("cache events", () => {
        for (const e of events) {
          q.put.run(source, eventKey(e), e.username ?? "", e.timestamp.getTime(), encodeEvent(e));
        }
      }, true);
    },

    eventsFor(source: string, username: string, since: Date): Promise<AccessEvent[]> {
      return run(
        "read cached events",
        () =>
          q.eventsFor.all(source, username, since.getTime())
            .map((r) => decodeEvent(String(r.body))),
      );
    },

    latestEventTime(source: string): Promise<Date | null> {
      return run("read cached events", () => {
        const at = q.latest.get(source)?.at;
        return at === null || at === undefined ? null : new Date(Number(at));
      });
    },

    pruneEvents(before: Date): Promise<number> {
      return run("prune cached events", () => Number(q.prune.run(before.getTime()).changes));
    },
  };
}
