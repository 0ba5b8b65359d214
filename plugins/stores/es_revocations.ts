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
import type { RevocationStore } from "../../engine/core/store_ports.ts";
import type { Client } from "@elastic/elasticsearch";
import { esStatus } from "../elasticsearch.ts";
import type { EsContext } from "./es_context.ts";

/**
 * The revocation methods of the Elasticsearch store.
 *
 * @param ctx the store's context
 * @returns `revoke` (true when this call revoked the id; false when a live revocation already
 *   existed or another process took an expired one over first), `isRevoked` (a revocation ends
 *   at its `until`) and `pruneRevoked` (how many went)
 */
export function esRevocations(ctx: EsContext): RevocationStore {
  const { client, run } = ctx;
  const index = ctx.index("revocations");
  return {
    revoke(id: string, options: { until: Date; now: Date }): Promise<boolean> {
      const o = { untilMs: options.until.getTime(), nowMs: options.now.getTime() };
      return run("revoke a session", async () => revokeDoc(client, index, await ctx.id(id), o));
    },

    isRevoked(id: string, now: Date): Promise<boolean> {
      return run("read revoked sessions", async () => {
        const got = await client.get({ index, id: await ctx.id(id) }, { ignore: [404] });
        if (!got.found) return false;
        return Number((got._source as { until?: unknown }).until) > now.getTime();
      });
    },

    pruneRevoked(now: Date): Promise<number> {
      return run(
        "prune revoked sessions",
        () => ctx.deleteRange("revocations", { until: { lte: now.getTime() } }),
      );
    },
  };
}

/** Revokes document `id` until `untilMs`: true when this call did, false when it was live. */
async function revokeDoc(
  client: Client,
  index: string,
  id: string,
  options: { untilMs: number; nowMs: number },
): Promise<boolean> {
  try {
    await client.create({ index, id, document: { until: options.untilMs }, refresh: "wait_for" });
    return true;
  } catch (error: unknown) {
    if (esStatus(error) !== 409) throw error;
  }
  const got = await client.get({ index, id }, { ignore: [404] });
  if (!got.found) return await revokeDoc(client, index, id, options);
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
