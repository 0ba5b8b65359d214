/**
 * The nudge ledger in the SQLite store (issue 27): queued messages keyed by their idempotency key
 * (a second queue of the same key is refused, so a plan made twice is one message), taken under a
 * lease in one `BEGIN IMMEDIATE` transaction (SQLite serialises writers across processes sharing
 * the file, so two processes never take the same message while its lease runs), and the person's
 * history: items sent, snoozes, critical-only choices. Tables: migration 4 of
 * `sqlite_migrations.ts`.
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import type { NudgeMessage } from "../../engine/nudges/nudge_message.ts";
import type { NudgeHistory } from "../../engine/nudges/nudges.ts";
import type { NudgeLedger, NudgeState, QueuedNudge } from "../../engine/nudges/nudge_ports.ts";
import type { Runner } from "./sqlite_runner.ts";

/** The tables of the nudge ledger (appended to the migrations as one version). */
export const NUDGE_TABLES = `CREATE TABLE nudges (
     key TEXT PRIMARY KEY, email TEXT NOT NULL, channel TEXT NOT NULL, body TEXT NOT NULL,
     queued_at INTEGER NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
     next_attempt_at INTEGER NOT NULL, lease_until INTEGER NOT NULL DEFAULT 0,
     sent_at INTEGER, refused_at INTEGER, last_error TEXT);
   CREATE INDEX nudges_due ON nudges (next_attempt_at)
     WHERE sent_at IS NULL AND refused_at IS NULL;
   CREATE INDEX nudges_by_person ON nudges (email, channel, sent_at);
   CREATE INDEX nudges_by_time ON nudges (queued_at);
   CREATE TABLE nudge_items_sent (
     email TEXT NOT NULL, channel TEXT NOT NULL, item_key TEXT NOT NULL, sent_at INTEGER NOT NULL,
     PRIMARY KEY (email, channel, item_key));
   CREATE TABLE nudge_snoozes (
     email TEXT NOT NULL, item_key TEXT NOT NULL, until INTEGER NOT NULL,
     PRIMARY KEY (email, item_key));
   CREATE TABLE nudge_preferences (
     email TEXT NOT NULL, channel TEXT NOT NULL, critical_only INTEGER NOT NULL,
     PRIMARY KEY (email, channel));`;

interface Body {
  message: NudgeMessage;
  itemKeys: string[];
  critical: number;
}

/** How many of a person's latest messages the history reads (the weekly cap needs a few). */
const HISTORY_MESSAGES = 50;

/**
 * The nudge ledger of the SQLite store.
 *
 * @param db the open, migrated database
 * @param run the store's runner
 * @returns every method of `NudgeLedger` (see its docs in `engine/nudges/nudge_ports.ts`)
 */
export function sqliteNudges(db: DatabaseSync, run: Runner): NudgeLedger {
  const q = {
    itemsSent: db.prepare(
      "SELECT item_key, sent_at FROM nudge_items_sent WHERE email = ? AND channel = ?",
    ),
    sentAt: db.prepare(`SELECT sent_at FROM nudges WHERE email = ? AND channel = ?
      AND sent_at IS NOT NULL ORDER BY sent_at DESC LIMIT ${HISTORY_MESSAGES}`),
    snoozes: db.prepare("SELECT item_key, until FROM nudge_snoozes WHERE email = ?"),
    preference: db.prepare(
      "SELECT critical_only FROM nudge_preferences WHERE email = ? AND channel = ?",
    ),
    queue: db.prepare(`INSERT INTO nudges (key, email, channel, body, queued_at, next_attempt_at)
      VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING`),
    due: db.prepare(`SELECT * FROM nudges WHERE sent_at IS NULL AND refused_at IS NULL
      AND next_attempt_at <= ? AND lease_until <= ? ORDER BY next_attempt_at, queued_at LIMIT ?`),
    lease: db.prepare("UPDATE nudges SET lease_until = ?, attempts = attempts + 1 WHERE key = ?"),
    sent: db.prepare(
      "UPDATE nudges SET sent_at = ?, lease_until = 0 WHERE key = ? AND sent_at IS NULL",
    ),
    one: db.prepare("SELECT email, channel, body FROM nudges WHERE key = ?"),
    itemSent: db.prepare(`INSERT INTO nudge_items_sent (email, channel, item_key, sent_at)
      VALUES (?, ?, ?, ?) ON CONFLICT DO UPDATE SET sent_at = MAX(sent_at, excluded.sent_at)`),
    failed: db.prepare(`UPDATE nudges SET next_attempt_at = ?, last_error = ?, lease_until = 0,
      refused_at = ? WHERE key = ? AND sent_at IS NULL`),
    snooze: db.prepare(`INSERT INTO nudge_snoozes (email, item_key, until) VALUES (?, ?, ?)
      ON CONFLICT DO UPDATE SET until = excluded.until`),
    prefer: db.prepare(`INSERT INTO nudge_preferences (email, channel, critical_only)
      VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET critical_only = excluded.critical_only`),
    since: db.prepare("SELECT * FROM nudges WHERE queued_at >= ? ORDER BY queued_at DESC LIMIT ?"),
  };

  return {
    nudgeHistory(email: string, channel: string): Promise<NudgeHistory> {
      return run("read a person's nudges", () => {
        const lastSent = new Map(
          q.itemsSent.all(email, channel).map((r) => [String(r.item_key), date(r.sent_at)]),
        );
        const sentAt = q.sentAt.all(email, channel).map((r) => date(r.sent_at));
        const snoozed = new Map(
          q.snoozes.all(email).map((r) => [String(r.item_key), date(r.until)]),
        );
        const criticalOnly = Number(q.preference.get(email, channel)?.critical_only ?? 0) === 1;
        return { lastSent, sentAt, snoozed, criticalOnly };
      });
    },

    queueNudge(nudge: Omit<QueuedNudge, "attempts" | "nextAttemptAt">): Promise<boolean> {
      const body: Body = {
        message: nudge.message,
        itemKeys: nudge.itemKeys,
        critical: nudge.critical,
      };
      const at = nudge.queuedAt.getTime();
      return run(
        "queue a nudge",
        () =>
          q.queue.run(nudge.key, nudge.email, nudge.channel, JSON.stringify(body), at, at)
            .changes === 1,
      );
    },

    takeDueNudges(now: Date, limit: number, leaseMs: number): Promise<QueuedNudge[]> {
      const t = now.getTime();
      return run("take due nudges", () => {
        const rows = q.due.all(t, t, limit);
        for (const r of rows) q.lease.run(t + leaseMs, String(r.key));
        return rows.map(toQueued);
      }, true);
    },

    markNudgeSent(key: string, at: Date): Promise<void> {
      return run("record a sent nudge", () => {
        if (q.sent.run(at.getTime(), key).changes !== 1) return;
        const row = q.one.get(key);
        if (row === undefined) return;
        const body = JSON.parse(String(row.body)) as Body;
        for (const item of body.itemKeys) {
          q.itemSent.run(String(row.email), String(row.channel), item, at.getTime());
        }
      }, true);
    },

    markNudgeFailed(
      key: string,
      outcome: { at: Date; nextAttemptAt: Date; error: string; refused: boolean },
    ): Promise<void> {
      return run("record a failed nudge", () => {
        q.failed.run(
          outcome.nextAttemptAt.getTime(),
          outcome.error,
          outcome.refused ? outcome.at.getTime() : null,
          key,
        );
      });
    },

    snoozeNudgeItem(email: string, itemKey: string, until: Date): Promise<void> {
      return run("snooze an item", () => {
        q.snooze.run(email, itemKey, until.getTime());
      });
    },

    setCriticalOnly(email: string, channel: string, criticalOnly: boolean): Promise<void> {
      return run("save a message preference", () => {
        q.prefer.run(email, channel, criticalOnly ? 1 : 0);
      });
    },

    nudgesSince(
      since: Date,
      limit: number,
    ): Promise<(QueuedNudge & { state: NudgeState; sentAt?: Date })[]> {
      return run("list nudges", () =>
        q.since.all(since.getTime(), limit).map((r) => {
          const state: NudgeState = r.sent_at !== null
            ? "sent"
            : r.refused_at !== null
            ? "refused"
            : "queued";
          return {
            ...toQueued(r),
            state,
            ...(r.sent_at !== null ? { sentAt: date(r.sent_at) } : {}),
          };
        }));
    },
  };
}

function date(value: unknown): Date {
  return new Date(Number(value));
}

function toQueued(r: Record<string, unknown>): QueuedNudge {
  const body = JSON.parse(String(r.body)) as Body;
  const item: QueuedNudge = {
    key: String(r.key),
    email: String(r.email),
    channel: String(r.channel),
    message: body.message,
    itemKeys: body.itemKeys,
    critical: body.critical,
    queuedAt: date(r.queued_at),
    attempts: Number(r.attempts),
    nextAttemptAt: date(r.next_attempt_at),
  };
  if (typeof r.last_error === "string") item.lastError = r.last_error;
  return item;
}
