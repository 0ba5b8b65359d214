/**
 * The Activity page: recent sign-ins from Google and Duo, newest first, one card each (a row on
 * wide screens), in plain words with the place, the VPN label and a short time in the person's
 * time zone. Each has one answer, shared with any Overview question about it; "this wasn't me"
 * goes through the feedback path and then says what happens next.
 *
 * @module
 */
import { eventAnswerKey } from "../engine/core/answer_keys.ts";
import type { AccessEvent } from "../engine/core/types.ts";
import { shortTime } from "./format.ts";
import { esc, type Html, markup } from "./html.ts";
import { csrfField, notMeNextSteps } from "./notifications.tsx";
import { sourceLabel } from "./source_label.ts";

/**
 * The id of a sign-in's card on the Activity page, e.g. `ev-event_google_fry-3`: answering without
 * htmx redirects to `/activity#<id>`, so the browser lands on (and focuses) the card just answered.
 */
export function eventDomId(key: string): string {
  return `ev-${key.replace(/[^A-Za-z0-9_-]/g, "_")}`;
}

/** Google `login_failure_type` and Duo `reason` values in words (vendor docs' values). */
const REASONS: Record<string, string> = {
  login_failure_invalid_password: "wrong password",
  login_failure_invalid_second_factor: "wrong 2-Step Verification code",
  login_failure_account_disabled: "account disabled",
  login_failure_unknown: "failed",
  user_approved: "approved",
  user_marked_fraud: "reported as fraud",
  user_cancelled: "cancelled",
  deny_unenrolled_user: "refused: not enrolled",
  invalid_passcode: "wrong passcode",
  no_response: "not answered",
  locked_out: "refused: account locked",
};

/** Duo `factor` values in words. */
const FACTORS: Record<string, string> = {
  duo_push: "Duo push",
  phone_call: "Duo phone call",
  passcode: "Duo passcode",
  sms_passcode: "Duo text-message code",
  hardware_token: "Duo hardware token",
  webauthn_security_key: "Duo security key",
  remembered_device: "Duo remembered device",
  not_available: "Duo sign-in", // an enrolment or bypass: Duo logs no factor
};

function words(code: string): string {
  return code.replace(/_/g, " ").trim().toLowerCase();
}

/**
 * What a sign-in was, in plain words: "Google: signed in", "Google: wrong password",
 * "Duo push approved", "Duo push denied (reported as fraud)".
 */
export function describeEvent(e: AccessEvent, labels: Record<string, string>): string {
  if (e.source === "duo") {
    const factor = FACTORS[e.type.toLowerCase().replace(/ /g, "_")] ??
      `Duo ${words(e.type) || "sign-in"}`;
    if (e.success) return `${factor} approved`;
    const reason = REASONS[e.reason] ?? words(e.reason);
    return `${factor} denied${reason ? ` (${reason})` : ""}`;
  }
  const label = sourceLabel(e.source, labels);
  if (e.type === "logout") return `${label}: signed out`;
  if (e.success) return `${label}: signed in`;
  return `${label}: ${REASONS[e.reason] ?? (words(e.reason) || "sign-in failed")}`;
}

/** "On the VPN (Company VPN)", "New New York, United States · 203.0.113.77", or the address. */
export function whereFrom(e: AccessEvent): string {
  const parts: string[] = [];
  if (e.vpn) {
    parts.push(`On the VPN${e.location && e.location !== "VPN" ? ` (${e.location})` : ""}`);
  } else if (e.location) parts.push(e.location);
  if (e.place) parts.push(e.place);
  if (e.ip_address) parts.push(e.ip_address);
  return parts.join(" · ") || "Unknown place";
}

/** What a sign-in's answer part needs besides the event. */
interface AnswerContext {
  csrf: string | undefined;
  resetLink: string | undefined;
  contact: string;
  readOnly: boolean;
}

/** A one-button form answering whether a sign-in was the person. */
function answerButton(action: Html, csrf: string | undefined, value: "yes" | "no", label: string) {
  return markup`<form method="post" action="${action}">${
    csrfField(csrf)
  }<input type="hidden" name="notes" value=""><button type="submit" name="feedback" value="${
    esc(value)
  }" class="${value === "no" ? markup`danger` : null}">${esc(label)}</button></form>`;
}

/** A sign-in's answer: the buttons, the answer given (and what next), or, read-only, the answer. */
function answer(key: string, given: string | undefined, ctx: AnswerContext): Html {
  if (ctx.readOnly) {
    return markup`<p class="muted">${
      esc(
        given === "no"
          ? "They reported this sign-in as not them."
          : given !== undefined
          ? "They confirmed this was them."
          : "Not answered.",
      )
    }</p>`;
  }
  const action = esc(`/notifications/${encodeURIComponent(key)}/feedback`);
  if (given === "no") {
    return markup`<p class="crit">You reported this sign-in as not you.</p>${
      notMeNextSteps({ resetLink: ctx.resetLink, contact: ctx.contact })
    }${answerButton(action, ctx.csrf, "yes", "It was me after all")}`;
  }
  if (given !== undefined) {
    return markup`<p class="done">You confirmed this was you.</p>${
      answerButton(action, ctx.csrf, "no", "It wasn't me")
    }`;
  }
  return answerButton(action, ctx.csrf, "no", "This wasn't me");
}

/**
 * The list of sign-ins as text (the caller handles the empty case), newest first as given, each
 * with its answer.
 *
 * @param props the view's events, `UI.sourceLabels`, the person's answers by answer key, their
 *   token, the clock and `UI.timeZone`, the reset link and contact, and `readOnly` (look-up mode:
 *   the person's answers in the third person, without their buttons)
 * @returns `<ol class="signins">…</ol>`
 */
export function activity(
  props: {
    events: readonly AccessEvent[];
    labels: Record<string, string>;
    answers: ReadonlyMap<string, string>;
    csrf: string | undefined;
    now: Date;
    timeZone: string;
    resetLink?: string | undefined;
    contact: string;
    readOnly?: boolean;
  },
): Html {
  const ctx: AnswerContext = {
    csrf: props.csrf,
    resetLink: props.resetLink,
    contact: props.contact,
    readOnly: props.readOnly ?? false,
  };
  const items = props.events.map((e) => {
    const key = eventAnswerKey(e);
    return markup`<li class="${
      e.success ? markup`panel signin` : markup`panel signin failed`
    }" id="${esc(eventDomId(key))}" tabindex="-1"><p class="what"><strong>${
      esc(describeEvent(e, props.labels))
    }</strong></p><p class="when"><time datetime="${esc(e.timestamp.toISOString())}">${
      esc(shortTime(e.timestamp, { now: props.now, timeZone: props.timeZone }))
    }</time></p><p class="where">${esc(whereFrom(e))}</p><div class="answer">${
      answer(key, props.answers.get(key), ctx)
    }</div></li>`;
  });
  return markup`<ol class="signins">${items}</ol>`;
}
