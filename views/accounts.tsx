/**
 * The Accounts page: each online account with its 2-Step Verification state as a practice card.
 *
 * @module
 */
import type { Child } from "hono/jsx";
import type { Account } from "../engine/core/types.ts";
import { possessive, type Whose } from "./empty_state.tsx";
import { accountAnchor, twoStepOn } from "../engine/view/todo.ts";

const TWO_STEP_HELP = "https://support.google.com/accounts/answer/185839";
const CONNECTED_APPS = "https://myaccount.google.com/connections";

/** The account list (the caller handles the empty case). */
export function Accounts(
  props: { accounts: readonly Account[]; whose: Whose; orgName: string },
): Child {
  const their = possessive(props.whose);
  return (
    <div class="grid">
      {props.accounts.map((a, i) => {
        const enrolled = twoStepOn(a);
        const rating = enrolled ? "ok" : "critical";
        const id = accountAnchor(i);
        return (
          <article id={id} class={`panel device ${rating}`} aria-labelledby={`${id}-h`}>
            <div class="head">
              <span class="rating">{enrolled ? "All good" : "Fix now"}</span>
              <h2 id={`${id}-h`}>{a.type.charAt(0).toUpperCase() + a.type.slice(1)} account</h2>
              <p>{a.name}</p>
            </div>
            <div class="body">
              <ul class="actions">
                <li id={`${id}-2sv`}>
                  <details open={enrolled ? undefined : true}>
                    <summary>
                      <span class={`icon ${enrolled ? "done" : "crit"}`} aria-hidden="true">
                        {enrolled ? "✓" : "!"}
                      </span>
                      <span class="visually-hidden">{enrolled ? "Done:" : "Fix now:"}</span>{" "}
                      2-Step Verification {enrolled ? "is on" : "is off"}
                    </summary>
                    <div class="practice-body">
                      {!enrolled && (
                        <div class="directions">
                          <h4>How to fix it</h4>
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
                to {their} {props.orgName}{" "}
                account and remove any that are not recognised or no longer used.
              </p>
            </div>
          </article>
        );
      })}
    </div>
  );
}
