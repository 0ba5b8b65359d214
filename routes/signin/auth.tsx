/**
 * Sign-in and sign-out. With `LOGIN_MANAGER: "oidc"`, `/login` shows a "Sign in with <provider>"
 * button leading to `/auth/oidc/start` (routes/signin/oidc.tsx) — a page rather than an automatic
 * redirect, so that signing out really ends at a signed-out page (the provider's own session would
 * otherwise sign the person straight back in) and a refused sign-in can be read. In demo mode
 * `/login` lists the demo people; otherwise it says that sign-in is not configured. After sign-in
 * the person goes back to the page they asked for, if it is a path on this site.
 *
 * @module
 */
import { Hono } from "hono";
import { DemoLogin, LoginNotConfigured, LoginWithProvider, SignOut } from "../../views/login.tsx";
import type { AppEnv } from "../context.ts";
import { oidc } from "./oidc.tsx";
import { providerName } from "./oidc_client.ts";
import { CLEAR_ON_SIGN_OUT } from "../guards/private_responses.ts";
import { formOf } from "../guards/forms.ts";
import { sameEmail } from "./privilege.ts";
import { errorPage, page } from "../rendering/render.tsx";
import { endSession, safeNext, startSession } from "./session.ts";

export { safeNext };

/** The auth sub-app. */
export const auth: Hono<AppEnv> = new Hono<AppEnv>();

auth.get("/login", (c) => {
  const { config } = c.var.deps;
  const next = safeNext(c.req.query("next"));
  const signedOut = c.req.query("signed-out") !== undefined && !c.var.user && (
    <p class="panel done" role="status">You are signed out of {config.UI.appName}.</p>
  );
  if (config.LOGIN_MANAGER === "oidc") {
    return page(
      c,
      { title: "Sign in" },
      <>
        {signedOut}
        <LoginWithProvider
          provider={providerName(config)}
          href={`/auth/oidc/start?next=${encodeURIComponent(next)}`}
        />
      </>,
    );
  }
  if (config.demo) {
    const people = c.var.deps.demoPeople ?? [];
    return page(
      c,
      { title: "Sign in" },
      <>
        {signedOut}
        <DemoLogin people={people} next={next} csrf={undefined} />
      </>,
    );
  }
  return page(c, { title: "Sign in", status: 501 }, <LoginNotConfigured />);
});

auth.post("/login/demo", async (c) => {
  const { config, now } = c.var.deps;
  if (!config.demo) return errorPage(c, 404, "There is no demo sign-in on this site.");
  const form = await formOf(c);
  const email = form.email ?? "";
  const people = c.var.deps.demoPeople ?? [];
  const person = people.find((p) => sameEmail(p.email, email));
  if (!person) {
    return errorPage(c, 400, "Choose one of the demo people listed on the sign-in page.");
  }
  await startSession(c, config, { email: person.email, now: now() });
  c.var.deps.log.info("signed in", { user: person.email, method: "demo" });
  return c.redirect(safeNext(form.next), 303);
});

// Reached only past the same-origin check (a cross-site post is refused with 403 before this);
// the browser is told to clear the site's cookies and cache only when a session was ended here.
auth.post("/logout", async (c) => {
  const signedIn = c.var.user?.via === "session";
  await endSession(c, c.var.deps.config, c.var.deps.now());
  if (signedIn) c.header("Clear-Site-Data", CLEAR_ON_SIGN_OUT);
  return c.redirect("/login?signed-out", 303);
});

// Signing out is a POST (from the button on every page), so another site cannot sign people out
// with a link; a GET shows the button.
auth.get("/logout", (c) => {
  if (!c.var.user) return c.redirect("/login", 303);
  return page(c, { title: "Sign out" }, <SignOut />);
});

auth.route("/", oidc);
