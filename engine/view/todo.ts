/**
 * A person's to-do list (issue 27): what they must do and by when, from their view
 * (`personView()`), their alerts and what they already did with them. The navigation badge, the
 * Overview, the JSON API and the nudge messages all read this one model.
 *
 * - **Counted** (the badge, "N to fix now"): what the person can act on — failing practices (fix
 *   now, suggested), accounts without 2-Step Verification, critical and suggested alerts, and
 *   questions not answered yet. Can't-check items, devices not seen for `staleDays`, notices and
 *   answered questions are listed but not counted.
 * - **A device not seen for `staleDays`** leaves "Fix now": one item asks "Not seen since March
 *   2017: is this still yours?" instead of listing its practices.
 * - **An alert about a failing practice** (a notification naming the `practice`, and the
 *   `device` by any of its identifiers) is attached to that practice's item: it links to the fix
 *   and is counted once, with the practice. Dismissing it hides the alert, not the item: only a
 *   fixed device clears it. A dismissed alert stays on its item with `state.dismissed`, so the
 *   page can say, where the alert was, that the item is still to do. An alert about a practice
 *   the device now passes is a notice.
 * - **Exempt practices** (an `exempt` flag on the practice result, set inside `personView` when
 *   the security team waives it) are left out.
 *
 * Pure: the clock and the stale limit are inputs.
 *
 * @module
 */
import { actionGroups, ratingOfGroups } from "./rating.ts";
import { formatMonth } from "../releases/releases.ts";
import { type Severity, severityOfNotification } from "../core/severity.ts";
import type {
  Account,
  MergedDevice,
  Notification,
  PracticeData,
  PracticeTarget,
} from "../core/types.ts";
import { deviceAnchor, deviceWhere, practiceAnchor } from "./device_names.ts";

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

/** An alert attached to the practice it is about. */
export interface LinkedAlert {
  alert: Notification;
  state: AlertState;
}

interface ItemBase {
  /** Stable across runs: `device:<anchor>:<practice>`, `account:<type>:<name>:2sv`, `alert:<id>`. */
  key: string;
  level: TodoLevel;
  /** Whether the badge and the counts include it (see the module documentation). */
  counted: boolean;
  /** What is wrong, in the page's words ("Firewall is off"). */
  title: string;
  /** On which device or account ("MacBook Pro · macOS 15.6"); empty for an alert. */
  where: string;
  /** Where it is fixed or answered: `/devices#dev-C02X-firewall`, `/accounts#acct-0`, `/#n-…`. */
  href: string;
  /** When it began failing, when known. */
  since?: Date;
  /** When it is due: a suggested item's end of grace, or the date an update was due by. */
  deadline?: Date;
}

/** One thing to do, or to know. */
export type TodoItem =
  | ItemBase & {
    kind: "practice";
    practice: string;
    /** The alerts about this practice on this device, dismissed ones too (`state.dismissed`). */
    alerts: LinkedAlert[];
    /** An update item's one release to install, named in its title with its deadline. */
    target?: PracticeTarget;
  }
  | ItemBase & { kind: "account" }
  | ItemBase & { kind: "device" }
  | ItemBase & { kind: "alert"; alert: Notification; state: AlertState };

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

/** How many items a level lists, and how many of them are counted. */
export interface LevelCount {
  shown: number;
  counted: number;
}

/** The to-do list with its counts. */
export interface TodoList {
  /** Most urgent first; within a level: devices (page order), accounts, then alerts (newest first). */
  items: TodoItem[];
  /** What the badge shows: the counted items. */
  count: number;
  byLevel: Record<TodoLevel, LevelCount>;
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

/** The anchor of an account card on the Accounts page. */
export function accountAnchor(index: number): string {
  return `acct-${index}`;
}

/**
 * The id of a notification's card, e.g. `n-signin-fry-3`: answering without htmx redirects to
 * `/#<id>`, so the browser lands on (and focuses) the card just answered.
 */
export function notificationDomId(id: string): string {
  return `n-${id.replace(/[^A-Za-z0-9_-]/g, "_")}`;
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

/** Whether an alert names this device (`device`: any identifier or the host name, any case). */
function names(d: MergedDevice, device: string): boolean {
  const wanted = device.trim().toLowerCase();
  const ids = d.identifiers;
  return [
    d.name,
    ids.serial,
    ids.udid,
    ids.google_device_id,
    ids.imei,
    ids.meid,
    ...ids.mac_addresses ?? [],
  ].some((v) => v !== undefined && v.toLowerCase() === wanted);
}

/**
 * The to-do list of a person (see the module documentation for what is listed and counted).
 *
 * @param input the person's devices (display order), accounts, alerts and their states, the clock
 * @returns the items, most urgent first, and the counts the badge and the Overview show
 * @example An alert about a failing firewall is counted once, with the practice
 * ```ts
 * import assert from "node:assert/strict";
 * const now = new Date("2026-11-26T12:00:00Z");
 * const mac = {
 *   name: "fry-mbp", sources: ["jamf"], identifiers: { serial: "C02FRY" }, last_sync: now,
 *   practices: { firewall: { status: "warn", title: "Firewall is off" } },
 * } as never;
 * const list = todoList({
 *   devices: [mac], accounts: [], states: new Map(), now,
 *   notifications: [{
 *     id: "fw", type: "simple", message: "fry-mbp's firewall is off", severity: "critical",
 *     event_timestamp: now, practice: "firewall", device: "fry-mbp",
 *   }],
 * });
 * assert.equal(list.count, 1);
 * assert.equal(list.items[0]?.href, "/devices#dev-C02FRY-firewall");
 * ```
 */
export function todoList(input: TodoInput): TodoList {
  const staleDays = input.staleDays ?? DEFAULT_STALE_DAYS;
  const items: TodoItem[] = [];
  const practiceItems: Extract<TodoItem, { kind: "practice" }>[] = [];
  input.devices.forEach((d, i) => {
    const anchor = deviceAnchor(d, i);
    const where = deviceWhere(d);
    if (isStale(d, input.now, staleDays)) {
      items.push({
        kind: "device",
        key: `device:${anchor}:stale`,
        level: "stale",
        counted: false,
        title: `Not seen since ${formatMonth(d.last_sync!)}: is this still yours?`,
        where,
        href: `/devices#${anchor}`,
      });
      return;
    }
    const g = actionGroups(d);
    const add = (level: TodoLevel, list: [string, PracticeData][]) => {
      for (const [key, p] of list) {
        if (isExempt(p)) continue;
        const item: Extract<TodoItem, { kind: "practice" }> = {
          kind: "practice",
          key: `device:${anchor}:${key}`,
          level,
          counted: level === "critical" || level === "suggested",
          title: p.title ?? key,
          where,
          href: `/devices#${practiceAnchor(anchor, key)}`,
          practice: key,
          alerts: [],
        };
        if (p.since !== undefined && item.counted) item.since = p.since;
        const due = p.deadline ?? p.target?.by;
        if (due !== undefined) item.deadline = due;
        if (p.target !== undefined) item.target = p.target;
        items.push(item);
        if (item.counted) practiceItems.push(item);
      }
    };
    add("critical", g.critical);
    add("suggested", g.suggested);
    if (ratingOfGroups(g) !== "unknown") add("unknown", g.cannotCheck);
    else {
      items.push({
        kind: "device",
        key: `device:${anchor}:unknown`,
        level: "unknown",
        counted: false,
        title: "Nothing is known about this device's security",
        where,
        href: `/devices#${anchor}`,
      });
    }
  });
  input.accounts.forEach((a, i) => {
    const state = twoStepState(a);
    if (state === "on") return;
    items.push({
      kind: "account",
      key: `account:${a.type}:${a.name}:2sv`,
      level: state === "off" ? "critical" : "unknown",
      counted: state === "off",
      title: state === "off"
        ? "2-Step Verification is off"
        : "2-Step Verification can't be checked",
      where: `${a.type.charAt(0).toUpperCase()}${a.type.slice(1)} account · ${a.name}`,
      href: `/accounts#${accountAnchor(i)}`,
    });
  });
  const alerts = [...input.notifications]
    .sort((a, b) => b.event_timestamp.getTime() - a.event_timestamp.getTime());
  for (const n of alerts) {
    const state = stateOf(n, input.states);
    const about = n.practice === undefined
      ? undefined
      : linkedItem(n, input.devices, practiceItems);
    if (about !== undefined) {
      about.alerts.push({ alert: n, state });
      continue;
    }
    if (state.dismissed) continue;
    const fixed = n.practice !== undefined &&
      (passes(n, input.devices) || waived(n, input.devices));
    // An alert about a device not heard from for staleDays is information, not to do: the device
    // itself is asked about ("Not seen since …: is this still yours?").
    const stale = n.device !== undefined &&
      input.devices.some((d) => names(d, n.device!) && isStale(d, input.now, staleDays));
    const severity = fixed ? "info" : severityOfNotification(n);
    const open = n.type === "question" ? state.answer === undefined : true;
    items.push({
      kind: "alert",
      key: `alert:${n.id}`,
      level: stale ? "info" : severity,
      counted: !stale && severity !== "info" && open,
      title: n.title ?? (n.type === "question" ? "A question for you" : "Notice"),
      where: "",
      href: `/#${notificationDomId(n.id)}`,
      alert: n,
      state,
    });
  }
  const rank = (l: TodoLevel) => TODO_LEVELS.indexOf(l);
  const sorted = items
    .map((item, i) => ({ item, i }))
    .sort((a, b) => rank(a.item.level) - rank(b.item.level) || a.i - b.i)
    .map((x) => x.item);
  const byLevel = Object.fromEntries(
    TODO_LEVELS.map((l) => [l, { shown: 0, counted: 0 }]),
  ) as Record<TodoLevel, LevelCount>;
  for (const item of sorted) {
    byLevel[item.level].shown++;
    if (item.counted) byLevel[item.level].counted++;
  }
  return { items: sorted, count: sorted.filter((i) => i.counted).length, byLevel };
}

/** The failing practice item an alert is about: its device named, else the first failing one. */
function linkedItem(
  n: Notification,
  devices: readonly MergedDevice[],
  practiceItems: Extract<TodoItem, { kind: "practice" }>[],
): Extract<TodoItem, { kind: "practice" }> | undefined {
  const candidates = practiceItems.filter((item) => item.practice === n.practice);
  if (n.device === undefined) return candidates[0];
  return candidates.find((item) => {
    const index = devices.findIndex((d, i) =>
      item.key === `device:${deviceAnchor(d, i)}:${n.practice}`
    );
    const d = devices[index];
    return d !== undefined && names(d, n.device!);
  });
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
