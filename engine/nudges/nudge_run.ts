/**
 * The nudge use case (issue 27): from one person's view to a queued message per channel (or, in a
 * dry run, to what would be sent). The items are the to-do model's (`view/todo.ts`) that the
 * person can act on — critical and suggested practices of devices seen recently, and accounts
 * without 2-Step Verification — never what cannot be checked, never notices, never a device no
 * inventory has heard from in `staleDays` (that one is asked about on the page, "is this still
 * yours?", not nagged about).
 *
 * @module
 */
import type { NudgeMessage, NudgeSender } from "./nudge_message.ts";
import { nudgeMessage } from "./nudge_message.ts";
import type { NudgeChannel, NudgeLedger } from "./nudge_ports.ts";
import {
  type NudgeItem,
  nudgeKey,
  type NudgePlan,
  type NudgeSettings,
  planNudge,
} from "./nudges.ts";
import { todoList } from "../view/todo.ts";
import type { Account, MergedDevice } from "../core/types.ts";
import { errorMessage } from "../../lib/error_message.ts";
import { timeoutSignal } from "../../lib/abort.ts";

/** What of a person's view nudges read. */
export interface NudgeView {
  email: string;
  devices: readonly MergedDevice[];
  accounts: readonly Account[];
  /** Sources that failed in the lookup the view comes from (its items may be incomplete). */
  errors?: readonly { source: string }[];
}

/**
 * The items a person can act on, from the one to-do model (`view/todo.ts`), in page order: the
 * critical and suggested practices of devices seen within `staleDays` (exempt ones left out), and
 * each account without 2-Step Verification. Alerts, can't-check items and devices not seen
 * lately are never nudged about.
 *
 * @param view the person's devices (display order) and accounts
 * @param options `staleDays` (default 90) and the clock
 * @returns the items, each with a key stable across runs (`device:<anchor>:<practice>`,
 *   `account:<type>:<name>:2sv`)
 */
export function nudgeItemsOf(
  view: Pick<NudgeView, "devices" | "accounts">,
  options: { staleDays: number; now: Date },
): NudgeItem[] {
  const list = todoList({ ...view, notifications: [], states: new Map(), ...options });
  const items: NudgeItem[] = [];
  for (const t of list.items) {
    if (!t.counted || t.kind === "alert" || (t.level !== "critical" && t.level !== "suggested")) {
      continue;
    }
    const item: NudgeItem = {
      key: t.key,
      level: t.level,
      title: t.title,
      where: t.where,
      href: t.href,
    };
    if (t.since !== undefined) item.since = t.since;
    if (t.deadline !== undefined) item.deadline = t.deadline;
    items.push(item);
  }
  return items;
}

/** What happened for one person on one channel. */
export interface NudgeOutcome {
  email: string;
  channel: string;
  plan: NudgePlan;
  /** The message (when the plan sends). */
  message?: NudgeMessage;
  /** Its idempotency key (when the plan sends). */
  key?: string;
  /** `true` when this run queued it; `false` when it was queued already (another process, a rerun). */
  queued?: boolean;
  /** The channel or the ledger failed for this person (named, never thrown). */
  error?: string;
  /**
   * With `followUp`: the items this channel carried to the person within the last
   * {@link FOLLOW_UP_DAYS} days (keys), and which of them are still to do now.
   */
  followUp?: { nudged: string[]; open: string[] };
}

/** The window after a nudge in which a fix counts as "fixed within a week". */
export const FOLLOW_UP_DAYS = 7;

/** What {@link nudgePerson} needs. */
export interface NudgePersonOptions {
  channels: ReadonlyMap<string, NudgeChannel>;
  ledger: Pick<NudgeLedger, "nudgeHistory" | "queueNudge">;
  settings: NudgeSettings & { staleDays: number };
  sender: NudgeSender;
  now: Date;
  /** Plan and write the messages, but queue nothing. */
  dryRun: boolean;
  /**
   * Ask each channel for the person's time zone (Slack's `users.info`); default `true`. A batch's
   * dry run passes `false`, planning in `NUDGES.TIME_ZONE`, so that a rehearsal over the whole
   * company asks the channel nothing.
   */
  askTimeZone?: boolean;
  /**
   * Also read the history of people with nothing to do now, and report on each outcome which items
   * sent within {@link FOLLOW_UP_DAYS} days are fixed (`NudgeOutcome.followUp`). Default `false`.
   */
  followUp?: boolean;
}

/**
 * Plans (and unless a dry run, queues) one person's nudges, one per channel.
 *
 * @param view the person's view
 * @param options channels, ledger, settings, sender, device naming, clock, dry run
 * @returns one outcome per channel; failures of a channel's time-zone lookup (the company's time
 *   zone is used then) or of the ledger are in `error`, never thrown
 */
export async function nudgePerson(
  view: NudgeView,
  options: NudgePersonOptions,
): Promise<NudgeOutcome[]> {
  const items = nudgeItemsOf(view, {
    staleDays: options.settings.staleDays,
    now: options.now,
  });
  const out: NudgeOutcome[] = [];
  for (const [name, channel] of options.channels) {
    const outcome: NudgeOutcome = {
      email: view.email,
      channel: name,
      plan: { send: false, hold: "nothing-new", timeZone: options.settings.timeZone },
    };
    out.push(outcome);
    if (items.length === 0 && !options.followUp) continue;
    try {
      const history = await options.ledger.nudgeHistory(view.email, name);
      if (options.followUp) outcome.followUp = followUpOf(history.lastSent, items, options.now);
      if (items.length === 0) continue;
      let timeZone: string | undefined;
      if (channel.timeZoneOf && options.askTimeZone !== false) {
        const signal = channel.timeoutMs === null
          ? new AbortController().signal
          : timeoutSignal(channel.timeoutMs);
        timeZone = await channel.timeZoneOf(view.email, { signal }).catch(() => undefined);
      }
      const plan = planNudge({
        items,
        history,
        settings: options.settings,
        now: options.now,
        ...(timeZone === undefined ? {} : { timeZone }),
      });
      outcome.plan = plan;
      if (!plan.send) continue;
      const message = nudgeMessage(plan, options.sender, options.now);
      const key = await nudgeKey(view.email, name, plan);
      outcome.message = message;
      outcome.key = key;
      if (options.dryRun) continue;
      outcome.queued = await options.ledger.queueNudge({
        key,
        email: view.email,
        channel: name,
        message,
        itemKeys: plan.items.map((i) => i.key),
        critical: plan.items.filter((i) => i.level === "critical").length,
        queuedAt: options.now,
      });
    } catch (error: unknown) {
      outcome.error = errorMessage(error);
    }
  }
  return out;
}

/** The items sent within {@link FOLLOW_UP_DAYS} days before `now`, and which are still to do. */
function followUpOf(
  lastSent: ReadonlyMap<string, Date>,
  items: readonly NudgeItem[],
  now: Date,
): { nudged: string[]; open: string[] } {
  const since = now.getTime() - FOLLOW_UP_DAYS * 86_400_000;
  const current = new Set(items.map((i) => i.key));
  const nudged = [...lastSent].filter(([, at]) => at.getTime() >= since).map(([key]) => key);
  return { nudged, open: nudged.filter((key) => current.has(key)) };
}

/** At most this many planned messages are kept on a run's summary for the Dashboard's list. */
export const LISTED_PLANS = 200;

/** One planned message as the Dashboard lists it. */
export interface ListedPlan {
  email: string;
  channel: string;
  subject: string;
  /** The items' titles with their devices, in message order. */
  items: string[];
}

/** What a nudge run did, for the summary, the Dashboard and `/metrics`. */
export interface NudgeRunSummary {
  people: number;
  /** Messages queued by this run (a dry run: messages that would be). */
  queued: number;
  /** Plans already queued by an earlier run or another process. */
  alreadyQueued: number;
  /** Why people got nothing, by hold. */
  held: Record<string, number>;
  /** People whose view or ledger failed, named. */
  failed: { email: string; channel?: string; error: string }[];
  /** People planned from a view some sources failed for (their messages may miss items), named. */
  incomplete: { email: string; sources: string[] }[];
  /**
   * The first {@link LISTED_PLANS} messages queued (a dry run: that would be sent), for the
   * Dashboard; `queued` counts them all.
   */
  listed: ListedPlan[];
  /**
   * With `followUp`: items sent to these people within {@link FOLLOW_UP_DAYS} days before this
   * run (on any channel, each item once per person), and how many of them are no longer to do.
   */
  followUp: { nudged: number; fixed: number };
}

/**
 * Plans (and unless a dry run, queues) the nudges of many people, one after another, each from
 * their view (the snapshot a batch just wrote, or a fresh lookup).
 *
 * @param people the people, as folded addresses
 * @param viewOf one person's view; a rejection is named in `failed`, never thrown
 * @param options as for {@link nudgePerson}; `onOutcome` sees each person's outcomes (the dry
 *   run's listing)
 * @returns counts of queued, already queued, held by reason, and the failures by person
 */
export async function runNudges(
  people: Iterable<string> | AsyncIterable<string>,
  viewOf: (email: string) => Promise<NudgeView>,
  options: NudgePersonOptions & { onOutcome?: (outcomes: NudgeOutcome[]) => void },
): Promise<NudgeRunSummary> {
  const summary: NudgeRunSummary = {
    people: 0,
    queued: 0,
    alreadyQueued: 0,
    held: {},
    failed: [],
    incomplete: [],
    listed: [],
    followUp: { nudged: 0, fixed: 0 },
  };
  for await (const email of people) {
    summary.people++;
    let outcomes: NudgeOutcome[];
    try {
      const view = await viewOf(email);
      const failed = [...new Set((view.errors ?? []).map((e) => e.source))];
      if (failed.length > 0) summary.incomplete.push({ email, sources: failed });
      outcomes = await nudgePerson(view, options);
    } catch (error: unknown) {
      summary.failed.push({ email, error: errorMessage(error) });
      continue;
    }
    options.onOutcome?.(outcomes);
    const nudged = new Set<string>();
    const open = new Set<string>();
    for (const o of outcomes) {
      o.followUp?.nudged.forEach((k) => nudged.add(k));
      o.followUp?.open.forEach((k) => open.add(k));
      if (o.error !== undefined) summary.failed.push({ email, channel: o.channel, error: o.error });
      else if (!o.plan.send) summary.held[o.plan.hold] = (summary.held[o.plan.hold] ?? 0) + 1;
      else if (o.queued === false) summary.alreadyQueued++;
      else {
        summary.queued++;
        if (summary.listed.length < LISTED_PLANS && o.message) {
          summary.listed.push({
            email,
            channel: o.channel,
            subject: o.message.subject,
            items: o.plan.items.map((i) => `${i.title} — ${i.where}`),
          });
        }
      }
    }
    summary.followUp.nudged += nudged.size;
    summary.followUp.fixed += nudged.size - open.size;
  }
  return summary;
}
