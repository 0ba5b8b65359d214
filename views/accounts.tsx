/**
 * The Accounts page: each online account with its 2-Step Verification state as a practice card.
 *
 * @module
 */
import type { Account } from "../engine/core/types.ts";
import { possessive, type Whose } from "./empty_state.tsx";
import { accountAnchor, twoStepState } from "../engine/view/todo.ts";
import { type Severity, SEVERITY_WORDS } from "../engine/core/severity.ts";
import { RATING_CLASS, SEVERITY_CLASS, SEVERITY_ICON } from "./severity_class.ts";
import { esc, type Html, markup } from "./html.ts";

const TWO_STEP_HELP = "https://support.google.com/accounts/answer/185839";
const CONNECTED_APPS = "https://myaccount.google.com/connections";

/** How a card looks for each 2-Step Verification state (unknown is never shown as "off"). */
const LOOK: Readonly<
  Record<"on" | "off" | "unknown", {
    rating: string;
    headline: string;
    severity: Severity;
    summary: string;
  }>
> = {
  on: {
    rating: RATING_CLASS.ok,
    headline: "All good",
    severity: "ok",
    summary: "2-Step Verification is on",
  },
  off: {
    rating: RATING_CLASS.critical,
    headline: "Fix now",
    severity: "critical",
    summary: "2-Step Verification is off",
  },
  unknown: {
    rating: RATING_CLASS.unknown,
    headline: "Can't check",
    severity: "unknown",
    summary: "We could not read whether 2-Step Verification is on",
  },
};

const HOW_TO_STEPS =
  markup`<ol><li>Open Google Account → Security → 2-Step Verification.</li><li>Click Get started and follow the steps on your phone.</li></ol><p><a href="${
    esc(TWO_STEP_HELP)
  }" rel="noopener noreferrer" target="_blank">Google&#39;s 2-Step Verification help</a></p>`;

const WHY =
  markup`<p>A second proof besides the password — a prompt on a phone or a security key — means a stolen password alone no longer opens the account.</p>`;

/** The 2-Step Verification item of an account's card: its state, how to fix or check, why. */
function twoStep(state: "on" | "off" | "unknown", id: Html): Html {
  const look = LOOK[state];
  const enrolled = state === "on";
  const cls = esc(SEVERITY_CLASS[look.severity]);
  return markup`<li id="${id}-2sv"><details${
    enrolled ? null : markup` open`
  }><summary><span class="icon ${cls}" aria-hidden="true">${
    esc(SEVERITY_ICON[look.severity])
  }</span><span class="visually-hidden">${esc(SEVERITY_WORDS[look.severity].employee)}:</span> ${
    esc(look.summary)
  }</summary><div class="practice-body">${
    state === "unknown"
      ? markup`<p>Google did not tell us whether 2-Step Verification is on for this account. You can check it yourself below.</p>`
      : null
  }${
    enrolled
      ? null
      : markup`<div class="directions"><h4>${
        esc(state === "off" ? "How to fix it" : "How to check it")
      }</h4>${HOW_TO_STEPS}</div>`
  }<div class="why">${
    enrolled ? null : markup`<h4>Why it matters</h4>`
  }${WHY}</div></div></details></li>`;
}

/**
 * The account list as text (the caller handles the empty case): one card per account with its
 * 2-Step Verification state and the connected apps to check.
 *
 * @param props the view's accounts, whose page it is, `UI.orgName`
 * @returns `<div class="grid">…</div>`
 */
export function accounts(
  props: { accounts: readonly Account[]; whose: Whose; orgName: string | undefined },
): Html {
  const apps = markup`<p>Check which <a href="${
    esc(CONNECTED_APPS)
  }" rel="noopener noreferrer" target="_blank">apps are connected</a> to ${
    esc(`${possessive(props.whose)} ${props.orgName ?? "work"}`)
  } account and remove any that are not recognised or no longer used.</p>`;
  const cards = props.accounts.map((a, i) => {
    const state = twoStepState(a);
    const id = esc(accountAnchor(i));
    return markup`<article id="${id}" class="panel device ${
      esc(LOOK[state].rating)
    }" aria-labelledby="${id}-h"><div class="head"><span class="rating">${
      esc(LOOK[state].headline)
    }</span><h2 id="${id}-h">${
      esc(`${a.type.charAt(0).toUpperCase() + a.type.slice(1)} account`)
    }</h2><p>${esc(a.name)}</p></div><div class="body"><ul class="actions">${
      twoStep(state, id)
    }</ul>${apps}</div></article>`;
  });
  return markup`<div class="grid">${cards}</div>`;
}
