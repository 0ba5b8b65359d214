/**
 * Per-person snapshots in the Elasticsearch store (issue 13), shared by every process behind the
 * load balancer: one document per person in `<prefix>snapshots`, id = SHA-256 of the lower-cased
 * email, with the collection time, the last time the person was seen and the snapshot body
 * (`snapshot_codec.ts`) as a non-indexed string. Unseen people go with one `_delete_by_query`.
 *
 * @module
 */
import type {
  PersonSnapshot,
  SnapshotStamp,
  SnapshotStore,
  StoredSnapshot,
} from "../../engine/view/snapshots.ts";
import { esStatus } from "../elasticsearch.ts";
import { encodeSnapshotBody, seenOf, stampOf, storedSnapshotOf } from "./snapshot_codec.ts";
import { foldEmail } from "../../engine/identity/emails.ts";
import type { EsContext, SearchPart } from "./es_context.ts";

/**
 * The search of one person's snapshot stamp (the person read): the document by its id, its body
 * decoded only when asked.
 *
 * @param id the document id (`ctx.id(folded email)`)
 * @param key the folded email
 */
export function snapshotSearch(id: string, key: string): SearchPart<SnapshotStamp | null> {
  return {
    index: "snapshots",
    body: { query: { ids: { values: [id] } }, size: 1 },
    decode: (hits) => {
      const src = hits[0]?._source;
      return src === undefined ? null : stampOf(src, key);
    },
  };
}

/**
 * The snapshot methods of the Elasticsearch store.
 *
 * @param ctx the store's context
 * @returns the `SnapshotStore` methods
 */
export function esSnapshots(ctx: EsContext): SnapshotStore {
  const { client, run } = ctx;
  const index = ctx.index("snapshots");

  /** The person's stored document, or `null` when there is none. */
  async function read(key: string): Promise<Record<string, unknown> | null> {
    try {
      const doc = await client.get<Record<string, unknown>>({ index, id: await ctx.id(key) });
      return doc.found && doc._source !== undefined ? doc._source : null;
    } catch (error: unknown) {
      if (esStatus(error) === 404) return null;
      throw error;
    }
  }

  return {
    putSnapshot(s: PersonSnapshot) {
      return run("save a snapshot", async () => {
        const email = foldEmail(s.email);
        const at = s.collectedAt.getTime();
        await client.index({
          index,
          id: await ctx.id(email),
          document: { email, collected_at: at, seen_at: seenOf(s), body: encodeSnapshotBody(s) },
          refresh: "wait_for",
        });
      });
    },
    snapshot(email: string) {
      return run("read a snapshot", async (): Promise<StoredSnapshot | null> => {
        const key = foldEmail(email);
        const src = await read(key);
        return src === null ? null : storedSnapshotOf(key, src);
      });
    },
    snapshotStamp(email: string) {
      // the stored text is the version: no decoding (every page view reads this)
      return run("read a snapshot", async (): Promise<SnapshotStamp | null> => {
        const key = foldEmail(email);
        const src = await read(key);
        return src === null ? null : stampOf(src, key);
      });
    },
    markSnapshotSeen(email: string, at: Date) {
      return run("mark a snapshot seen", async () => {
        try {
          await client.update({
            index,
            id: await ctx.id(foldEmail(email)),
            doc: { seen_at: at.getTime() },
          });
        } catch (error: unknown) {
          if (esStatus(error) !== 404) throw error; // deleted meanwhile: nothing to mark
        }
      });
    },
    pruneSnapshots(before: Date) {
      return run(
        "delete old snapshots",
        () => ctx.deleteRange("snapshots", { seen_at: { lt: before.getTime() } }),
      );
    },
    snapshotCount() {
      return run("count snapshots", async () => (await client.count({ index })).count);
    },
  };
}
