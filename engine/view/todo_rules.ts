/**
 * The rules of the to-do list (`todo.ts`): which of a person's devices, accounts and alerts are
 * listed, at which level, and which are counted. {@link walk} goes over them once, in the list's
 * order, for both the list (`todoList()`) and the badge's count (`todoCount()`), so the two cannot
 * disagree. Pure: the clock and the stale limit are inputs.
 *
 * @module
 */
import { actionGroups, ratingOfGroups } from "./rating.ts";
import { type Severity, severityOfNotification } from "../core/severity.ts";
import type { Account, MergedDevice, Notification, PracticeData } from "../core/types.ts";
import { deviceAnchor } from "./device_names.ts";

/** Where an item is listed: fix now, suggested, not seen lately, can't check, for information. */
export type TodoLevel = Extract<Severity, "critical" | "suggested" | "unknown" | "info"> | "stale";

/** The order the levels are listed in. */
export const TODO_LEVELS: readonly TodoLevel[] = [
  "critical",
  "suggested",
  "stale",
  "unknown",
  "info",
];

/** What the person already did with an alert. */
export interface AlertState {
  dismissed: boolean;
  /** The answer given, for questions. */
  answer?: string | undefined;
}

/** What the list is made from. */
export interface TodoInput {
  /** The person's devices, in display order (`PersonView.devices`). */
  devices: readonly MergedDevice[];
  accounts: readonly Account[];
  notifications: readonly Notification[];
  /** Dismissals and answers by notification id (and by sign-in answer key). */
  states: ReadonlyMap<string, AlertState>;
  now: Date;
  /** A device not heard from for more days than this is asked about, not listed (default 90). */
  staleDays?: number;
}

/** Days after which a device no inventory has heard from is asked about (`NUDGES.STALE_DAYS`). */
export const DEFAULT_STALE_DAYS = 90;

const DAY_MS = 86_400_000;

/** Whether an account has 2-Step Verification on (Google's `accounts:is_2sv_enrolled`). */
export function twoStepOn(a: Account): boolean {
  return twoStepState(a) === "on";
}

/**
 * An account's 2-Step Verification as the source read it: `on` / `off` from the boolean Google's
 * usage report sends as `accounts:is_2sv_enrolled`; `unknown` when the report did not carry it
 * or carried it in a form we could not read (the source names that as a gap) — never "off".
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const account = (user_usage: Record<string, boolean>) => ({ name: "fry@example.com",
 *   type: "google", source: "google", user_usage, last_updated: new Date(0) });
 * assert.equal(twoStepState(account({ "accounts:is_2sv_enrolled": false })), "off");
 * assert.equal(twoStepState(account({})), "unknown"); // the report did not say: never "off"
 * ```
 */
export function twoStepState(a: Account): "on" | "off" | "unknown" {
  const enrolled = a.user_usage["accounts:is_2sv_enrolled"];
  if (enrolled === true) return "on";
  return enrolled === false ? "off" : "unknown";
}

/**
 * A notification's state, with the answer of the sign-in it asks about when it names one
 * (`event_id`), so a sign-in has one answer wherever it is given.
 */
export function stateOf(
  n: Notification,
  states: ReadonlyMap<string, AlertState>,
): AlertState {
  const own = states.get(n.id) ?? { dismissed: false };
  const linked = n.event_id === undefined ? undefined : states.get(n.event_id)?.answer;
  return linked === undefined ? own : { ...own, answer: linked };
}

/**
 * Whether the security team waived a practice for this device or person (issue 26: `exempt`,
 * set inside `personView`); an exempt practice is not to do, whatever its status.
 */
export function isExempt(p: PracticeData): boolean {
  return p.exempt !== undefined;
}

/** Whether a device was last heard from more than `staleDays` before `now`. */
export function isStale(d: Pick<MergedDevice, "last_sync">, now: Date, staleDays: number): boolean {
  const seen = d.last_sync?.getTime();
  return seen !== undefined && now.getTime() - seen > staleDays * DAY_MS;
}

/**
 * Whether an alert names this device (`device`: any identifier or the host name, any case).
 * Written as a loop over the fields rather than an array of them: it runs for every alert about a
 * device on every page view (the badge).
 */
function names(d: MergedDevice, device: string): boolean {
  const wanted = device.trim().toLowerCase();
  const ids = d.identifiers;
  if (
    same(d.name, wanted) || same(ids.serial, wanted) || same(ids.udid, wanted) ||
    same(ids.google_device_id, wanted) || same(ids.imei, wanted) || same(ids.meid, wanted)
  ) return true;
  return ids.mac_addresses?.some((v) => same(v, wanted)) ?? false;
}

function same(value: string | undefined, wanted: string): boolean {
  return value !== undefined && value.toLowerCase() === wanted;
}

/**
 * What {@link walk} finds, in the list's order before it is grouped by level: each device's stale
 * question, practices or "nothing is known", then each account, then each alert (newest first).
 * The walk decides every level and whether it is counted; `todoList()` builds the items from
 * it and `todoCount()` only counts, so the two cannot disagree.
 */
export interface Walker {
  /** A device not heard from for `staleDays`: asked about, not counted. */
  stale(d: MergedDevice, i: number): void;
  /** A practice to list on a device: counted when critical or suggested. */
  practice(d: MergedDevice, i: number, level: TodoLevel, key: string, p: PracticeData): void;
  /** A device nothing is known about: listed as "can't check", not counted. */
  unknown(d: MergedDevice, i: number): void;
  /** An account whose 2-Step Verification is off (counted) or could not be read (not counted). */
  account(a: Account, i: number, off: boolean): void;
  /** An alert about the `at`-th counted practice (in walk order): listed with it, not on its own. */
  linked(n: Notification, state: AlertState, at: number): void;
  /** An alert of its own. */
  alert(n: Notification, state: AlertState, level: TodoLevel, counted: boolean): void;
}

/** Whether a practice at this level is counted (fix now and suggested: the person can act). */
export function countedLevel(level: TodoLevel): boolean {
  return level === "critical" || level === "suggested";
}

/**
 * Walks a person's devices, accounts and alerts in the list's order (see {@link Walker}), telling
 * `to` what each is: the levels and what is counted are decided here only.
 *
 * @param input the person's devices (display order), accounts, alerts, their states, the clock
 * @param to what to do with each thing found
 * @example Counting the critical practices of a Mac
 * ```ts
 * import assert from "node:assert/strict";
 * const now = new Date("2026-11-26T12:00:00Z");
 * const mac = {
 *   name: "fry-mbp", sources: ["jamf"], identifiers: { serial: "C02FRY" }, last_sync: now,
 *   practices: { firewall: { status: "warn" }, screenlock: { status: "unknown" } },
 * } as never;
 * const found: string[] = [];
 * const none = () => {};
 * walk({ devices: [mac], accounts: [], notifications: [], states: new Map(), now }, {
 *   stale: none, unknown: none, linked: none, account: none, alert: none,
 *   practice: (_d, _i, level, key) => void found.push(`${level} ${key}`),
 * });
 * assert.deepEqual(found, ["critical firewall", "unknown screenlock"]);
 * ```
 */
export function walk(input: TodoInput, to: Walker): void {
  const staleDays = input.staleDays ?? DEFAULT_STALE_DAYS;
  const { devices, now } = input;
  /** The counted practices in walk order, as the device's index and the practice's key. */
  const counted: { device: number; practice: string }[] = [];
  const practices = (
    d: MergedDevice,
    i: number,
    level: TodoLevel,
    list: [string, PracticeData][],
  ) => {
    for (const [key, p] of list) {
      if (isExempt(p)) continue;
      if (countedLevel(level)) counted.push({ device: i, practice: key });
      to.practice(d, i, level, key, p);
    }
  };
  devices.forEach((d, i) => {
    if (isStale(d, now, staleDays)) return to.stale(d, i);
    const g = actionGroups(d);
    practices(d, i, "critical", g.critical);
    practices(d, i, "suggested", g.suggested);
    if (ratingOfGroups(g) !== "unknown") practices(d, i, "unknown", g.cannotCheck);
    else to.unknown(d, i);
  });
  input.accounts.forEach((a, i) => {
    const state = twoStepState(a);
    if (state !== "on") to.account(a, i, state === "off");
  });
  const alerts = [...input.notifications]
    .sort((a, b) => b.event_timestamp.getTime() - a.event_timestamp.getTime());
  for (const n of alerts) {
    const state = stateOf(n, input.states);
    const at = n.practice === undefined ? -1 : linkedAt(n, devices, counted);
    if (at >= 0) {
      to.linked(n, state, at);
      continue;
    }
    if (state.dismissed) continue;
    const fixed = n.practice !== undefined && (passes(n, devices) || waived(n, devices));
    // An alert about a device not heard from for staleDays is information, not to do: the device
    // itself is asked about ("Not seen since …: is this still yours?").
    const stale = n.device !== undefined &&
      devices.some((d) => names(d, n.device!) && isStale(d, now, staleDays));
    const severity = fixed ? "info" : severityOfNotification(n);
    const open = n.type === "question" ? state.answer === undefined : true;
    to.alert(n, state, stale ? "info" : severity, !stale && severity !== "info" && open);
  }
}

/**
 * The index among `counted` (walk order) of the failing practice an alert is about: its device
 * named, else the first failing one; -1 when none. A device is looked up by its anchor, first
 * with that anchor first, as the items' keys (`device:<anchor>:<practice>`) name it.
 */
function linkedAt(
  n: Notification,
  devices: readonly MergedDevice[],
  counted: readonly { device: number; practice: string }[],
): number {
  for (let k = 0; k < counted.length; k++) {
    const c = counted[k]!;
    if (c.practice !== n.practice) continue;
    if (n.device === undefined) return k;
    const d = devices[firstWithAnchor(devices, c.device)];
    if (d !== undefined && names(d, n.device)) return k;
  }
  return -1;
}

/** The first index of a device with the same anchor as device `i` (`i` itself if unique). */
function firstWithAnchor(devices: readonly MergedDevice[], i: number): number {
  const anchor = deviceAnchor(devices[i]!, i);
  for (let j = 0; j < i; j++) if (deviceAnchor(devices[j]!, j) === anchor) return j;
  return i;
}

/**
 * Whether the security team waived the practice an alert is about on each device it is about
 * that does not pass it (issue 26): like a fixed one, the alert is shown for information and not
 * counted.
 */
function waived(n: Notification, devices: readonly MergedDevice[]): boolean {
  const about = devices.filter((d) => n.device === undefined || names(d, n.device));
  return about.length > 0 && about.every((d) => {
    const p = d.practices[n.practice!];
    return p !== undefined && (p.status === "ok" || isExempt(p));
  });
}

/** Whether the device an alert is about now passes its practice (the alert is out of date). */
function passes(n: Notification, devices: readonly MergedDevice[]): boolean {
  const about = devices.filter((d) => n.device === undefined || names(d, n.device));
  return about.length > 0 &&
    about.every((d) => d.practices[n.practice!]?.status === "ok");
}
