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
import { NotificationCard } from "./notifications.tsx";
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

/** The counts that change when an alert is dismissed or answered, each with a stable id. */
export function TodoCounts(
  props: { list: TodoList; whose: Whose; oob?: boolean },
): Child {
  const oob = props.oob ? "true" : undefined;
  return (
    <>
      <p class="lead" id="todo-summary" hx-swap-oob={oob}>
        {possessive(props.whose, true)} to-do list: {todoSummary(props.list)}
      </p>
      {TODO_LEVELS.map((l) => (
        <span id={`todo-${LEVEL_LOOK[l].cls}-n`} hx-swap-oob={oob}>
          {props.list.byLevel[l].shown}
        </span>
      ))}
    </>
  );
}

function Due(props: { item: TodoItem; now: Date }): Child {
  const { deadline } = props.item;
  // An update item's title already says its target's deadline ("Install macOS 15.7.7 by …").
  if (deadline === undefined || (props.item.kind === "practice" && props.item.target?.by)) {
    return null;
  }
  const past = deadline.getTime() < props.now.getTime();
  return (
    <span class={past ? "due crit" : "due"}>
      {past ? `was due by ${dayAndMonth(deadline)}` : `due by ${dayAndMonth(deadline)}`}
    </span>
  );
}

function Item(
  props: {
    item: TodoItem;
    now: Date;
    csrf: string | undefined;
    ui: UiConfig;
    /** The looked-up person (look-up mode: links keep them, alerts are read-only). */
    lookedUp: string | undefined;
    /** The alert just dismissed without JavaScript, told where it was (`?dismissed=`). */
    dismissed: string | undefined;
  },
) {
  const { item } = props;
  const card = (n: Notification, state: AlertState) => (
    <NotificationCard
      n={n}
      state={state}
      now={props.now}
      csrf={props.csrf}
      resetLink={props.ui.passwordResetLink}
      contact={props.ui.contactEmail}
      readOnly={props.lookedUp !== undefined}
      {...(item.kind === "practice"
        ? { fixHref: personHref(item.href, props.lookedUp), stillToDo: item.title }
        : {})}
      focus={state.dismissed && n.id === props.dismissed}
    />
  );
  if (item.kind === "alert") return <li class="todo-alert">{card(item.alert, item.state)}</li>;
  const lk = LEVEL_LOOK[item.level];
  return (
    <li class={`todo ${lk.cls}`}>
      <span class={`icon ${lk.cls}`} aria-hidden="true">{lk.icon}</span>
      <a href={personHref(item.href, props.lookedUp)}>{item.title}</a>
      <span class="where">
        {item.where}
        <Due item={item} now={props.now} />
      </span>
      {item.kind === "practice" &&
        item.alerts
          .filter((a) => !a.state.dismissed || a.alert.id === props.dismissed)
          .map((a) => card(a.alert, a.state))}
    </li>
  );
}

/** The overview body. */
export function Overview(
  props: {
    list: TodoList;
    /** How many devices are listed (an empty list with no devices is not "all good"). */
    deviceCount: number;
    whose: Whose;
    now: Date;
    csrf: string | undefined;
    ui: UiConfig;
    /**
     * The id of the alert just dismissed by a plain form post (the redirect's `?dismissed=`): if
     * it sat under an item, the status line htmx would have shown takes its place and the focus.
     */
    dismissed?: string | undefined;
  },
): Child {
  const { list, whose } = props;
  const lookedUp = whose.self ? undefined : whose.email;
  const devices = personHref("/devices", lookedUp);
  return (
    <>
      <h1>{whose.self ? "Overview" : `Overview of ${whose.email}`}</h1>
      {list.items.length === 0
        ? (
          <div class="panel">
            {props.deviceCount > 0
              ? (
                <p>
                  Nothing to do: every device and account we know of follows every practice, and
                  there are no alerts. Now is a good time to{" "}
                  <a href={devices}>{`look over ${possessive(whose)} devices`}</a>.
                </p>
              )
              : (
                <p>
                  Nothing to do, but no device is listed for {whose.self ? "you" : "them"} yet:{" "}
                  <a href={devices}>see which systems were asked and how to get one listed</a>.
                </p>
              )}
          </div>
        )
        : (
          <p class="lead" id="todo-summary">
            {possessive(whose, true)} to-do list: {todoSummary(list)}
          </p>
        )}
      {TODO_LEVELS.map((level) => {
        const items = list.items.filter((i) => i.level === level);
        if (items.length === 0) return null;
        const { cls, heading } = LEVEL_LOOK[level];
        return (
          <section class={`todo-group lvl-${cls}`} aria-labelledby={`todo-${cls}`}>
            <h2 id={`todo-${cls}`}>
              {heading} (<span id={`todo-${cls}-n`}>{items.length}</span>)
            </h2>
            {level === "stale" && (
              <p class="muted">
                No inventory has heard from these devices for a long time. If one is no longer
                {whose.self ? " yours" : " theirs"}, tell {props.ui.contactEmail}{" "}
                so it can be taken off the list.
              </p>
            )}
            <ul class="todo-list">
              {items.map((item) => (
                <Item
                  item={item}
                  now={props.now}
                  csrf={props.csrf}
                  ui={props.ui}
                  lookedUp={lookedUp}
                  dismissed={props.dismissed}
                />
              ))}
            </ul>
          </section>
        );
      })}
    </>
  );
}
