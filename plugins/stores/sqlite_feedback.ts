/**
 * What a person answered to notifications, in the SQLite store: dismissals (`dismissals`, one row
 * per person and notification, the first time kept) and feedback (`feedback`, one row per answer,
 * with one `outbox` row per sink written in the same transaction). Delivery of the outbox is
 * `sqlite_outbox.ts`.
 *
 * @module
 */
import type { FeedbackStore } from "../../engine/core/store_ports.ts";
import type { DatabaseSync } from "node:sqlite";
import type { Feedback } from "../../engine/core/types.ts";
import { decodeFeedback, pickFeedback } from "./codec.ts";
import type { Runner } from "./sqlite_runner.ts";

/** The synchronous reads of a person's dismissals and answers. */
interface SqliteFeedbackReads {
  dismissed(email: string): Set<string>;
  /** The latest answer per notification id. */
  answers(email: string): Map<string, string>;
}

/**
 * A person's dismissals and answers, read synchronously (`sqliteFeedback`; a page view's person read has
 * its own arm in `sqlite_person_reads.ts`).
 *
 * @param db the open, migrated database
 * @returns the reads, keyed by the address as given
 */
function sqliteFeedbackReads(db: DatabaseSync): SqliteFeedbackReads {
  const q = {
    dismissed: db.prepare("SELECT notification_id FROM dismissals WHERE email = ?"),
    answers: db.prepare("SELECT notification_id, body FROM feedback WHERE email = ? ORDER BY seq"),
  };
  return {
    dismissed: (email) => new Set(q.dismissed.all(email).map((r) => String(r.notification_id))),
    answers(email) {
      const map = new Map<string, string>();
      for (const r of q.answers.all(email)) {
        map.set(String(r.notification_id), decodeFeedback(String(r.body)).feedback);
      }
      return map;
    },
  };
}

/**
 * The dismissal and feedback methods of the SQLite store.
 *
 * @param db the open, migrated database
 * @param run the store's runner (closed-store check, transactions, error wording)
 * @returns `dismiss`, `dismissed`, `recordFeedback` (atomic: the answer and all its outbox rows,
 *   or nothing) and `answers` (the latest answer per notification)
 */
export function sqliteFeedback(db: DatabaseSync, run: Runner): FeedbackStore {
  const q = {
    dismiss: db.prepare(`INSERT INTO dismissals (email, notification_id, dismissed_at)
      VALUES (?, ?, ?) ON CONFLICT (email, notification_id) DO NOTHING`),
    feedback: db.prepare(`INSERT INTO feedback (email, notification_id, body, created_at)
      VALUES (?, ?, ?, ?)`),
    enqueue: db.prepare(`INSERT INTO outbox (id, feedback_seq, sink, email, body, created_at,
      next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, ?)`),
  };
  const reads = sqliteFeedbackReads(db);
  return {
    dismiss(email: string, notificationId: string, at: Date): Promise<void> {
      return run("save a dismissal", () => {
        q.dismiss.run(email, notificationId, at.getTime());
      });
    },

    dismissed(email: string): Promise<Set<string>> {
      return run("read dismissals", () => reads.dismissed(email));
    },

    recordFeedback(
      email: string,
      feedback: Feedback,
      options: { sinks: string[]; at: Date },
    ): Promise<void> {
      const body = JSON.stringify(pickFeedback(feedback));
      const at = options.at.getTime();
      return run("record feedback", () => {
        const { lastInsertRowid } = q.feedback.run(email, feedback.id, body, at);
        for (const sink of options.sinks) {
          q.enqueue.run(crypto.randomUUID(), lastInsertRowid, sink, email, body, at, at);
        }
      }, true);
    },

    answers(email: string): Promise<Map<string, string>> {
      return run("read answers", () => reads.answers(email));
    },
  };
}
