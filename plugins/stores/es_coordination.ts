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
import type { CoordinationStore, Rate } from "../../engine/core/store_ports.ts";
import { takeToken } from "../../lib/token_bucket.ts";
import type { EsContext } from "./es_context.ts";

/** How many times a step is tried when other processes keep writing the same document. */
const ATTEMPTS = 20;
/** Every this many takes, buckets that are full again (no different from none) are deleted. */
const PRUNE_EVERY = 500;

/**
 * The coordination methods of the Elasticsearch store.
 *
 * @param ctx the store's context
 * @returns `takeToken`, `takeLease` and `releaseLease` (see `CoordinationStore`)
 */
export function esCoordination(ctx: EsContext): CoordinationStore {
  const { run } = ctx;
  let takes = 0;
  return {
    takeToken(key: string, rate: Rate, now: Date): Promise<number> {
      return run("take a rate-limit token", async () => {
        const id = await ctx.id(key);
        const nowMs = now.getTime();
        if (++takes % PRUNE_EVERY === 0) {
          await ctx.deleteRange("rate_buckets", { full_at: { lte: nowMs } });
        }
        const cas = { label: "the rate-limit bucket", attempts: ATTEMPTS };
        return await ctx.compareAndSet("rate_buckets", id, cas, (doc) => {
          const old = doc ? { tokens: Number(doc.tokens), at: Number(doc.at) } : undefined;
          const { bucket, wait, fullAt } = takeToken(old, rate, nowMs);
          // a refusal changes nothing worth writing: the refill is computed again from `old`
          if (wait > 0) return { result: wait };
          return { result: 0, write: { tokens: bucket.tokens, at: bucket.at, full_at: fullAt } };
        });
      });
    },

    takeLease(name: string, holder: string, options: { until: Date; now: Date }) {
      return run("take a lease", async () => {
        const cas = { label: `the lease "${name}"`, attempts: ATTEMPTS };
        return await ctx.compareAndSet("leases", await ctx.id(name), cas, (doc) => {
          const live = doc !== null && Number(doc.until) > options.now.getTime();
          if (live && doc.holder !== holder) return { result: false };
          return { result: true, write: { holder, until: options.until.getTime() } };
        });
      });
    },

    releaseLease(name: string, holder: string): Promise<void> {
      return run("release a lease", async () => {
        // ended, not deleted: a lease document is written over, never removed (after a 409 the
        // lease is read again: another process that took it over meanwhile keeps it)
        const cas = { label: `the lease "${name}"`, attempts: ATTEMPTS };
        await ctx.compareAndSet(
          "leases",
          await ctx.id(name),
          cas,
          (doc) =>
            doc === null || doc.holder !== holder
              ? { result: undefined }
              : { result: undefined, write: { holder, until: 0 } },
        );
      });
    },
  };
}
