/**
 * Notifications: `simple` (a message and OK), `question` (answer buttons, an optional comment,
 * then a thank-you), anything else as a plain message. Each is a form that works without
 * JavaScript (POST, 303) and is swapped in place by htmx. Written as text ({@link Html},
 * `views/html.ts`: the Overview shows them on every view, issue 24); the JSX components wrap the
 * text for fragments and pages still written in JSX.
 *
 * @module
 */
import type { Child } from "hono/jsx";
import type { Notification } from "../engine/core/types.ts";
import { type AlertState, notificationDomId } from "../engine/view/todo.ts";
import { timeAgo } from "./format.ts";
import { firstCodePoints } from "../lib/code_points.ts";
import { asChild, attr, esc, type Html, markup } from "./html.ts";

export { notificationDomId };

/** What the person already did with a notification (the to-do model's {@link AlertState}). */
export type NotificationState = AlertState;

/**
 * The hidden form field carrying the double-submit token (nothing without a token).
 *
 * @param token the signed-in person's CSRF token
 * @returns `<input type="hidden" name="_csrf_token" value="…">`, or empty text
 */
export function csrfField(token: string | undefined): Html {
  return token
    ? markup`<input type="hidden" name="_csrf_token" value="${esc(token)}">`
    : "" as Html;
}

/** {@link csrfField} as a JSX child. */
export function CsrfField(props: { token: string | undefined }): Child {
  return props.token ? asChild(csrfField(props.token)) : null;
}

/**
 * What happens after a person says a sign-in was not theirs, and what they should do now: the
 * security team is told; change the password (the configured reset link) and tell the contact.
 *
 * @param props `resetLink` (`UI.passwordResetLink`) and `contact` (`UI.contactEmail`)
 * @returns the status block
 */
export function notMeNextSteps(props: { resetLink?: string | undefined; contact: string }): Html {
  const change = props.resetLink
    ? markup`<a href="${esc(props.resetLink)}">Change your password now</a>`
    : esc("Change your password now");
  return markup`<div class="next-steps" role="status"><p><strong>Thank you — the security team has been told and will look into it.</strong></p><ol><li>${change}, even if you think it is safe.</li><li>Never approve a sign-in prompt you did not start.</li><li>If anything else looks wrong, email <a href="${
    esc(`mailto:${props.contact}`)
  }">${esc(props.contact)}</a>.</li></ol></div>`;
}

function answerForm(
  n: Notification,
  domId: string,
  csrf: string | undefined,
  chosen?: string,
): Html {
  const action = esc(`/notifications/${encodeURIComponent(n.id)}/feedback`);
  const buttons = (n.answers ?? []).map((a, i) =>
    markup`<button type="submit" name="feedback"${attr("value", a.value)}${
      attr("class", i === 0 ? "primary" : "secondary")
    }${chosen === undefined ? null : attr("aria-pressed", String(a.value === chosen))}>${
      esc(a.label)
    }</button>`
  );
  const id = esc(domId);
  return markup`<form method="post" action="${action}" hx-post="${action}" hx-target="#${id}" hx-swap="outerHTML">${
    csrfField(csrf)
  }<label for="${id}-notes">Anything to add? (optional, write it before you answer)</label><textarea id="${id}-notes" name="notes" rows="2" maxlength="2000"></textarea><fieldset class="answers"><legend>${
    esc(chosen === undefined ? "Your answer" : "Change your answer")
  }</legend>${buttons}</fieldset></form>`;
}

/** What {@link notificationCard} shows. */
export interface NotificationCardProps {
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
}

/** A dismissed card: hidden, or (just dismissed, with focus) the status line in its place. */
function dismissedCard(props: NotificationCardProps, domId: Html): Html {
  if (!props.focus) return markup`<div id="${domId}" hidden=""></div>`;
  const { n } = props;
  return markup`<p id="${domId}" class="muted" tabindex="-1" autofocus role="status">${
    esc(
      props.stillToDo === undefined
        ? `Dismissed “${n.title ?? firstCodePoints(n.message, 60)}”.`
        : `Alert dismissed. “${props.stillToDo}” stays on your list until it is fixed.`,
    )
  }</p>`;
}

/** The person's part of a card: answer, the answer given and what next, dismiss. */
function cardActions(props: NotificationCardProps, domId: string, answered: string | undefined) {
  const { n, state } = props;
  if (props.readOnly) {
    return markup`<p class="muted">${
      esc(
        answered === undefined
          ? n.type === "question" ? "Not answered yet." : "Not dismissed yet."
          : `They answered “${answered}”.`,
      )
    }</p>`;
  }
  const action = esc(`/notifications/${encodeURIComponent(n.id)}/dismiss`);
  const question = n.type === "question";
  return markup`${question && answered === undefined ? answerForm(n, domId, props.csrf) : null}${
    answered !== undefined
      ? markup`<p class="done" role="status"${attr("tabindex", props.focus ? -1 : undefined)}${
        props.focus ? markup` autofocus` : null
      }>You answered “${esc(answered)}”.${esc(state.answer === "no" ? "" : " Thank you.")}</p>${
        state.answer === "no"
          ? notMeNextSteps({ resetLink: props.resetLink, contact: props.contact ?? "" })
          : null
      }${
        question
          ? markup`<details class="change"><summary>Change your answer</summary>${
            answerForm(n, domId, props.csrf, state.answer)
          }</details>`
          : null
      }`
      : null
  }${
    !question || answered !== undefined
      ? markup`<form method="post" action="${action}" hx-post="${action}" hx-target="#${
        esc(domId)
      }" hx-swap="outerHTML">${csrfField(props.csrf)}<button type="submit">${
        esc(question ? "Dismiss" : "OK")
      }</button></form>`
      : null
  }`;
}

/**
 * One notification card; its `id` (`notificationDomId`) is stable so htmx can replace it.
 *
 * @param props the notification, its state, the clock and the person's token (see the fields)
 * @returns the card
 */
export function notificationCard(props: NotificationCardProps): Html {
  const { n, state } = props;
  const domId = notificationDomId(n.id);
  const id = esc(domId);
  if (state.dismissed) return dismissedCard(props, id);
  const answered = state.answer !== undefined
    ? n.answers?.find((a) => a.value === state.answer)?.label ?? state.answer
    : undefined;
  return markup`<article id="${id}" tabindex="-1" class="${
    esc(`panel notification ${n.severity ?? "info"}`)
  }" aria-labelledby="${id}-t"><h3 id="${id}-t">${
    esc(n.title ?? (n.type === "question" ? "A question for you" : "Notice"))
  }</h3><p class="muted"><time datetime="${esc(n.event_timestamp.toISOString())}">${
    esc(timeAgo(n.event_timestamp, props.now))
  }</time></p><p>${esc(n.message)}</p>${
    props.fixHref ? markup`<p><a href="${esc(props.fixHref)}">How to fix it</a></p>` : null
  }${props.error ? markup`<p class="crit" role="alert">${esc(props.error)}</p>` : null}${
    cardActions(props, domId, answered)
  }</article>`;
}

/** {@link notificationCard} as a JSX child (the fragments of `routes/pages/notifications.tsx`). */
export function NotificationCard(props: NotificationCardProps): Child {
  return asChild(notificationCard(props));
}

/**
 * The unread-alert badge (hidden at 0), also sent out of band after a dismissal.
 *
 * @param count the to-do list's count
 * @param oob whether it is an out-of-band swap
 * @returns `<span class="badge" id="alert-count">…</span>`
 */
export function alertCount(count: number, oob = false): Html {
  return markup`<span class="badge" id="alert-count"${attr("hidden", count === 0)}${
    attr("hx-swap-oob", oob ? "true" : undefined)
  }>${count}</span>`;
}

/** {@link alertCount} as a JSX child. */
export function AlertCount(props: { count: number; oob?: boolean }): Child {
  return asChild(alertCount(props.count, props.oob));
}
