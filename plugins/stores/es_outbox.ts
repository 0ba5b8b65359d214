/**
 * Delivery of queued feedback in the Elasticsearch store (`<prefix>outbox`), shared by several
 * processes: outbox items are *claimed* with optimistic concurrency (`if_seq_no` /
 * `if_primary_term`) before they are handed out, so two processes never deliver the same item at
 * the same time; a claim lapses after `claimMs`, so an item held by a crashed process is retried.
 * Within one process `dueOutbox` hands its own claimed items out again (the outbox worker never
 * runs twice at once). The items are written with the feedback by `es_feedback.ts`. Its one
 * reason to change is how processes share the outbox.
 *
 * @module
 */
import type { OutboxItem, OutboxStore } from "../../engine/core/store_ports.ts";
import type { Feedback } from "../../engine/core/types.ts";
import { pickFeedback } from "./codec.ts";
import type { EsContext, Hit } from "./es_context.ts";

/** Options of {@link esOutbox}. */
export interface EsOutboxOptions {
  /** How long a claimed item is reserved for this process, in ms. */
  claimMs: number;
  /** This process's name in `claimed_by`. Default a random UUID (one per store). */
  owner?: string;
}

/** How many times a mark is retried when the item changes between its read and its write. */
const MARK_ATTEMPTS = 5;

/**
 * The outbox methods of the Elasticsearch store, for one process.
 *
 * - `dueOutbox(now, limit)`: undelivered items with `next_attempt_at <= now` (oldest first, at
 *   most `limit`) that no other process holds, each claimed until the store's clock + `claimMs`;
 *   an item another process claimed between the search and the claim (409) is skipped.
 * - `markDelivered(id, at)`: recorded even when another process has claimed the item since
 *   (delivery happened); the claim is released.
 * - `markFailed(id, …)`: counts the attempt, sets the next one and the error, releases the claim;
 *   ignored while another process holds a live claim (that process owns the retry now).
 * - Both marks leave a delivered or missing item alone, re-read on a concurrent change and throw
 *   `StoreError("outbox item "<id>" kept changing under concurrent updates")` after 5 tries.
 * - `outboxDepth()`: how many items are undelivered, claimed or not.
 *
 * @param ctx the store's context (client, index names, clock, error wrapper)
 * @param options the claim duration and this process's name
 * @returns the `Store` outbox methods
 */
export function esOutbox(ctx: EsContext, options: EsOutboxOptions): OutboxStore {
  const { client, run } = ctx;
  const owner = options.owner ?? crypto.randomUUID();
  const index = ctx.index("outbox");

  /**
   * Applies `change` to an undelivered item read fresh, retrying on a concurrent change.
   * `change` returns `null` to leave the item alone.
   */
  async function mark(
    id: string,
    change: (source: Record<string, unknown>) => Record<string, unknown> | null,
  ): Promise<void> {
    const cas = {
      label: `outbox item "${id}"`,
      attempts: MARK_ATTEMPTS,
      refresh: "wait_for" as const,
    };
    await ctx.compareAndSet("outbox", id, cas, (source) => {
      if (source === null || source.delivered === true) return { result: undefined };
      const doc = change(source);
      return doc === null
        ? { result: undefined }
        : { result: undefined, write: { ...source, ...doc } };
    });
  }

  return {
    dueOutbox(now: Date, limit: number): Promise<OutboxItem[]> {
      return run("read the outbox", async () => {
        const t = now.getTime();
        const hits = await ctx.search("outbox", {
          query: {
            bool: {
              filter: [{ term: { delivered: false } }, { range: { next_attempt_at: { lte: t } } }],
              // Skip items another process holds; this process's own claims are handed out again
              // (its worker guards against overlapping runs).
              must_not: [{
                bool: {
                  filter: [{ range: { claimed_until: { gt: ctx.now().getTime() } } }],
                  must_not: [{ term: { claimed_by: owner } }],
                },
              }],
            },
          },
          sort: [{ next_attempt_at: "asc" }, { created_at: "asc" }],
          size: limit,
          seq_no_primary_term: true,
        });
        const claimed: OutboxItem[] = [];
        for (const hit of hits) {
          const until = ctx.now().getTime() + options.claimMs;
          const held = await ctx.writeIfUnchanged(
            "outbox",
            hit._id,
            { ...hit._source, claimed_by: owner, claimed_until: until },
            { version: { seq: hit._seq_no!, term: hit._primary_term! }, refresh: "wait_for" },
          );
          if (held) claimed.push(toOutboxItem(hit));
        }
        return claimed;
      });
    },

    markDelivered(id: string, at: Date): Promise<void> {
      // Delivery happened: record it even if another process has claimed the item since.
      return run(
        "mark an outbox item delivered",
        () =>
          mark(id, () => ({ delivered: true, delivered_at: at.getTime(), claimed_until: null })),
      );
    },

    markFailed(id: string, failure: { nextAttemptAt: Date; error: string }): Promise<void> {
      return run("mark an outbox item failed", () =>
        mark(id, (source) => {
          const heldElsewhere = source.claimed_by !== owner &&
            Number(source.claimed_until ?? 0) > ctx.now().getTime();
          if (heldElsewhere) return null; // another process owns the retry now
          return {
            attempts: Number(source.attempts ?? 0) + 1,
            next_attempt_at: failure.nextAttemptAt.getTime(),
            last_error: failure.error,
            claimed_until: null,
          };
        }));
    },

    outboxDepth(): Promise<number> {
      return run("count the outbox", async () => {
        const r = await client.count({ index, query: { term: { delivered: false } } });
        return r.count;
      });
    },
  };
}

function toOutboxItem(hit: Hit): OutboxItem {
  const s = hit._source ?? {};
  const item: OutboxItem = {
    id: hit._id,
    sink: String(s.sink),
    email: String(s.email),
    feedback: pickFeedback(s.feedback as Feedback),
    createdAt: new Date(Number(s.created_at)),
    attempts: Number(s.attempts ?? 0),
    nextAttemptAt: new Date(Number(s.next_attempt_at)),
  };
  if (typeof s.last_error === "string") item.lastError = s.last_error;
  return item;
}
