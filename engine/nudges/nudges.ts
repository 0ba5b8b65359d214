/**
 * Nudges (issue 27): whether a person gets a message now, and with which items. Peers meet people
 * where they are (Kolide in Slack on weekday afternoons after a grace period, Intune by email on a
 * schedule); this decides, for one person and one channel, from their actionable items and what
 * was already sent, so that a message carries only what is **new or overdue**, arrives in the
 * person's own weekday-afternoon window, at most once per day and a few times a week, and never
 * carries a snoozed or opted-out item. Pure: the clock, the history and the time zone are inputs;
 * delivery and storage are the caller's (the outbox and the nudge ledger).
 *
 * @module
 */
import { sha256Hex } from "../../lib/sha256.ts";
import { isTimeZone } from "../../lib/time_zone.ts";

/** How urgent an item of a nudge is: fix now, or suggested (often with a deadline). */
export type NudgeLevel = "critical" | "suggested";

/** One thing a person can act on, as a message names it. */
export interface NudgeItem {
  /** Stable across runs and processes, e.g. `device:C02XK1:firewall` or `account:fry@…:2sv`. */
  key: string;
  level: NudgeLevel;
  /** What is wrong, in the words of the page ("Firewall is off"). */
  title: string;
  /** On which device or account ("MacBook Pro · macOS 15.6"). */
  where: string;
  /** The path of the item's fix on the person's pages (`/devices#dev-C02XK1-firewall`). */
  href: string;
  /** When the item began failing (the engine's "failing since"), when known. */
  since?: Date;
  /** During a grace period: when a suggested item becomes critical. */
  deadline?: Date;
}

/** The hours a message may arrive in, in the person's local time. */
export interface NudgeWindow {
  /** ISO weekdays allowed: 1 = Monday … 7 = Sunday. Default Monday–Friday. */
  days: readonly number[];
  /** First local hour allowed, 0–23. Default 13. */
  fromHour: number;
  /** First local hour no longer allowed, 1–24. Default 17 (so 13:00–16:59). */
  toHour: number;
}

/** The company's rules for nudges (config `NUDGES`). */
export interface NudgeSettings {
  window: NudgeWindow;
  /** IANA time zone used when the person's own is not known. Default `UTC`. */
  timeZone: string;
  /** Most messages per person and channel in any 7 days. Default 2. */
  weeklyCap: number;
  /** A critical item already sent is sent again (if still failing) after this many days. Default 7. */
  remindAfterDays: number;
}

/** Defaults: weekday afternoons 13:00–17:00, UTC, two messages a week, weekly reminders. */
export const DEFAULT_NUDGE_SETTINGS: NudgeSettings = {
  window: { days: [1, 2, 3, 4, 5], fromHour: 13, toHour: 17 },
  timeZone: "UTC",
  weeklyCap: 2,
  remindAfterDays: 7,
};

/** What was already sent to a person on one channel, and their choices. */
export interface NudgeHistory {
  /** Item key → when a message carrying it was last sent. */
  lastSent: ReadonlyMap<string, Date>;
  /** When messages were sent (any age; only the last 7 days count for the cap). */
  sentAt: readonly Date[];
  /** Item key → snoozed until (suggested items only; a critical item cannot be snoozed). */
  snoozed: ReadonlyMap<string, Date>;
  /** The person turned off non-critical messages on this channel. */
  criticalOnly: boolean;
}

/** An empty history: nothing sent, nothing snoozed. */
export const NO_NUDGE_HISTORY: NudgeHistory = {
  lastSent: new Map(),
  sentAt: [],
  snoozed: new Map(),
  criticalOnly: false,
};

/** Why a person gets no message now (one per rule, in the order they are checked). */
export type NudgeHold =
  | "nothing-new"
  | "outside-window"
  | "already-today"
  | "weekly-cap";

/** The decision for one person and channel. */
export type NudgePlan =
  | {
    send: true;
    /** The items of the digest: critical first, then by deadline, then in the given order. */
    items: NudgeItem[];
    /** Why each item is in it, by key: never sent before, overdue, or a reminder. */
    because: ReadonlyMap<string, "new" | "overdue" | "reminder">;
    /** The person's local calendar day the message belongs to (`2026-12-07`). */
    localDay: string;
    /** The time zone the window was read in. */
    timeZone: string;
  }
  | { send: false; hold: NudgeHold; timeZone: string };

/** What {@link planNudge} is asked. */
export interface NudgeInput {
  /** The person's actionable items (critical and suggested; nothing that cannot be checked). */
  items: readonly NudgeItem[];
  history: NudgeHistory;
  settings: NudgeSettings;
  now: Date;
  /** The person's IANA time zone when a channel knows it (Slack's `user.tz`). */
  timeZone?: string;
}

const DAY_MS = 86_400_000;

/** The local weekday (1–7), hour (0–23) and calendar day of `at` in `timeZone`. */
interface LocalTime {
  weekday: number;
  hour: number;
  day: string;
}

const WEEKDAYS: Readonly<Record<string, number>> = {
  Mon: 1,
  Tue: 2,
  Wed: 3,
  Thu: 4,
  Fri: 5,
  Sat: 6,
  Sun: 7,
};

/**
 * The local weekday, hour and day of an instant in an IANA time zone (through `Intl`, so daylight
 * saving follows the runtime's time-zone database).
 *
 * @param at the instant
 * @param timeZone an IANA name such as `Europe/Paris`
 * @returns `{weekday: 1–7 (Monday first), hour: 0–23, day: "YYYY-MM-DD"}`
 * @throws {RangeError} when `timeZone` is not a time zone the runtime knows
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const t = localTime(new Date("2026-12-07T12:30:00Z"), "Europe/Paris");
 * assert.deepEqual(t, { weekday: 1, hour: 13, day: "2026-12-07" });
 * ```
 */
export function localTime(at: Date, timeZone: string): LocalTime {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    weekday: "short",
    hour: "numeric",
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).formatToParts(at);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  return {
    weekday: WEEKDAYS[get("weekday")] ?? 0,
    hour: Number(get("hour")),
    day: `${get("year")}-${get("month")}-${get("day")}`,
  };
}

function why(
  item: NudgeItem,
  history: NudgeHistory,
  settings: NudgeSettings,
  now: Date,
): "new" | "overdue" | "reminder" | undefined {
  const last = history.lastSent.get(item.key);
  if (last === undefined) return "new";
  const deadline = item.deadline?.getTime();
  if (deadline !== undefined && deadline <= now.getTime() && last.getTime() < deadline) {
    return "overdue";
  }
  if (
    item.level === "critical" && now.getTime() - last.getTime() >= settings.remindAfterDays * DAY_MS
  ) {
    return "reminder";
  }
  return undefined;
}

/**
 * Decides whether one person gets a message on one channel now, and which items it carries.
 *
 * Rules, in order: items snoozed until later (suggested only) and, when the person chose
 * critical-only on this channel, suggested items are left out; an item is carried when it was
 * never sent (`new`), when its deadline passed since it was last sent (`overdue`), or when it is
 * critical and was last sent `remindAfterDays` ago or more (`reminder`) — so the same list is never
 * repeated daily. With nothing to carry the hold is `nothing-new`. Otherwise the person's local
 * time (their own time zone when known and valid, else `settings.timeZone`) must be inside the
 * window (`outside-window`), no message may have been sent on the same local day
 * (`already-today`), and fewer than `weeklyCap` in the last 7 days (`weekly-cap`).
 *
 * @param input the person's items, history, the company's settings, the clock, their time zone
 * @returns a plan to send (items, reasons, local day, time zone) or a hold with its reason
 * @throws {RangeError} when `settings.timeZone` is not a known time zone (config validation
 *   refuses such a setting first)
 * @example Fry's firewall, first seen, on a Monday afternoon in Paris
 * ```ts
 * import assert from "node:assert/strict";
 * const plan = planNudge({
 *   items: [{ key: "device:C02:firewall", level: "critical", title: "Firewall is off",
 *     where: "MacBook Pro", href: "/devices#dev-C02-firewall" }],
 *   history: NO_NUDGE_HISTORY,
 *   settings: DEFAULT_NUDGE_SETTINGS,
 *   now: new Date("2026-12-07T13:30:00Z"),
 *   timeZone: "Europe/Paris",
 * });
 * assert.equal(plan.send, true);
 * ```
 */
export function planNudge(input: NudgeInput): NudgePlan {
  const { history, settings, now } = input;
  const timeZone = input.timeZone !== undefined && isTimeZone(input.timeZone)
    ? input.timeZone
    : settings.timeZone;
  const because = new Map<string, "new" | "overdue" | "reminder">();
  const chosen: NudgeItem[] = [];
  for (const item of input.items) {
    if (item.level !== "critical") {
      if (history.criticalOnly) continue;
      const until = history.snoozed.get(item.key);
      if (until !== undefined && until.getTime() > now.getTime()) continue;
    }
    const reason = why(item, history, settings, now);
    if (reason === undefined) continue;
    because.set(item.key, reason);
    chosen.push(item);
  }
  if (chosen.length === 0) return { send: false, hold: "nothing-new", timeZone };
  const local = localTime(now, timeZone);
  const w = settings.window;
  if (!w.days.includes(local.weekday) || local.hour < w.fromHour || local.hour >= w.toHour) {
    return { send: false, hold: "outside-window", timeZone };
  }
  if (history.sentAt.some((t) => localTime(t, timeZone).day === local.day)) {
    return { send: false, hold: "already-today", timeZone };
  }
  const week = history.sentAt.filter((t) => now.getTime() - t.getTime() < 7 * DAY_MS).length;
  if (week >= settings.weeklyCap) return { send: false, hold: "weekly-cap", timeZone };
  const order = (i: NudgeItem) => (i.level === "critical" ? 0 : 1);
  const items = chosen
    .map((item, i) => ({ item, i }))
    .sort((a, b) =>
      order(a.item) - order(b.item) ||
      (a.item.deadline?.getTime() ?? Infinity) - (b.item.deadline?.getTime() ?? Infinity) ||
      a.i - b.i
    )
    .map((x) => x.item);
  return { send: true, items, because, localDay: local.day, timeZone };
}

/**
 * The idempotency key of one message: the same person, channel, local day and items always give
 * the same key, so a second process or a restart that plans the same message finds it queued
 * already (the outbox refuses a second row with the key) instead of sending it twice.
 *
 * @param email the person (folded by the caller)
 * @param channel the channel plugin's name (`slack`, `email`)
 * @param plan a plan to send
 * @returns `nudge:<channel>:<day>:<sha-256 hex of email and item keys>` (no personal data in clear)
 */
export async function nudgeKey(
  email: string,
  channel: string,
  plan: Extract<NudgePlan, { send: true }>,
): Promise<string> {
  const keys = plan.items.map((i) => i.key).sort().join("\n");
  const hex = await sha256Hex(`${email}\n${channel}\n${plan.localDay}\n${keys}`);
  return `nudge:${channel}:${plan.localDay}:${hex.slice(0, 32)}`;
}
