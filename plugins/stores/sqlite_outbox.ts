/**
 * Delivery of queued feedback in the SQLite store (`outbox`, rows written with the feedback by
 * `sqlite_feedback.ts`): which items are due, and the outcome of each attempt. One process's
 * outbox worker never runs twice at once, and SQLite serialises writers, so no claim is needed
 * (unlike `es_outbox.ts`).
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import type { OutboxItem, OutboxStore } from "../../engine/core/store_ports.ts";
import { decodeFeedback } from "./codec.ts";
import type { Runner } from "./sqlite_runner.ts";

/**
 * The outbox methods of the SQLite store.
 *
 * @param db the open, migrated database
 * @param run the store's runner
 * @returns `dueOutbox` (undelivered items with `next_attempt_at <= now`, oldest first, at most
 *   `limit`), `markDelivered`, `markFailed` (both leave a delivered item alone) and `outboxDepth`
 */
export function sqliteOutbox(db: DatabaseSync, run: Runner): OutboxStore {
  const q = {
    due: db.prepare(`SELECT * FROM outbox WHERE delivered_at IS NULL AND next_attempt_at <= ?
      ORDER BY next_attempt_at, created_at, id LIMIT ?`),
    delivered: db.prepare(
      "UPDATE outbox SET delivered_at = ? WHERE id = ? AND delivered_at IS NULL",
    ),
    failed: db.prepare(`UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?,
      last_error = ? WHERE id = ? AND delivered_at IS NULL`),
    depth: db.prepare("SELECT COUNT(*) AS n FROM outbox WHERE delivered_at IS NULL"),
  };
  return {
    dueOutbox(now: Date, limit: number): Promise<OutboxItem[]> {
      return run("read the outbox", () => q.due.all(now.getTime(), limit).map(toOutboxItem));
    },

    markDelivered(id: string, at: Date): Promise<void> {
      return run("mark an outbox item delivered", () => {
        q.delivered.run(at.getTime(), id);
      });
    },

    markFailed(id: string, options: { nextAttemptAt: Date; error: string }): Promise<void> {
      return run("mark an outbox item failed", () => {
        q.failed.run(options.nextAttemptAt.getTime(), options.error, id);
      });
    },

    outboxDepth(): Promise<number> {
      return run("count the outbox", () => Number(q.depth.get()?.n ?? 0));
    },
  };
}

function toOutboxItem(r: Record<string, unknown>): OutboxItem {
  const item: OutboxItem = {
    id: String(r.id),
    sink: String(r.sink),
    email: String(r.email),
    feedback: decodeFeedback(String(r.body)),
    createdAt: new Date(Number(r.created_at)),
    attempts: Number(r.attempts),
    nextAttemptAt: new Date(Number(r.next_attempt_at)),
  };
  if (typeof r.last_error === "string") item.lastError = r.last_error;
  return item;
}
