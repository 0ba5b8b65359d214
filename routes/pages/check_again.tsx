/**
 * `POST /check-again` (issue 13): asks the inventories now for the person whose page it was, then
 * redirects back (303) to that page. A plain form post, so it works without JavaScript. Limited
 * per person to one tap per `SNAPSHOTS.CHECK_AGAIN_SECONDS` window, counted in the store (another
 * tab, another process sharing the store count too); a second tap in the window is answered 429
 * with `Retry-After`. Only taps count: the first tap after signing in always works. Look-up mode
 * offers no button, but a privileged person may post it for someone else (`next` with `?email=`),
 * as a security team refreshing what it investigates would: the inventories are asked, and the
 * devices read are audited (context `check again`) like every look-up.
 *
 * @module
 */
import { Hono } from "hono";
import { foldEmail } from "../../engine/identity/emails.ts";
import { invalidMessage, isValidEmail } from "../../engine/identity/identifiers.ts";
import type { AppEnv } from "../context.ts";
import { audit } from "../guards/audit.ts";
import { csrfOk, formOf } from "../guards/forms.ts";
import { sameEmail } from "../signin/privilege.ts";
import { errorPage } from "../rendering/render.tsx";

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
  const { engine, store } = c.var.deps;
  // Sized for people: taps are counted, not collections — the view that signing in just made
  // does not use up the first tap. One tap per person per CHECK_AGAIN_SECONDS window, counted in
  // the store (an atomic test-and-set) so every process sharing it agrees.
  const windowMs = engine.views.settings.checkAgainMs;
  const nowMs = c.var.deps.now().getTime();
  const window = Math.floor(nowMs / windowMs);
  const ends = (window + 1) * windowMs;
  const first = await store.revocations.revoke(
    `check-again\u0000${foldEmail(email)}\u0000${window}`,
    {
      until: new Date(ends),
      now: new Date(nowMs),
    },
  ).catch((error: unknown) => {
    // a tap is cheap for the inventories; a store that cannot count it does not refuse it
    c.var.deps.log.warn("cannot count a check-again tap", { error: String(error) });
    return true;
  });
  if (!first) {
    const seconds = Math.max(1, Math.ceil((ends - nowMs) / 1000));
    c.header("Retry-After", String(seconds));
    return errorPage(
      c,
      429,
      `You asked for a new check less than ${
        Math.round(windowMs / 1000)
      } seconds ago. Try again in ${seconds} seconds.`,
    );
  }
  const view = await engine.view(email, { maxAgeMs: 0 });
  audit(c, email, "device", view.devices, "check again");
  return c.redirect(backTo(next, email === user.email ? undefined : email), 303);
});
