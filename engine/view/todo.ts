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
import { formatMonth } from "../releases/releases.ts";
import type { MergedDevice, Notification, PracticeTarget } from "../core/types.ts";
import { deviceAnchor, deviceWhere, practiceAnchor } from "./device_names.ts";
import {
  type AlertState,
  countedLevel,
  TODO_LEVELS,
  type TodoInput,
  type TodoLevel,
  walk,
} from "./todo_rules.ts";

export {
  type AlertState,
  DEFAULT_STALE_DAYS,
  isExempt,
  isStale,
  stateOf,
  TODO_LEVELS,
  type TodoInput,
  type TodoLevel,
  twoStepOn,
  twoStepState,
} from "./todo_rules.ts";

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
 * The to-do list of a person (see the module documentation for what is listed and counted).
 * Items are gathered by level as they are found (the list's order without sorting) and each
 * device is named (`deviceWhere`) only when it has an item: every page view builds this list.
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
  const levels: Record<TodoLevel, TodoItem[]> = {
    critical: [],
    suggested: [],
    stale: [],
    unknown: [],
    info: [],
  };
  const practiceItems: Extract<TodoItem, { kind: "practice" }>[] = [];
  let named = -1;
  let anchor = "";
  let where = "";
  /** The anchor and the words of device `i`, worked out once for its items. */
  const name = (d: MergedDevice, i: number) => {
    if (named !== i) [named, anchor, where] = [i, deviceAnchor(d, i), deviceWhere(d)];
  };
  walk(input, {
    stale(d, i) {
      name(d, i);
      levels.stale.push({
        kind: "device",
        key: `device:${anchor}:stale`,
        level: "stale",
        counted: false,
        title: `Not seen since ${formatMonth(d.last_sync!)}: is this still yours?`,
        where,
        href: `/devices#${anchor}`,
      });
    },
    practice(d, i, level, key, p) {
      name(d, i);
      const item: Extract<TodoItem, { kind: "practice" }> = {
        kind: "practice",
        key: `device:${anchor}:${key}`,
        level,
        counted: countedLevel(level),
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
      levels[level].push(item);
      if (item.counted) practiceItems.push(item);
    },
    unknown(d, i) {
      name(d, i);
      levels.unknown.push({
        kind: "device",
        key: `device:${anchor}:unknown`,
        level: "unknown",
        counted: false,
        title: "Nothing is known about this device's security",
        where,
        href: `/devices#${anchor}`,
      });
    },
    account(a, i, off) {
      levels[off ? "critical" : "unknown"].push({
        kind: "account",
        key: `account:${a.type}:${a.name}:2sv`,
        level: off ? "critical" : "unknown",
        counted: off,
        title: off ? "2-Step Verification is off" : "2-Step Verification can't be checked",
        where: `${a.type.charAt(0).toUpperCase()}${a.type.slice(1)} account · ${a.name}`,
        href: `/accounts#${accountAnchor(i)}`,
      });
    },
    linked(n, state, at) {
      practiceItems[at]!.alerts.push({ alert: n, state });
    },
    alert(n, state, level, counted) {
      levels[level].push({
        kind: "alert",
        key: `alert:${n.id}`,
        level,
        counted,
        title: n.title ?? (n.type === "question" ? "A question for you" : "Notice"),
        where: "",
        href: `/#${notificationDomId(n.id)}`,
        alert: n,
        state,
      });
    },
  });
  const items: TodoItem[] = [];
  let count = 0;
  const byLevel = {} as Record<TodoLevel, LevelCount>;
  for (const level of TODO_LEVELS) {
    let counted = 0;
    for (const item of levels[level]) {
      items.push(item);
      if (item.counted) counted++;
    }
    byLevel[level] = { shown: levels[level].length, counted };
    count += counted;
  }
  return { items, count, byLevel };
}

/**
 * How many items of {@link todoList} are counted — the navigation badge — without building the
 * items: the same walk decides what is listed and counted, so `todoCount(x)` is always
 * `todoList(x).count`. Every page but the Overview shows only this number (issue 24: building the
 * list to count it was 4–6 % of an Accounts view).
 *
 * @param input as {@link todoList}'s
 * @returns the badge's count
 * @example The badge of a Mac with its firewall off and Remote Login on
 * ```ts
 * import assert from "node:assert/strict";
 * const now = new Date("2026-11-26T12:00:00Z");
 * const mac = {
 *   name: "fry-mbp", sources: ["jamf"], identifiers: { serial: "C02FRY" }, last_sync: now,
 *   practices: { firewall: { status: "warn" }, remotelogin: { status: "nudge" } },
 * } as never;
 * const input = { devices: [mac], accounts: [], notifications: [], states: new Map(), now };
 * assert.equal(todoCount(input), 2);
 * assert.equal(todoCount(input), todoList(input).count);
 * ```
 */
export function todoCount(input: TodoInput): number {
  let count = 0;
  const none = () => {};
  walk(input, {
    stale: none,
    unknown: none,
    linked: none,
    practice(_d, _i, level) {
      if (countedLevel(level)) count++;
    },
    account(_a, _i, off) {
      if (off) count++;
    },
    alert(_n, _state, _level, counted) {
      if (counted) count++;
    },
  });
  return count;
}
