/**
 * The ports of nudges (issue 27): a channel that delivers a message to a person (Slack, email),
 * and the ledger that remembers what was queued, sent, snoozed and opted out of, shared by every
 * process through the store. Kept apart from `ports.ts` because only nudges use them.
 *
 * @module
 */
import type { NudgeMessage } from "./nudge_message.ts";
import type { NudgeHistory } from "./nudges.ts";
import type { CallOptions, PluginBase } from "../core/ports.ts";

/** What a send is handed besides the deadline. */
export interface NudgeSendOptions extends CallOptions {
  /** The message's idempotency key (`nudgeKey`): the same for every attempt at one message. */
  idempotencyKey: string;
  /**
   * An earlier attempt at this message may have reached the channel (the process stopped between
   * sending and recording it): a channel that can look (Slack's message metadata) looks first.
   */
  mayHaveBeenSent: boolean;
}

/** The channel refused a message for good (no such user, channel gone): retrying cannot help. */
export class NudgeRefusedError extends Error {
  override name = "NudgeRefusedError";
  /** The channel's own word for it (`users_not_found`, SMTP `550`). */
  readonly code: string;
  /**
   * @param message plain words for the operator (never a secret or a message body)
   * @param code the channel's error code
   */
  constructor(message: string, code: string) {
    super(message);
    this.code = code;
  }
}

/** A delivery channel for nudges (`slack`, `email`). */
export interface NudgeChannel extends PluginBase {
  /**
   * Delivers one message to one person.
   *
   * @returns where it went (Slack `channel` and `ts`, SMTP `Message-ID`), for the log
   * @throws {NudgeRefusedError} when the channel refuses for good
   * @throws an error with a numeric `retryAfterMs` when the channel asked to wait (Slack's
   *   `ratelimited` with `Retry-After`); other errors are retried with back-off
   */
  sendNudge(email: string, message: NudgeMessage, options: NudgeSendOptions): Promise<string>;
  /** The person's IANA time zone when the channel knows it (Slack's `user.tz`), else undefined. */
  timeZoneOf?(email: string, options: CallOptions): Promise<string | undefined>;
}

/** A message waiting in the nudge outbox. */
export interface QueuedNudge {
  key: string;
  email: string;
  channel: string;
  message: NudgeMessage;
  /** The keys of the items it carries (they count as sent once it is delivered). */
  itemKeys: string[];
  /** Items carried that are critical (for the dashboard's counts). */
  critical: number;
  queuedAt: Date;
  attempts: number;
  nextAttemptAt: Date;
  lastError?: string;
}

/** What became of a nudge. */
export type NudgeState = "queued" | "sent" | "refused";

/** The store's part for nudges; every method is shared by all processes on the store. */
export interface NudgeLedger {
  /** What was sent to `email` on `channel`, what they snoozed and whether they chose critical-only. */
  nudgeHistory(email: string, channel: string): Promise<NudgeHistory>;
  /**
   * Queues a message unless one with its key exists (atomic): `true` when this call queued it.
   * This is what makes a plan made twice (two processes, a restart) one message.
   */
  queueNudge(nudge: Omit<QueuedNudge, "attempts" | "nextAttemptAt">): Promise<boolean>;
  /**
   * Takes up to `limit` due messages for `leaseMs`: a message taken by one process is not taken by
   * another until the lease ends (so a process killed mid-send leaves it to the next one).
   * Each returned item's `attempts` counts the takes before this one.
   */
  takeDueNudges(now: Date, limit: number, leaseMs: number): Promise<QueuedNudge[]>;
  /** Records delivery: the items count as sent at `at`; a second call changes nothing. */
  markNudgeSent(key: string, at: Date): Promise<void>;
  /** Records a failed attempt at `at`: retried at `nextAttemptAt`, or never when `refused`. */
  markNudgeFailed(
    key: string,
    outcome: { at: Date; nextAttemptAt: Date; error: string; refused: boolean },
  ): Promise<void>;
  /** Snoozes one suggested item of `email` until `until` (every channel). */
  snoozeNudgeItem(email: string, itemKey: string, until: Date): Promise<void>;
  /** Turns non-critical messages on `channel` off (`true`) or on again for `email`. */
  setCriticalOnly(email: string, channel: string, criticalOnly: boolean): Promise<void>;
  /** Messages by state since `since`, for the dashboard (newest first, at most `limit`). */
  nudgesSince(
    since: Date,
    limit: number,
  ): Promise<(QueuedNudge & { state: NudgeState; sentAt?: Date })[]>;
}
