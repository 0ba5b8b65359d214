/**
 * The Accounts page: each online account with its 2-Step Verification state as a practice card.
 *
 * @module
 */
import type { Child } from "hono/jsx";
import type { Account } from "../engine/core/types.ts";
import { possessive, type Whose } from "./empty_state.tsx";
import { accountAnchor, twoStepState } from "../engine/view/todo.ts";
import { type Severity, SEVERITY_WORDS } from "../engine/core/severity.ts";
import { RATING_CLASS, SEVERITY_CLASS, SEVERITY_ICON } from "./severity_class.ts";

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

/** The account list (the caller handles the empty case). */
export function Accounts(
  props: { accounts: readonly Account[]; whose: Whose; orgName: string | undefined },
): Child {
  const their = possessive(props.whose);
  return (
    <div class="grid">
      {props.accounts.map((a, i) => {
        const state = twoStepState(a);
        const enrolled = state === "on";
        const look = LOOK[state];
        const id = accountAnchor(i);
        return (
          <article id={id} class={`panel device ${look.rating}`} aria-labelledby={`${id}-h`}>
            <div class="head">
              <span class="rating">{look.headline}</span>
              <h2 id={`${id}-h`}>{a.type.charAt(0).toUpperCase() + a.type.slice(1)} account</h2>
              <p>{a.name}</p>
            </div>
            <div class="body">
              <ul class="actions">
                <li id={`${id}-2sv`}>
                  <details open={enrolled ? undefined : true}>
                    <summary>
                      <span class={`icon ${SEVERITY_CLASS[look.severity]}`} aria-hidden="true">
                        {SEVERITY_ICON[look.severity]}
                      </span>
                      <span class="visually-hidden">{SEVERITY_WORDS[look.severity].employee}:</span>
                      {" "}
                      {look.summary}
                    </summary>
                    <div class="practice-body">
                      {state === "unknown" && (
                        <p>
                          Google did not tell us whether 2-Step Verification is on for this account.
                          You can check it yourself below.
                        </p>
                      )}
                      {!enrolled && (
                        <div class="directions">
                          <h4>{state === "off" ? "How to fix it" : "How to check it"}</h4>
                          <ol>
                            <li>Open Google Account → Security → 2-Step Verification.</li>
                            <li>Click Get started and follow the steps on your phone.</li>
                          </ol>
                          <p>
                            <a href={TWO_STEP_HELP} rel="noopener noreferrer" target="_blank">
                              Google's 2-Step Verification help
                            </a>
                          </p>
                        </div>
                      )}
                      <div class="why">
                        {!enrolled && <h4>Why it matters</h4>}
                        <p>
                          A second proof besides the password — a prompt on a phone or a security
                          key — means a stolen password alone no longer opens the account.
                        </p>
                      </div>
                    </div>
                  </details>
                </li>
              </ul>
              <p>
                Check which{" "}
                <a href={CONNECTED_APPS} rel="noopener noreferrer" target="_blank">
                  apps are connected
                </a>{" "}
                to {their} {props.orgName ?? "work"}{" "}
                account and remove any that are not recognised or no longer used.
              </p>
            </div>
          </article>
        );
      })}
    </div>
  );
}
