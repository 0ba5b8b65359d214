/**
 * `POST /check-again` (issue 13): asks the inventories now for the person whose page it was, then
 * redirects back (303) to that page. A plain form post, so it works without JavaScript. Limited
 * per person: while their data is younger than `SNAPSHOTS.CHECK_AGAIN_SECONDS` the answer is 429
 * with `Retry-After`, whoever asked last (another tab, another process sharing the store).
 *
 * @module
 */
import { Hono } from "hono";
import { invalidMessage, isValidEmail } from "../engine/identifiers.ts";
import type { AppEnv } from "./context.ts";
import { csrfOk, formOf } from "./forms.ts";
import { sameEmail } from "./privilege.ts";
import { errorPage } from "./render.tsx";

/** The "Check again" sub-app. */
export const checkAgain: Hono<AppEnv> = new Hono<AppEnv>();

/** Pages "Check again" may return to; anything else returns to the Overview. */
const BACK_RE = /^\/(devices|accounts|activity)?$/;

/** The page to return to: one of ours, keeping a privileged `?email=`. */
function backTo(next: string | undefined, email: string | undefined): string {
  const path = next !== undefined && URL.canParse(next, "http://x")
    ? new URL(next, "http://x")
    : undefined;
  const page = path && path.origin === "http://x" && BACK_RE.test(path.pathname)
    ? path.pathname
    : "/";
  return email === undefined ? page : `${page}?email=${encodeURIComponent(email)}`;
}

checkAgain.post("/check-again", async (c) => {
  const user = c.var.user!;
  const form = await formOf(c);
  if (!csrfOk(c, form)) {
    return errorPage(c, 403, "This form has expired. Reload the page and try again.");
  }
  const next = form.next ?? "/";
  // a `next` that is no URL (a hand-made form) returns to the Overview, never a 500
  const asked = URL.parse(next, "http://x")?.searchParams.get("email") ?? undefined;
  let email = user.email;
  if (asked !== undefined && !sameEmail(asked, user.email)) {
    if (!user.privileged) return errorPage(c, 403, "You can only check your own devices.");
    if (!isValidEmail(asked)) return errorPage(c, 400, invalidMessage("email address", asked));
    email = asked;
  }
  const { engine } = c.var.deps;
  const current = await engine.cachedView(email);
  // the last time anyone asked: the snapshot's collection, or a later refresh that failed
  const lastAsked = Math.max(
    current?.collectedAt.getTime() ?? 0,
    current?.failedRefresh?.at.getTime() ?? 0,
  );
  const wait = lastAsked + engine.views.settings.checkAgainMs - c.var.deps.now().getTime();
  if (current && wait > 0) {
    const seconds = Math.ceil(wait / 1000);
    c.header("Retry-After", String(seconds));
    return errorPage(
      c,
      429,
      `Your devices were checked less than ${
        Math.round(engine.views.settings.checkAgainMs / 1000)
      } seconds ago. Try again in ${seconds} seconds.`,
    );
  }
  await engine.view(email, { maxAgeMs: 0 });
  return c.redirect(backTo(next, email === user.email ? undefined : email), 303);
});
