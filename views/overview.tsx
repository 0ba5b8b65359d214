/**
 * The Overview page: one prioritised to-do list — fix now, suggested, can't check, for your
 * information — across devices, accounts and alerts. Each practice item links to its fix; alerts
 * are answered or dismissed in place. The navigation badge counts exactly these items.
 *
 * @module
 */
import type { Child } from "hono/jsx";
import type { UiConfig } from "../config/schema.ts";
import { SEVERITY_WORDS } from "../engine/core/severity.ts";
import { possessive, type Whose } from "./empty_state.tsx";
import { plural } from "./format.ts";
import { NotificationCard } from "./notifications.tsx";
import { personHref } from "./person_link.ts";
import { SEVERITY_CLASS, SEVERITY_ICON } from "./severity_class.ts";
import { type Level, LEVELS, type TodoItem } from "./todo.ts";

/** "2 to fix now, 3 suggestions, 1 that can't be checked". */
export function todoSummary(items: readonly TodoItem[]): string {
  const n = (l: Level) => items.filter((i) => i.level === l).length;
  const parts = [
    n("critical") > 0 ? `${n("critical")} to fix now` : "",
    n("suggested") > 0 ? plural(n("suggested"), "suggestion") : "",
    n("unknown") > 0 ? `${n("unknown")} that can't be checked` : "",
    n("info") > 0 ? plural(n("info"), "notice") : "",
  ].filter(Boolean);
  return parts.join(", ");
}

function Item(
  props: {
    item: TodoItem;
    now: Date;
    csrf: string | undefined;
    ui: UiConfig;
    /** The looked-up person (look-up mode: links keep them, alerts are read-only). */
    lookedUp: string | undefined;
  },
) {
  const { item } = props;
  if (item.kind === "alert") {
    return (
      <li class="todo-alert">
        <NotificationCard
          n={item.n}
          state={item.state}
          now={props.now}
          csrf={props.csrf}
          resetLink={props.ui.passwordResetLink}
          contact={props.ui.contactEmail}
          readOnly={props.lookedUp !== undefined}
        />
      </li>
    );
  }
  return (
    <li class={`todo ${SEVERITY_CLASS[item.level]}`}>
      <span class={`icon ${SEVERITY_CLASS[item.level]}`} aria-hidden="true">
        {SEVERITY_ICON[item.level]}
      </span>
      <a href={personHref(item.href, props.lookedUp)}>{item.title}</a>
      <span class="where">{item.where}</span>
    </li>
  );
}

/** The overview body. */
export function Overview(
  props: {
    items: readonly TodoItem[];
    /** How many devices are listed (an empty list with no devices is not "all good"). */
    deviceCount: number;
    whose: Whose;
    now: Date;
    csrf: string | undefined;
    ui: UiConfig;
  },
): Child {
  const { items, whose } = props;
  const summary = todoSummary(items);
  const lookedUp = whose.self ? undefined : whose.email;
  const devices = personHref("/devices", lookedUp);
  return (
    <>
      <h1>{whose.self ? "Overview" : `Overview of ${whose.email}`}</h1>
      {items.length === 0
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
        : <p class="lead">{possessive(whose, true)} to-do list: {summary}.</p>}
      {LEVELS.map((level) => {
        const list = items.filter((i) => i.level === level);
        if (list.length === 0) return null;
        const cls = SEVERITY_CLASS[level];
        return (
          <section class={`todo-group lvl-${cls}`} aria-labelledby={`todo-${cls}`}>
            <h2 id={`todo-${cls}`}>{SEVERITY_WORDS[level].employee} ({list.length})</h2>
            <ul class="todo-list">
              {list.map((item) => (
                <Item
                  item={item}
                  now={props.now}
                  csrf={props.csrf}
                  ui={props.ui}
                  lookedUp={lookedUp}
                />
              ))}
            </ul>
          </section>
        );
      })}
    </>
  );
}
