/**
 * Per-person snapshots in the Elasticsearch store (issue 13), shared by every process behind the
 * load balancer: one document per person in `<prefix>snapshots`, id = SHA-256 of the lower-cased
 * email, with the collection time, the last time the person was seen and the snapshot body
 * (`snapshot_codec.ts`) as a non-indexed string. Unseen people go with one `_delete_by_query`.
 *
 * @module
 */
import type { Client } from "@elastic/elasticsearch";
import type { PersonSnapshot, SnapshotStore, StoredSnapshot } from "../../engine/snapshots.ts";
import { esStatus } from "../elasticsearch.ts";
import { decodeSnapshot, encodeSnapshotBody, seenOf } from "./snapshot_codec.ts";
import { foldEmail } from "../../engine/emails.ts";

/** The mapping of the snapshot index (merged into the store's `MAPPINGS`). */
export const SNAPSHOT_MAPPING = {
  email: { type: "keyword" },
  collected_at: { type: "date", format: "epoch_millis" },
  seen_at: { type: "date", format: "epoch_millis" },
  body: { type: "text", index: false },
} as const;

/** What the snapshot half needs from the store. */
export interface EsSnapshotParts {
  client: Client;
  /** The full index name. */
  index: string;
  /** The store's stable id (SHA-256 hex of the parts). */
  id: (...parts: string[]) => Promise<string>;
  /** The store's error wrapper. */
  run: <T>(what: string, fn: () => Promise<T>) => Promise<T>;
}

/**
 * The snapshot methods of the Elasticsearch store.
 *
 * @param parts client, index name, id function, error wrapper
 * @returns the `SnapshotStore` methods
 */
export function esSnapshots(parts: EsSnapshotParts): SnapshotStore {
  const { client, index, run } = parts;
  return {
    putSnapshot(s: PersonSnapshot) {
      return run("save a snapshot", async () => {
        const email = foldEmail(s.email);
        const at = s.collectedAt.getTime();
        await client.index({
          index,
          id: await parts.id(email),
          document: { email, collected_at: at, seen_at: seenOf(s), body: encodeSnapshotBody(s) },
          refresh: "wait_for",
        });
      });
    },
    snapshot(email: string) {
      return run("read a snapshot", async (): Promise<StoredSnapshot | null> => {
        const key = foldEmail(email);
        try {
          const doc = await client.get<Record<string, unknown>>({ index, id: await parts.id(key) });
          const src = doc._source;
          if (!doc.found || src === undefined) return null;
          const s = decodeSnapshot(key, new Date(Number(src.collected_at)), String(src.body));
          return { ...s, seenAt: new Date(Number(src.seen_at)) };
        } catch (error: unknown) {
          if (esStatus(error) === 404) return null;
          throw error;
        }
      });
    },
    markSnapshotSeen(email: string, at: Date) {
      return run("mark a snapshot seen", async () => {
        try {
          await client.update({
            index,
            id: await parts.id(foldEmail(email)),
            doc: { seen_at: at.getTime() },
          });
        } catch (error: unknown) {
          if (esStatus(error) !== 404) throw error; // deleted meanwhile: nothing to mark
        }
      });
    },
    pruneSnapshots(before: Date) {
      return run("delete old snapshots", async () => {
        const r = await client.deleteByQuery({
          index,
          query: { range: { seen_at: { lt: before.getTime() } } },
          refresh: true,
        });
        return r.deleted ?? 0;
      });
    },
    snapshotCount() {
      return run("count snapshots", async () => (await client.count({ index })).count);
    },
  };
}
