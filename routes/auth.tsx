/**
 * Sign-in and sign-out. In demo mode `/login` lists the demo people; otherwise (until OIDC is
 * configured) it says that sign-in is not configured. After sign-in the person goes back to the
 * page they asked for, if it is a path on this site.
 *
 * @module
 */
import { Hono } from "hono";
import { DEMO_PEOPLE } from "../plugins/sources/demo_people.ts";
import { DemoLogin, LoginNotConfigured } from "../views/login.tsx";
import type { AppEnv } from "./context.ts";
import { errorPage, page } from "./render.tsx";
import { clearSession, startSession } from "./session.ts";

/** The auth sub-app. */
export const auth: Hono<AppEnv> = new Hono<AppEnv>();

const SAFE_NEXT_RE = /^\/(?![/\\])[\x21-\x7e]*$/;

/** `next` if it is a same-origin path (no `//host`, no backslashes, no scheme), else `/`. */
export function safeNext(next: string | undefined): string {
  if (!next || next.length > 512 || !SAFE_NEXT_RE.test(next) || next.includes("\\")) return "/";
  return next;
}

auth.get("/login", (c) => {
  const { config } = c.var.deps;
  const next = safeNext(c.req.query("next"));
  if (config.demo) {
    const people = c.var.deps.demoPeople ?? DEMO_PEOPLE;
    return page(
      c,
      { title: "Sign in" },
      <DemoLogin people={people} next={next} csrf={undefined} />,
    );
  }
  return page(c, { title: "Sign in", status: 501 }, <LoginNotConfigured />);
});

auth.post("/login/demo", async (c) => {
  const { config, now } = c.var.deps;
  if (!config.demo) return errorPage(c, 404, "There is no demo sign-in on this site.");
  const form = await c.req.parseBody();
  const email = typeof form.email === "string" ? form.email : "";
  const people = c.var.deps.demoPeople ?? DEMO_PEOPLE;
  if (!people.some((p) => p.email === email)) {
    return errorPage(c, 400, "Choose one of the demo people listed on the sign-in page.");
  }
  await startSession(c, config, {
    email,
    privileged: config.PRIVILEGED_USERS.includes(email),
    now: now(),
  });
  c.var.deps.log.info("signed in", { user: email, method: "demo" });
  return c.redirect(safeNext(typeof form.next === "string" ? form.next : undefined), 303);
});

auth.post("/logout", (c) => {
  clearSession(c, c.var.deps.config);
  return c.redirect("/login", 303);
});

auth.get("/logout", (c) => {
  clearSession(c, c.var.deps.config);
  return c.redirect("/login", 303);
});
