/**
 * What a person answered to notifications, in the Elasticsearch store: dismissals
 * (`<prefix>dismissals`, id = SHA-256 of email and notification id, the first time kept) and
 * feedback (`<prefix>feedback`, with one `<prefix>outbox` item per sink). Elasticsearch has no
 * multi-document transactions: `recordFeedback` writes the feedback and its outbox items in one
 * `_bulk` and, if any of them fails, deletes the ones that succeeded and throws. Delivery of the
 * outbox is `es_outbox.ts`.
 *
 * @module
 */
import type { FeedbackStore } from "../../engine/core/store_ports.ts";
import type { Feedback } from "../../engine/core/types.ts";
import { esStatus } from "../elasticsearch.ts";
import { pickFeedback, StoreError } from "./codec.ts";
import type { EsContext, SearchPart } from "./es_context.ts";
import type { IndexName } from "./es_indices.ts";

/** The search of a person's dismissals (by the address as given): notification ids. */
export function dismissalsSearch(email: string): SearchPart<Set<string>> {
  return {
    index: "dismissals",
    body: { query: { term: { email } }, size: 10_000 },
    decode: (hits) => new Set(hits.map((h) => String(h._source?.notification_id))),
  };
}

/** The search of a person's feedback: the latest answer per notification id. */
export function answersSearch(email: string): SearchPart<Map<string, string>> {
  return {
    index: "feedback",
    body: { query: { term: { email } }, sort: [{ created_at: "asc" }], size: 10_000 },
    decode(hits) {
      const map = new Map<string, string>();
      for (const h of hits) {
        map.set(String(h._source?.notification_id), (h._source?.feedback as Feedback).feedback);
      }
      return map;
    },
  };
}

/**
 * The dismissal and feedback methods of the Elasticsearch store.
 *
 * @param ctx the store's context
 * @returns `dismiss`, `dismissed`, `recordFeedback` (all or nothing: a partial `_bulk` is undone
 *   and throws `StoreError("Cannot record feedback in the Elasticsearch store: <type>: <reason>
 *   (nothing was stored)")`) and `answers` (the latest answer per notification)
 */
export function esFeedback(ctx: EsContext): FeedbackStore {
  const { client, run } = ctx;
  return {
    dismiss(email: string, notificationId: string, at: Date): Promise<void> {
      return run("save a dismissal", async () => {
        try {
          await client.create({
            index: ctx.index("dismissals"),
            id: await ctx.id(email, notificationId),
            document: { email, notification_id: notificationId, dismissed_at: at.getTime() },
            refresh: "wait_for",
          });
        } catch (error: unknown) {
          if (esStatus(error) !== 409) throw error; // 409: already dismissed, keep the first time
        }
      });
    },

    dismissed(email: string): Promise<Set<string>> {
      return run("read dismissals", () => ctx.read(dismissalsSearch(email)));
    },

    recordFeedback(
      email: string,
      feedback: Feedback,
      options: { sinks: string[]; at: Date },
    ): Promise<void> {
      return run("record feedback", async () => {
        const at = options.at.getTime();
        const fb = pickFeedback(feedback);
        const feedbackId = crypto.randomUUID();
        const docs: { index: IndexName; id: string; doc: Record<string, unknown> }[] = [{
          index: "feedback",
          id: feedbackId,
          doc: { email, notification_id: fb.id, feedback: fb, created_at: at },
        }];
        for (const sink of options.sinks) {
          docs.push({
            index: "outbox",
            id: await ctx.id(feedbackId, sink),
            doc: {
              feedback_id: feedbackId,
              sink,
              email,
              feedback: fb,
              created_at: at,
              attempts: 0,
              next_attempt_at: at,
              delivered: false,
            },
          });
        }
        const result = await client.bulk({
          refresh: "wait_for",
          operations: docs.flatMap((
            d,
          ) => [{ create: { _index: ctx.index(d.index), _id: d.id } }, d.doc]),
        });
        if (!result.errors) return;
        const written = docs.filter((_, i) => result.items[i]?.create?.error === undefined);
        const failure = result.items.find((it) => it.create?.error !== undefined)?.create?.error;
        if (written.length > 0) {
          await client.bulk({
            refresh: "wait_for",
            operations: written.map((d) => ({ delete: { _index: ctx.index(d.index), _id: d.id } })),
          });
        }
        throw new StoreError(
          `Cannot record feedback in the Elasticsearch store: ${failure?.type ?? "error"}: ${
            failure?.reason ?? "unknown"
          } (nothing was stored)`,
        );
      });
    },

    answers(email: string): Promise<Map<string, string>> {
      return run("read answers", () => ctx.read(answersSearch(email)));
    },
  };
}
