/**
 * Revocations in the Elasticsearch store (`<prefix>revocations`): signed-out session ids and used
 * sign-in states, shared by every process on the cluster. The document id is SHA-256 of the
 * revoked id (the raw value never reaches the index), and `create` is the atomic test-and-set:
 * ES answers 409 when the document exists. A document whose `until` has passed is taken over with
 * `if_seq_no`/`if_primary_term`, so two processes cannot both win it. Reads use `GET` by id,
 * which is real-time in Elasticsearch (no refresh needed).
 *
 * @module
 */
import type { Client } from "@elastic/elasticsearch";
import { esStatus } from "../elasticsearch.ts";

/** Mappings of the revocations index. */
export const REVOCATION_MAPPINGS = {
  until: { type: "date", format: "epoch_millis" },
} as const;

/** SHA-256 of `id`, hex: the document id. */
async function docId(id: string): Promise<string> {
  const digest = new Uint8Array(
    await crypto.subtle.digest("SHA-256", new TextEncoder().encode(id)),
  );
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Revokes `id` until `untilMs` in `index`.
 *
 * @returns true when this call revoked it; false when a live revocation already existed
 */
export async function revokeDoc(
  client: Client,
  index: string,
  options: { id: string; untilMs: number; nowMs: number },
): Promise<boolean> {
  const id = await docId(options.id);
  try {
    await client.create({ index, id, document: { until: options.untilMs }, refresh: "wait_for" });
    return true;
  } catch (error: unknown) {
    if (esStatus(error) !== 409) throw error;
  }
  const got = await client.get({ index, id }, { ignore: [404] });
  if (!got.found) return await revokeDoc(client, index, options);
  if (Number((got._source as { until?: unknown }).until) > options.nowMs) return false;
  try {
    await client.index({
      index,
      id,
      document: { until: options.untilMs },
      if_seq_no: got._seq_no!,
      if_primary_term: got._primary_term!,
      refresh: "wait_for",
    });
    return true;
  } catch (error: unknown) {
    if (esStatus(error) === 409) return false; // another process took it over first
    throw error;
  }
}

/** Whether `id` has a revocation in `index` lasting past `nowMs`. */
export async function isRevokedDoc(
  client: Client,
  index: string,
  options: { id: string; nowMs: number },
): Promise<boolean> {
  const got = await client.get({ index, id: await docId(options.id) }, { ignore: [404] });
  if (!got.found) return false;
  return Number((got._source as { until?: unknown }).until) > options.nowMs;
}

/** Deletes the revocations in `index` that ended by `nowMs`; returns how many. */
export async function pruneRevokedDocs(
  client: Client,
  index: string,
  nowMs: number,
): Promise<number> {
  const r = await client.deleteByQuery({
    index,
    query: { range: { until: { lte: nowMs } } },
    refresh: true,
  });
  return r.deleted ?? 0;
}
