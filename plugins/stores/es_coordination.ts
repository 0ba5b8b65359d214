/**
 * What the processes on one Elasticsearch store coordinate through (issue 24): per-key token
 * buckets (`<prefix>rate_buckets`: the per-address rate limits hold for all of them together) and
 * leases (`<prefix>leases`: one Duo poller among them). Each is one document, read with a
 * real-time `GET` and written back only if nobody wrote it meanwhile (`if_seq_no` /
 * `if_primary_term`, or `create` for a new one): on a 409 the step is tried again with what the
 * other process wrote, so two processes never both spend the last token or both hold a lease.
 * Document ids are SHA-256 of the key (client addresses never reach the index as ids).
 *
 * @module
 */
import type { Client } from "@elastic/elasticsearch";
import type { CoordinationStore, Rate } from "../../engine/core/ports.ts";
import { takeToken } from "../../lib/token_bucket.ts";
import { esStatus } from "../elasticsearch.ts";
import { StoreError } from "./codec.ts";
import type { EsContext } from "./es_context.ts";

/** How many times a step is tried when other processes keep writing the same document. */
const ATTEMPTS = 20;
/** Every this many takes, buckets that are full again (no different from none) are deleted. */
const PRUNE_EVERY = 500;

type Doc = { found: boolean; source: Record<string, unknown>; seq?: number; term?: number };

async function read(client: Client, index: string, id: string): Promise<Doc> {
  const got = await client.get({ index, id }, { ignore: [404] });
  return got.found
    ? {
      found: true,
      source: (got._source ?? {}) as Record<string, unknown>,
      seq: got._seq_no!,
      term: got._primary_term!,
    }
    : { found: false, source: {} };
}

/** Writes `document` over `doc` if nobody wrote it since: false on a 409 (try again). */
async function writeOver(
  client: Client,
  index: string,
  id: string,
  doc: Doc,
  document: Record<string, unknown>,
): Promise<boolean> {
  try {
    if (doc.found) {
      await client.index({
        index,
        id,
        document,
        if_seq_no: doc.seq!,
        if_primary_term: doc.term!,
      });
    } else await client.create({ index, id, document });
    return true;
  } catch (error: unknown) {
    if (esStatus(error) === 409) return false;
    throw error;
  }
}

function contention(what: string): StoreError {
  return new StoreError(
    `Cannot ${what} in the Elasticsearch store: ${ATTEMPTS} attempts met other processes' writes`,
  );
}

/**
 * The coordination methods of the Elasticsearch store.
 *
 * @param ctx the store's context
 * @returns `takeToken`, `takeLease` and `releaseLease` (see `CoordinationStore`)
 */
export function esCoordination(ctx: EsContext): CoordinationStore {
  const { client, run } = ctx;
  const buckets = ctx.index("rate_buckets");
  const leases = ctx.index("leases");
  let takes = 0;
  return {
    takeToken(key: string, rate: Rate, now: Date): Promise<number> {
      return run("take a rate-limit token", async () => {
        const id = await ctx.id(key);
        const nowMs = now.getTime();
        if (++takes % PRUNE_EVERY === 0) {
          await ctx.deleteRange("rate_buckets", { full_at: { lte: nowMs } });
        }
        for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
          const doc = await read(client, buckets, id);
          const old = doc.found
            ? { tokens: Number(doc.source.tokens), at: Number(doc.source.at) }
            : undefined;
          const { bucket, wait, fullAt } = takeToken(old, rate, nowMs);
          // a refusal changes nothing worth writing: the refill is computed again from `old`
          if (wait > 0) return wait;
          const document = { tokens: bucket.tokens, at: bucket.at, full_at: fullAt };
          if (await writeOver(client, buckets, id, doc, document)) return 0;
        }
        throw contention("take a rate-limit token");
      });
    },

    takeLease(name: string, holder: string, options: { until: Date; now: Date }) {
      return run("take a lease", async () => {
        const id = await ctx.id(name);
        for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
          const doc = await read(client, leases, id);
          const live = doc.found && Number(doc.source.until) > options.now.getTime();
          if (live && doc.source.holder !== holder) return false;
          const document = { holder, until: options.until.getTime() };
          if (await writeOver(client, leases, id, doc, document)) return true;
        }
        throw contention("take a lease");
      });
    },

    releaseLease(name: string, holder: string): Promise<void> {
      return run("release a lease", async () => {
        const id = await ctx.id(name);
        const doc = await read(client, leases, id);
        if (!doc.found || doc.source.holder !== holder) return;
        // ended, not deleted: a lease document is written over, never removed (a 409 means
        // another process took it over meanwhile, which is what releasing allows)
        await writeOver(client, leases, id, doc, { holder, until: 0 });
      });
    },
  };
}
