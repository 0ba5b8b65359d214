/**
 * The Accounts page: each online account with its 2-Step Verification state as a practice card.
 *
 * @module
 */
import type { Child } from "hono/jsx";
import type { Account } from "../engine/types.ts";

const TWO_STEP_HELP = "https://support.google.com/accounts/answer/185839";
const CONNECTED_APPS = "https://myaccount.google.com/connections";

/** The account list. */
export function Accounts(
  props: { accounts: readonly Account[]; email: string; orgName: string },
): Child {
  if (props.accounts.length === 0) {
    return (
      <div class="panel">
        <p>
          No accounts found for <strong>{props.email}</strong>.
        </p>
      </div>
    );
  }
  return (
    <div class="grid">
      {props.accounts.map((a, i) => {
        const enrolled = a.user_usage["accounts:is_2sv_enrolled"] === true;
        const rating = enrolled ? "ok" : "critical";
        return (
          <article class={`panel device ${rating}`} aria-labelledby={`acct-${i}`}>
            <div class="head">
              <span class="rating">{enrolled ? "All good" : "Needs attention now"}</span>
              <h2 id={`acct-${i}`}>{a.type.charAt(0).toUpperCase() + a.type.slice(1)} account</h2>
              <p>{a.name}</p>
            </div>
            <div class="body">
              <ul class="actions">
                <li>
                  <details>
                    <summary>
                      <span class={`icon ${enrolled ? "done" : "crit"}`} aria-hidden="true">
                        {enrolled ? "✓" : "!"}
                      </span>
                      <span class="visually-hidden">{enrolled ? "Done:" : "Critical:"}</span>{" "}
                      2-Step Verification {enrolled ? "is on" : "is off"}
                    </summary>
                    <div class="practice-body">
                      <p>
                        2-Step Verification asks for a second proof that it is you — a prompt on
                        your phone or a security key — besides your password. A stolen password
                        alone then no longer opens your account.
                      </p>
                      {!enrolled && (
                        <p>
                          <a href={TWO_STEP_HELP} rel="noopener noreferrer" target="_blank">
                            Turn on 2-Step Verification
                          </a>
                        </p>
                      )}
                    </div>
                  </details>
                </li>
              </ul>
              <p>
                Check which{" "}
                <a href={CONNECTED_APPS} rel="noopener noreferrer" target="_blank">
                  apps are connected
                </a>{" "}
                to your {props.orgName} account and remove any you don't recognise or no longer use.
              </p>
            </div>
          </article>
        );
      })}
    </div>
  );
}
