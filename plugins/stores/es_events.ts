/**
 * The sign-in event cache in the Elasticsearch store (`<prefix>events`): one document per event
 * of a source, id = SHA-256 of the source and `eventKey()`, so that an event seen again replaces
 * itself; the event itself is kept whole in a non-indexed field.
 *
 * @module
 */
import type { EventStore } from "../../engine/core/store_ports.ts";
import type { AccessEvent } from "../../engine/core/types.ts";
import { decodeEvent, encodeEvent, eventKey, StoreError } from "./codec.ts";
import type { EsContext } from "./es_context.ts";

/**
 * The event-cache methods of the Elasticsearch store.
 *
 * @param ctx the store's context
 * @returns `putEvents` (one `_bulk`; throws a `StoreError` when Elasticsearch refuses any),
 *   `eventsFor` (newest first, from `since` on), `latestEventTime` (`null` when the source has
 *   none) and `pruneEvents` (how many went)
 */
export function esEvents(ctx: EsContext): EventStore {
  const { client, run } = ctx;
  return {
    putEvents(source: string, events: AccessEvent[]): Promise<void> {
      return run("cache events", async () => {
        if (events.length === 0) return;
        const operations: unknown[] = [];
        for (const e of events) {
          const key = eventKey(e);
          operations.push({
            index: { _index: ctx.index("events"), _id: await ctx.id(source, key) },
          }, {
            source,
            key,
            username: e.username ?? "",
            at: e.timestamp.getTime(),
            event: JSON.parse(encodeEvent(e)),
          });
        }
        const r = await client.bulk({ refresh: "wait_for", operations });
        if (r.errors) {
          throw new StoreError("Cannot cache events: some were refused by Elasticsearch");
        }
      });
    },

    eventsFor(source: string, username: string, since: Date): Promise<AccessEvent[]> {
      return run("read cached events", async () => {
        const hits = await ctx.search("events", {
          query: {
            bool: {
              filter: [
                { term: { source } },
                { term: { username } },
                { range: { at: { gte: since.getTime() } } },
              ],
            },
          },
          sort: [{ at: "desc" }],
          size: 10_000,
        });
        return hits.map((h) => decodeEvent(JSON.stringify(h._source?.event)));
      });
    },

    latestEventTime(source: string): Promise<Date | null> {
      return run("read cached events", async () => {
        const [hit] = await ctx.search("events", {
          query: { term: { source } },
          sort: [{ at: "desc" }],
          size: 1,
        });
        return hit === undefined ? null : new Date(Number(hit._source?.at));
      });
    },

    pruneEvents(before: Date): Promise<number> {
      return run(
        "prune cached events",
        () => ctx.deleteRange("events", { at: { lt: before.getTime() } }),
      );
    },
  };
}
