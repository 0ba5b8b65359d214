/**
 * Notifications: `simple` (a message and OK), `question` (answer buttons, an optional comment,
 * then a thank-you), anything else as a plain message. Each is a form that works without
 * JavaScript (POST, 303) and is swapped in place by htmx.
 *
 * @module
 */
import type { Child } from "hono/jsx";
import type { Notification } from "../engine/core/types.ts";
import { type AlertState, notificationDomId } from "../engine/view/todo.ts";
import { timeAgo } from "./format.ts";
import { firstCodePoints } from "../lib/code_points.ts";

export { notificationDomId };

/** What the person already did with a notification (the to-do model's {@link AlertState}). */
export type NotificationState = AlertState;

/** Hidden form field carrying the double-submit token. */
export function CsrfField(props: { token: string | undefined }): Child {
  return props.token ? <input type="hidden" name="_csrf_token" value={props.token} /> : null;
}

/**
 * What happens after a person says a sign-in was not theirs, and what they should do now: the
 * security team is told; change the password (the configured reset link) and tell the contact.
 */
export function NotMeNextSteps(
  props: { resetLink?: string | undefined; contact: string },
): Child {
  return (
    <div class="next-steps" role="status">
      <p>
        <strong>Thank you — the security team has been told and will look into it.</strong>
      </p>
      <ol>
        <li>
          {props.resetLink
            ? <a href={props.resetLink}>Change your password now</a>
            : "Change your password now"}, even if you think it is safe.
        </li>
        <li>Never approve a sign-in prompt you did not start.</li>
        <li>
          If anything else looks wrong, email{" "}
          <a href={`mailto:${props.contact}`}>{props.contact}</a>.
        </li>
      </ol>
    </div>
  );
}

function AnswerForm(
  props: {
    n: Notification;
    domId: string;
    csrf: string | undefined;
    chosen?: string | undefined;
  },
): Child {
  const { n, domId } = props;
  const action = `/notifications/${encodeURIComponent(n.id)}/feedback`;
  return (
    <form
      method="post"
      action={action}
      hx-post={action}
      hx-target={`#${domId}`}
      hx-swap="outerHTML"
    >
      <CsrfField token={props.csrf} />
      <label for={`${domId}-notes`}>Anything to add? (optional, write it before you answer)</label>
      <textarea id={`${domId}-notes`} name="notes" rows={2} maxlength={2000}></textarea>
      <fieldset class="answers">
        <legend>{props.chosen === undefined ? "Your answer" : "Change your answer"}</legend>
        {(n.answers ?? []).map((a, i) => (
          <button
            type="submit"
            name="feedback"
            value={a.value}
            class={i === 0 ? "primary" : "secondary"}
            aria-pressed={props.chosen === undefined ? undefined : String(a.value === props.chosen)}
          >
            {a.label}
          </button>
        ))}
      </fieldset>
    </form>
  );
}

/** One notification card; `id` is stable so htmx can replace it. */
export function NotificationCard(
  props: {
    n: Notification;
    state: NotificationState;
    now: Date;
    csrf: string | undefined;
    /** An error to show inside the card (e.g. the answer could not be saved). */
    error?: string | undefined;
    /**
     * Set on fragments answering a button press: the status line takes the keyboard focus the
     * pressed button had (htmx honours `autofocus` in swapped content), so a keyboard or screen
     * reader user is not dropped back at the top of the page.
     */
    focus?: boolean;
    /** Shown after a "not me" answer: where to reset the password, and whom to tell. */
    resetLink?: string | undefined;
    contact?: string;
    /**
     * Look-up mode: the card as the person sees it, without their answer and dismiss buttons
     * (answering is theirs alone), and their answer told in the third person.
     */
    readOnly?: boolean;
    /** The fix of the practice the alert is about (`/devices#dev-C02X-firewall`), linked. */
    fixHref?: string;
    /**
     * The title of the to-do item the alert sits under ("Firewall is off"): once the alert is
     * dismissed, the status line says that item is still to do, rather than repeat the alert.
     */
    stillToDo?: string;
  },
): Child {
  const { n, state } = props;
  const domId = notificationDomId(n.id);
  const action = `/notifications/${encodeURIComponent(n.id)}`;
  const hx = { "hx-target": `#${domId}`, "hx-swap": "outerHTML" };
  if (state.dismissed) {
    if (!props.focus) return <div id={domId} hidden></div>;
    return (
      <p id={domId} class="muted" tabindex={-1} autofocus role="status">
        {props.stillToDo === undefined
          ? `Dismissed “${n.title ?? firstCodePoints(n.message, 60)}”.`
          : `Alert dismissed. “${props.stillToDo}” stays on your list until it is fixed.`}
      </p>
    );
  }
  const answered = state.answer !== undefined
    ? n.answers?.find((a) => a.value === state.answer)?.label ?? state.answer
    : undefined;
  return (
    <article
      id={domId}
      tabindex={-1}
      class={`panel notification ${n.severity ?? "info"}`}
      aria-labelledby={`${domId}-t`}
    >
      <h3 id={`${domId}-t`}>
        {n.title ?? (n.type === "question" ? "A question for you" : "Notice")}
      </h3>
      <p class="muted">
        <time datetime={n.event_timestamp.toISOString()}>
          {timeAgo(n.event_timestamp, props.now)}
        </time>
      </p>
      <p>{n.message}</p>
      {props.fixHref && (
        <p>
          <a href={props.fixHref}>How to fix it</a>
        </p>
      )}
      {props.error && <p class="crit" role="alert">{props.error}</p>}
      {props.readOnly && (
        <p class="muted">
          {answered === undefined
            ? n.type === "question" ? "Not answered yet." : "Not dismissed yet."
            : `They answered “${answered}”.`}
        </p>
      )}
      {!props.readOnly && n.type === "question" && answered === undefined && (
        <AnswerForm n={n} domId={domId} csrf={props.csrf} />
      )}
      {!props.readOnly && answered !== undefined && (
        <p
          class="done"
          role="status"
          tabindex={props.focus ? -1 : undefined}
          autofocus={props.focus ? true : undefined}
        >
          You answered “{answered}”.{state.answer === "no" ? "" : " Thank you."}
        </p>
      )}
      {!props.readOnly && answered !== undefined && state.answer === "no" && (
        <NotMeNextSteps resetLink={props.resetLink} contact={props.contact ?? ""} />
      )}
      {!props.readOnly && n.type === "question" && answered !== undefined && (
        <details class="change">
          <summary>Change your answer</summary>
          <AnswerForm n={n} domId={domId} csrf={props.csrf} chosen={state.answer} />
        </details>
      )}
      {!props.readOnly && (n.type !== "question" || answered !== undefined) && (
        <form method="post" action={`${action}/dismiss`} hx-post={`${action}/dismiss`} {...hx}>
          <CsrfField token={props.csrf} />
          <button type="submit">{n.type === "question" ? "Dismiss" : "OK"}</button>
        </form>
      )}
    </article>
  );
}

/** The unread-alert badge, also sent out of band after a dismissal. */
export function AlertCount(props: { count: number; oob?: boolean }): Child {
  return (
    <span
      class="badge"
      id="alert-count"
      hidden={props.count === 0}
      hx-swap-oob={props.oob ? "true" : undefined}
    >
      {props.count}
    </span>
  );
}
