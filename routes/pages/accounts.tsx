/**
 * `GET /accounts`: the Accounts page — the person's accounts (two-step verification, password
 * age), or which sources were asked when there are none.
 *
 * @module
 */
import { Hono } from "hono";
import { accounts as accountList } from "../../views/accounts.tsx";
import { esc, markup } from "../../views/html.ts";
import type { AppEnv } from "../context.ts";
import { audit } from "../guards/audit.ts";
import { ageLine, listOrEmpty, targetEmail, whoseOf } from "../rendering/page_parts.tsx";
import { personPage } from "../rendering/person.tsx";

/** The Accounts sub-app (needs a signed-in person; see app.tsx). */
export const accounts: Hono<AppEnv> = new Hono<AppEnv>();

accounts.get("/accounts", async (c) => {
  const email = targetEmail(c);
  if (typeof email !== "string") return email;
  const { config, engine } = c.get("deps");
  const whose = whoseOf(c, email);
  return await personPage(c, email, {
    title: "Accounts",
    active: "accounts",
    need: "accounts",
    history: false,
    render(view) {
      audit(c, email, "account", view.accounts);
      return Promise.resolve({
        html: markup`<h1>${esc(whose.self ? "Your accounts" : `Accounts of ${email}`)}</h1>${
          ageLine(c, view, email)
        }${
          listOrEmpty(
            c,
            view,
            {
              count: view.accounts.length,
              what: "accounts",
              whose,
              asked: engine.parts.accountSources,
            },
            accountList({ accounts: view.accounts, whose, orgName: config.UI.orgName }),
          )
        }`,
      });
    },
  });
});
