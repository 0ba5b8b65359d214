/**
 * The release-feed cache in the SQLite store (`release_feeds`): the last good copy of each feed,
 * one row per feed name (created by migration 5, `sqlite_migrations.ts`).
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import type { ReleaseFeedCopy, ReleaseFeedStore } from "../../engine/core/store_ports.ts";
import type { Runner } from "./sqlite_runner.ts";

/**
 * The release-feed methods of the SQLite store.
 *
 * @param db the open database
 * @param run the store's runner
 * @returns `releaseFeed` (`null` when none was saved) and `putReleaseFeed` (replaces the copy)
 */
export function sqliteReleaseFeeds(db: DatabaseSync, run: Runner): ReleaseFeedStore {
  return {
    releaseFeed(name: string): Promise<ReleaseFeedCopy | null> {
      return run("read a release feed", () => {
        const r = db.prepare("SELECT fetched_at, body FROM release_feeds WHERE name = ?")
          .get(name);
        if (!r) return null;
        return { name, fetchedAt: new Date(Number(r.fetched_at)), body: String(r.body) };
      });
    },

    putReleaseFeed(copy: ReleaseFeedCopy): Promise<void> {
      return run("save a release feed", () => {
        db.prepare(`INSERT INTO release_feeds (name, fetched_at, body) VALUES (?, ?, ?)
          ON CONFLICT (name) DO UPDATE SET fetched_at = excluded.fetched_at, body = excluded.body`)
          .run(copy.name, copy.fetchedAt.getTime(), copy.body);
      });
    },
  };
}
