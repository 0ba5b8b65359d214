/**
 * The release-feed cache in the Elasticsearch store (`<prefix>release_feeds`): the last good copy
 * of each feed, one document per feed, id = its name.
 *
 * @module
 */
import type { ReleaseFeedCopy, ReleaseFeedStore } from "../../engine/core/store_ports.ts";
import type { EsContext } from "./es_context.ts";

/**
 * The release-feed methods of the Elasticsearch store.
 *
 * @param ctx the store's context
 * @returns `releaseFeed` (`null` when none was saved) and `putReleaseFeed` (replaces the copy)
 */
export function esReleaseFeeds(ctx: EsContext): ReleaseFeedStore {
  const { client, run } = ctx;
  return {
    releaseFeed(name: string): Promise<ReleaseFeedCopy | null> {
      return run("read a release feed", async () => {
        const hits = await ctx.search("release_feeds", {
          query: { ids: { values: [name] } },
          size: 1,
        });
        const s = hits[0]?._source;
        if (!s) return null;
        return { name, fetchedAt: new Date(Number(s.fetched_at)), body: String(s.body) };
      });
    },

    putReleaseFeed(copy: ReleaseFeedCopy): Promise<void> {
      return run("save a release feed", async () => {
        await client.index({
          index: ctx.index("release_feeds"),
          id: copy.name,
          document: { fetched_at: copy.fetchedAt.getTime(), body: copy.body },
          refresh: "wait_for",
        });
      });
    },
  };
}
