/**
 * A person's to-do list, the Overview's one prioritised list: what to fix now, then suggestions,
 * then what cannot be checked, across devices, accounts and alerts. The navigation badge counts
 * exactly these items. Pure: built from the data the pages already have.
 *
 * @module
 */
import { actionGroups, deviceRating } from "../engine/view/rating.ts";
import { type Severity, severityOfNotification } from "../engine/core/severity.ts";
import type { Account, MergedDevice, Notification } from "../engine/core/types.ts";
import { deviceAnchor, deviceNames, osLine } from "./devices.tsx";
import type { NotificationState } from "./notifications.tsx";
import { practiceTitle } from "./practice_item.tsx";

/** How urgent an item is: fix now, suggested, can't check, or for information. */
export type Level = Extract<Severity, "critical" | "suggested" | "unknown" | "info">;

/** The order the Overview shows levels in. */
export const LEVELS: readonly Level[] = ["critical", "suggested", "unknown", "info"];

/** One thing to do (or to know), linking to where it is fixed. */
export type TodoItem =
  | { level: Level; kind: "practice"; title: string; where: string; href: string }
  | { level: Level; kind: "alert"; n: Notification; state: NotificationState };

/** Inputs: what the person's pages show. */
export interface TodoInput {
  devices: readonly MergedDevice[];
  accounts: readonly Account[];
  notifications: readonly Notification[];
  /** Dismissals and answers by notification id (and by sign-in key). */
  states: ReadonlyMap<string, NotificationState>;
}

/** Whether an account has 2-Step Verification on (Google's `accounts:is_2sv_enrolled`). */
export function twoStepOn(a: Account): boolean {
  return a.user_usage["accounts:is_2sv_enrolled"] === true;
}

/** The anchor of an account card on the Accounts page. */
export function accountAnchor(index: number): string {
  return `acct-${index}`;
}

/**
 * A notification's state, with the answer of the sign-in it asks about when it names one
 * (`event_id`), so a sign-in has one answer wherever it is given.
 */
export function stateOf(
  n: Notification,
  states: ReadonlyMap<string, NotificationState>,
): NotificationState {
  const own = states.get(n.id) ?? { dismissed: false };
  const linked = n.event_id === undefined ? undefined : states.get(n.event_id)?.answer;
  return linked === undefined ? own : { ...own, answer: linked };
}

function deviceItems(devices: readonly MergedDevice[]): TodoItem[] {
  const out: TodoItem[] = [];
  devices.forEach((d, i) => {
    const anchor = deviceAnchor(d, i);
    const names = deviceNames(d);
    const where = [names.title, osLine(d) ?? names.id].filter(Boolean).join(" · ");
    const g = actionGroups(d);
    const add = (level: Level, list: typeof g.critical) => {
      for (const [key, p] of list) {
        const href = `/devices#${anchor}-${key.replace(/[^A-Za-z0-9_-]/g, "_")}`;
        out.push({ level, kind: "practice", title: practiceTitle(key, p), where, href });
      }
    };
    add("critical", g.critical);
    add("suggested", g.suggested);
    if (deviceRating(d) !== "unknown") add("unknown", g.cannotCheck);
    else {
      out.push({
        level: "unknown",
        kind: "practice",
        title: "Nothing is known about this device's security",
        where,
        href: `/devices#${anchor}`,
      });
    }
  });
  return out;
}

/**
 * The to-do list, most urgent first; within a level: devices (in their page order), accounts,
 * then alerts (newest first). Dismissed alerts are left out.
 */
export function buildTodo(input: TodoInput): TodoItem[] {
  const items: TodoItem[] = deviceItems(input.devices);
  input.accounts.forEach((a, i) => {
    if (twoStepOn(a)) return;
    items.push({
      level: "critical",
      kind: "practice",
      title: "2-Step Verification is off",
      where: `${a.type.charAt(0).toUpperCase()}${a.type.slice(1)} account · ${a.name}`,
      href: `/accounts#${accountAnchor(i)}`,
    });
  });
  const alerts = [...input.notifications]
    .sort((a, b) => b.event_timestamp.getTime() - a.event_timestamp.getTime());
  for (const n of alerts) {
    const state = stateOf(n, input.states);
    if (!state.dismissed) items.push({ level: severityOfNotification(n), kind: "alert", n, state });
  }
  const rank = (l: Level) => LEVELS.indexOf(l);
  return items
    .map((item, i) => ({ item, i }))
    .sort((a, b) => rank(a.item.level) - rank(b.item.level) || a.i - b.i)
    .map((x) => x.item);
}
