/**
 * The Overview page: the person's to-do list (the engine's model, `engine/view/todo.ts`) — fix
 * now, suggested, devices not seen lately, can't check, for your information — across devices,
 * accounts and alerts. Each item links to its fix; an alert about a failing practice is shown
 * with that practice's item; alerts are answered or dismissed in place, and the counts (the line
 * above the list, each group's heading, the navigation badge) are sent again out of band.
 *
 * @module
 */
import type { Child } from "hono/jsx";
import type { UiConfig } from "../config/schema.ts";
import { SEVERITY_WORDS } from "../engine/core/severity.ts";
import type { Notification } from "../engine/core/types.ts";
import {
  type AlertState,
  TODO_LEVELS,
  type TodoItem,
  type TodoLevel,
  type TodoList,
} from "../engine/view/todo.ts";
import { possessive, type Whose } from "./empty_state.tsx";
import { dayAndMonth, plural } from "./format.ts";
import { asChild, attr, esc, type Html, markup } from "./html.ts";
import { notificationCard } from "./notifications.tsx";
import { personHref } from "./person_link.ts";
import { SEVERITY_CLASS, SEVERITY_ICON } from "./severity_class.ts";

/** How each level is headed and styled (stale devices are a level of the to-do list only). */
const LEVEL_LOOK: Readonly<Record<TodoLevel, { heading: string; cls: string; icon: string }>> = {
  critical: look("critical"),
  suggested: look("suggested"),
  stale: { heading: "Not seen lately", cls: "stale", icon: "?" },
  unknown: look("unknown"),
  info: look("info"),
};

function look(l: "critical" | "suggested" | "unknown" | "info") {
  return { heading: SEVERITY_WORDS[l].employee, cls: SEVERITY_CLASS[l], icon: SEVERITY_ICON[l] };
}

/**
 * The start of an item of each level, up to its link's address: the same for everybody, so
 * written once rather than escaped again for every item of every view (issue 24).
 */
const ITEM_START: Readonly<Record<TodoLevel, Html>> = Object.fromEntries(
  TODO_LEVELS.map((l) => {
    const cls = esc(LEVEL_LOOK[l].cls);
    return [
      l,
      markup`<li class="todo ${cls}"><span class="icon ${cls}" aria-hidden="true">${
        esc(LEVEL_LOOK[l].icon)
      }</span><a href="`,
    ];
  }),
) as Record<TodoLevel, Html>;

/**
 * "6 to fix now, 4 suggestions. Also listed: 7 that can't be checked, 1 notice." — what is
 * counted first, then what is only shown ("1 that can't be checked, 1 notice." when nothing is
 * counted: never "nothing to do" while something is listed).
 */
export function todoSummary(list: Pick<TodoList, "byLevel">): string {
  const b = list.byLevel;
  const counted = [
    b.critical.counted > 0 ? `${b.critical.counted} to fix now` : "",
    b.suggested.counted > 0 ? plural(b.suggested.counted, "suggestion") : "",
  ].filter(Boolean);
  const uncounted = (l: TodoLevel) => b[l].shown - b[l].counted;
  const shown = [
    uncounted("critical") + uncounted("suggested") > 0
      ? plural(uncounted("critical") + uncounted("suggested"), "answered question")
      : "",
    uncounted("stale") > 0 ? `${plural(uncounted("stale"), "device")} not seen lately` : "",
    uncounted("unknown") > 0 ? `${uncounted("unknown")} that can't be checked` : "",
    uncounted("info") > 0 ? plural(uncounted("info"), "notice") : "",
  ].filter(Boolean);
  if (counted.length === 0) return `${shown.join(", ")}.`;
  return shown.length > 0
    ? `${counted.join(", ")}. Also listed: ${shown.join(", ")}.`
    : `${counted.join(", ")}.`;
}

/**
 * The counts that change when an alert is dismissed or answered, each with a stable id: the
 * summary line and each level's count, as text.
 *
 * @param props the to-do list, whose it is, and whether they are swapped out of band
 * @returns `<p id="todo-summary">` and one `<span id="todo-<level>-n">` per level
 */
export function todoCounts(props: { list: TodoList; whose: Whose; oob?: boolean }): Html {
  const oob = attr("hx-swap-oob", props.oob ? "true" : undefined);
  const counts = TODO_LEVELS.map((l) =>
    markup`<span id="todo-${esc(LEVEL_LOOK[l].cls)}-n"${oob}>${props.list.byLevel[l].shown}</span>`
  );
  return markup`<p class="lead" id="todo-summary"${oob}>${
    esc(`${possessive(props.whose, true)} to-do list: ${todoSummary(props.list)}`)
  }</p>${counts}`;
}

/** {@link todoCounts} as a JSX child (the answers' fragments). */
export function TodoCounts(props: { list: TodoList; whose: Whose; oob?: boolean }): Child {
  return asChild(todoCounts(props));
}

/** "due by 12 March" or "was due by …" beside an item, unless its title says it already. */
function due(item: TodoItem, now: Date): Html | null {
  const { deadline } = item;
  // An update item's title already says its target's deadline ("Install macOS 15.7.7 by …").
  if (deadline === undefined || (item.kind === "practice" && item.target?.by)) return null;
  const past = deadline.getTime() < now.getTime();
  return markup`<span class="${past ? markup`due crit` : markup`due`}">${
    esc(`${past ? "was due" : "due"} by ${dayAndMonth(deadline)}`)
  }</span>`;
}

/** What each item of the list is rendered with. */
interface ItemContext {
  now: Date;
  csrf: string | undefined;
  ui: UiConfig;
  /** The looked-up person (look-up mode: links keep them, alerts are read-only). */
  lookedUp: string | undefined;
  /** The alert just dismissed without JavaScript, told where it was (`?dismissed=`). */
  dismissed: string | undefined;
}

/** An alert's card in the list: alone, or under the practice item it is about. */
function card(item: TodoItem, n: Notification, state: AlertState, ctx: ItemContext): Html {
  return notificationCard({
    n,
    state,
    now: ctx.now,
    csrf: ctx.csrf,
    resetLink: ctx.ui.passwordResetLink,
    contact: ctx.ui.contactEmail,
    readOnly: ctx.lookedUp !== undefined,
    ...(item.kind === "practice"
      ? { fixHref: personHref(item.href, ctx.lookedUp), stillToDo: item.title }
      : {}),
    focus: state.dismissed && n.id === ctx.dismissed,
  });
}

/** One item of the to-do list. */
function item(item: TodoItem, ctx: ItemContext): Html {
  if (item.kind === "alert") {
    return markup`<li class="todo-alert">${card(item, item.alert, item.state, ctx)}</li>`;
  }
  const alerts = item.kind === "practice" && item.alerts.length > 0
    ? item.alerts
      .filter((a) => !a.state.dismissed || a.alert.id === ctx.dismissed)
      .map((a) => card(item, a.alert, a.state, ctx))
    : null;
  return markup`${ITEM_START[item.level]}${esc(personHref(item.href, ctx.lookedUp))}">${
    esc(item.title)
  }</a><span class="where">${esc(item.where)}${due(item, ctx.now)}</span>${alerts}</li>`;
}

/** What the Overview says when the list is empty (never "all good" with no device listed). */
function nothingToDo(deviceCount: number, whose: Whose, devices: string): Html {
  const said = deviceCount > 0
    ? markup`Nothing to do: every device and account we know of follows every practice, and there are no alerts. Now is a good time to <a href="${
      esc(devices)
    }">${esc(`look over ${possessive(whose)} devices`)}</a>.`
    : markup`Nothing to do, but no device is listed for ${
      esc(whose.self ? "you" : "them")
    } yet: <a href="${esc(devices)}">see which systems were asked and how to get one listed</a>.`;
  return markup`<div class="panel"><p>${said}</p></div>`;
}

/** One level's section: heading with its count, the stale devices' note, the items. */
function group(level: TodoLevel, items: readonly TodoItem[], whose: Whose, ctx: ItemContext) {
  const cls = esc(LEVEL_LOOK[level].cls);
  const note = level === "stale"
    ? markup`<p class="muted">No inventory has heard from these devices for a long time. If one is no longer${
      esc(whose.self ? " yours" : " theirs")
    }, tell ${esc(ctx.ui.contactEmail)} so it can be taken off the list.</p>`
    : null;
  return markup`<section class="todo-group lvl-${cls}" aria-labelledby="todo-${cls}"><h2 id="todo-${cls}">${
    esc(LEVEL_LOOK[level].heading)
  } (<span id="todo-${cls}-n">${items.length}</span>)</h2>${note}<ul class="todo-list">${
    items.map((i) => item(i, ctx))
  }</ul></section>`;
}

/**
 * The Overview's body as text: its heading, the summary line (or what an empty list means), and
 * the to-do list by level, most urgent first.
 *
 * @param props the to-do list, how many devices are listed, whose page it is, the clock, the
 *   person's token, the UI settings and the alert just dismissed (`?dismissed=`: if it sat under
 *   an item, the status line htmx would have shown takes its place and the focus)
 * @returns the body
 */
export function overview(
  props: {
    list: TodoList;
    deviceCount: number;
    whose: Whose;
    now: Date;
    csrf: string | undefined;
    ui: UiConfig;
    dismissed?: string | undefined;
  },
): Html {
  const { list, whose } = props;
  const lookedUp = whose.self ? undefined : whose.email;
  const ctx: ItemContext = {
    now: props.now,
    csrf: props.csrf,
    ui: props.ui,
    lookedUp,
    dismissed: props.dismissed,
  };
  // the items come most urgent first (todoList()): each level's are one run of the list
  const groups: Html[] = [];
  const { items } = list;
  for (let from = 0, to = 0; from < items.length; from = to) {
    const level = items[from]!.level;
    while (to < items.length && items[to]!.level === level) to++;
    groups.push(group(level, items.slice(from, to), whose, ctx));
  }
  return markup`<h1>${esc(whose.self ? "Overview" : `Overview of ${whose.email}`)}</h1>${
    list.items.length === 0
      ? nothingToDo(props.deviceCount, whose, personHref("/devices", lookedUp))
      : markup`<p class="lead" id="todo-summary">${
        esc(`${possessive(whose, true)} to-do list: ${todoSummary(list)}`)
      }</p>`
  }${groups}`;
}
