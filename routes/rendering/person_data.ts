/**
 * What the pages show about one person, looked up once per request: the person's view (devices
 * with failing-since and grace, accounts; from the snapshot when there is one), notifications and
 * their states. The Overview's to-do list and the navigation badge on every page are built from
 * it, so the badge counts exactly the Overview's items.
 *
 * @module
 */
import type { PersonView, PersonVisit, ViewPart } from "../../engine/view/view.ts";
import { foldEmail } from "../../engine/identity/emails.ts";
import type { Collected, Notification } from "../../engine/core/types.ts";
import type { NotificationState } from "../../views/notifications.tsx";
import { sourceLabels } from "../../views/source_label.ts";
import { todoCount, type TodoInput, type TodoList, todoList } from "../../engine/view/todo.ts";
import type { Ctx, PersonData } from "../context.ts";
import { cachedNotifications, keptNotifications } from "./notification_cache.ts";

/**
 * The person's visit for this request (`engine.visit()`): the snapshot read once, presented
 * once, by every page part and the navigation badge of this request. `options` apply when this
 * call makes the visit (the page's first; `history: false` for a page that shows no "failing
 * since", see `PersonViews.visit`).
 */
export function visitOf(c: Ctx, email: string, options?: { history?: boolean }): PersonVisit {
  let visits = c.get("personVisits");
  if (visits === undefined) c.set("personVisits", visits = new Map());
  const key = foldEmail(email);
  let found = visits.get(key);
  if (found === undefined) visits.set(key, found = c.get("deps").engine.visit(email, options));
  return found;
}

/**
 * The person's view for a page: the snapshot whatever its age, else a live lookup (shared with
 * any running one), read once per request. Never fails: sources that fail are listed in `errors`.
 */
export async function viewFor(c: Ctx, email: string, need: ViewPart): Promise<PersonView> {
  return await visitOf(c, email).view(need);
}

/**
 * A person's notifications, looked up once per request (checking that an alert is the person's
 * own and rendering the updated card share one call to the sources) and kept across requests for
 * `BUDGETS.NOTIFICATIONS_CACHE_SECONDS` (`notification_cache.ts`).
 */
export function notificationsOf(c: Ctx, email: string): Promise<Collected<Notification>> {
  let lookups = c.get("notificationLookups");
  if (lookups === undefined) c.set("notificationLookups", lookups = new Map());
  let found = lookups.get(email);
  if (found === undefined) {
    // Across requests from a short cache (BUDGETS.NOTIFICATIONS_CACHE_SECONDS): not one query
    // per view. The lookup is not tied to this request's signal, since later views share it.
    found = cachedNotifications(c, email, () => c.get("deps").engine.notifications(email));
    lookups.set(email, found);
  }
  return found;
}

/**
 * A person's feedback answers (notifications and sign-ins, by answer key), from the request's one
 * read of the person (`PersonVisit.answered`). A failing store answers none (and is logged).
 */
export function answersOf(c: Ctx, email: string): Promise<Map<string, string>> {
  return once(
    c,
    `answers\u0000${foldEmail(email)}`,
    () =>
      visitOf(c, email).answered().then((read) => read.answers, (error: unknown) => {
        c.get("deps").log.warn("store unavailable; showing no answers", { error: String(error) });
        return new Map<string, string>();
      }),
  );
}

/**
 * Forgets what this request read about the person (its visit, answers, states and page data), so
 * that what is shown after the request wrote an answer or a dismissal is read again (issue 24:
 * the visit's one read holds the answers as they were before the write).
 */
export function forgetReads(c: Ctx, email: string): void {
  const key = foldEmail(email);
  c.get("personVisits")?.delete(key);
  c.get("requestReads")?.delete(`answers\u0000${key}`);
  c.get("requestReads")?.delete(`states\u0000${key}`);
  c.get("personLookups")?.delete(email);
}

/** `make()`'s promise, made at most once per request under `key`. */
function once<T>(c: Ctx, key: string, make: () => Promise<T>): Promise<T> {
  let memo = c.get("requestReads");
  if (memo === undefined) c.set("requestReads", memo = new Map());
  let found = memo.get(key) as Promise<T> | undefined;
  if (found === undefined) memo.set(key, found = make());
  return found;
}

/**
 * Dismissals and answers of a person, by notification id, from the request's one read of the
 * person. A failing store hides nothing.
 */
export function notificationStates(
  c: Ctx,
  email: string,
): Promise<Map<string, NotificationState>> {
  return once(c, `states\u0000${foldEmail(email)}`, () => readStates(c, email));
}

async function readStates(c: Ctx, email: string): Promise<Map<string, NotificationState>> {
  const states = new Map<string, NotificationState>();
  try {
    // the visit's one read holds both (answersOf() reads the same answers from it)
    const { dismissed, answers } = await visitOf(c, email).answered();
    for (const id of dismissed) states.set(id, { dismissed: true });
    for (const [id, answer] of answers) {
      states.set(id, { dismissed: states.get(id)?.dismissed ?? false, answer });
    }
  } catch (error: unknown) {
    c.get("deps").log.warn("store unavailable; showing every notification", {
      error: String(error),
    });
    await answersOf(c, email); // logs that no answers are shown, as the Activity page does
  }
  return states;
}

async function lookUp(c: Ctx, email: string, seen?: PersonView): Promise<PersonData> {
  const [view, notifications, states] = await Promise.all([
    seen ?? viewFor(c, email, "accounts"),
    notificationsOf(c, email),
    notificationStates(c, email),
  ]);
  return { view, notifications, states };
}

function lookups(c: Ctx): Map<string, Promise<PersonData>> {
  let found = c.get("personLookups");
  if (found === undefined) c.set("personLookups", found = new Map());
  return found;
}

/**
 * The person's data, looked up at most once per request (by email). A page that already has the
 * person's view (with accounts) passes it, so the badge is counted from what the page shows.
 */
export function personData(c: Ctx, email: string, seen?: PersonView): Promise<PersonData> {
  const memo = lookups(c);
  let found = memo.get(email);
  if (found === undefined) {
    found = lookUp(c, email, seen);
    memo.set(email, found);
  }
  return found;
}

/**
 * The badge's count of the person's to-do list from what is at hand — the snapshot (whatever its
 * age) and alerts looked up within `BUDGETS.NOTIFICATIONS_CACHE_SECONDS` — without asking any
 * inventory or alert source; `null` when either is missing. For pages that need no inventory
 * (the FAQ).
 */
export async function countAtHand(c: Ctx, email: string): Promise<number | null> {
  const kept = keptNotifications(c, email);
  if (kept === undefined) return null;
  const [view, notifications, states] = await Promise.all([
    visitOf(c, email).cachedView("accounts"),
    kept,
    notificationStates(c, email),
  ]);
  if (view === null) return null;
  return todoCount(inputOf(c, { view, notifications, states }));
}

/** What the to-do list is made of: the person's data, the clock and `NUDGES.STALE_DAYS`. */
function inputOf(c: Ctx, data: PersonData): TodoInput {
  const { now, config } = c.get("deps");
  return {
    devices: data.view.devices,
    accounts: data.view.accounts,
    notifications: data.notifications.items,
    states: data.states,
    now: now(),
    staleDays: config.NUDGES.STALE_DAYS,
  };
}

/**
 * The person's to-do list (`engine/view/todo.ts`): the Overview's items, most urgent first, and
 * the count the navigation badge shows. Devices not seen for `NUDGES.STALE_DAYS` are asked about.
 */
export async function todoOf(c: Ctx, email: string): Promise<TodoList> {
  return todoFrom(c, await personData(c, email));
}

/** {@link todoOf} from the person's data at hand (`personData()`'s answer). */
export function todoFrom(c: Ctx, data: PersonData): TodoList {
  return todoList(inputOf(c, data));
}

/**
 * The navigation badge's count for the person: `todoOf(c, email).count`, counted without building
 * the list's items (`todoCount()`: every page but the Overview shows only the number).
 */
export async function badgeCountOf(c: Ctx, email: string): Promise<number> {
  return todoCount(inputOf(c, await personData(c, email)));
}

/** The labels of the named sources, each once, in order. */
export function labelsOf(c: Ctx, names: readonly string[]): string[] {
  return sourceLabels(names, c.get("deps").config.UI.sourceLabels);
}
