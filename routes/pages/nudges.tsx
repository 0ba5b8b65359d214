/**
 * What a person controls of their nudges (issue 27), from a message's links or the site:
 * `GET /nudges/snooze?item=…` asks them to confirm snoozing one suggested item for
 * `NUDGES.SNOOZE_DAYS` (a link in a message never changes anything by itself: mail scanners follow
 * links), `POST /nudges/snooze` does it; an item that is critical on the person's to-do list
 * cannot be snoozed (messages offer no such link; a hand-made one is refused, 409, saying so); `GET /nudges/settings` and `POST /nudges/settings` turn
 * non-critical messages off or on per channel. Always the signed-in person's own; plain forms with
 * the session's CSRF token, answered with a 303, so they work without JavaScript.
 *
 * @module
 */
import { Hono } from "hono";
import type { AppEnv, Ctx } from "../context.ts";
import { csrfOk, formOf } from "../guards/forms.ts";
import { todoOf } from "../rendering/person_data.ts";
import { errorPage, page } from "../rendering/render.tsx";
import { CsrfField } from "../../views/notifications.tsx";

/** The nudges sub-app (needs a signed-in person; see app.tsx). */
export const nudgeRoutes: Hono<AppEnv> = new Hono<AppEnv>();

/** An item key as `nudgeItemsOf` writes them (a device's practice or an account), bounded. */
const ITEM_RE = /^(device|account):[^\s<>"]{1,300}$/;

/**
 * The refusal of a snooze of `item` when it is critical on the signed-in person's to-do list (as
 * the Overview and the badge count it), else `null`. Critical items are always sent: snoozing one
 * would be saved and never honoured, so it is refused and the person told why.
 */
async function criticalRefusal(c: Ctx, item: string): Promise<Response | null> {
  const list = await todoOf(c, c.var.user!.email);
  const found = list.items.find((i) => i.key === item && i.level === "critical");
  if (found === undefined) return null;
  const where = found.where ? ` (${found.where})` : "";
  return await errorPage(
    c,
    409,
    `“${found.title}”${where} must be fixed now, so it cannot be snoozed: critical items are ` +
      "always in your messages. Your Devices page says how to fix it.",
  );
}

function dayText(at: Date, timeZone: string | undefined): string {
  return new Intl.DateTimeFormat("en-GB", {
    day: "numeric",
    month: "long",
    ...(timeZone ? { timeZone } : {}),
  }).format(at);
}

nudgeRoutes.get("/nudges/snooze", async (c) => {
  const item = c.req.query("item") ?? "";
  if (!ITEM_RE.test(item)) return errorPage(c, 400, "This snooze link is not one of ours.");
  const refused = await criticalRefusal(c, item);
  if (refused) return refused;
  const { config, now } = c.var.deps;
  const days = config.NUDGES.SNOOZE_DAYS;
  const until = new Date(now().getTime() + days * 86_400_000);
  return page(
    c,
    { title: "Snooze a suggestion" },
    <>
      <h1>Snooze a suggestion</h1>
      <p>
        We will not mention this suggestion in messages until{" "}
        {dayText(until, config.UI?.timeZone)}. It stays on your <a href="/devices">Devices</a>{" "}
        page, and anything critical is still sent.
      </p>
      <form method="post" action="/nudges/snooze">
        <CsrfField token={c.var.user?.csrf} />
        <input type="hidden" name="item" value={item} />
        <button type="submit">Snooze for {days} {days === 1 ? "day" : "days"}</button>
      </form>
    </>,
  );
});

nudgeRoutes.post("/nudges/snooze", async (c) => {
  const form = await formOf(c);
  if (!csrfOk(c, form)) {
    return errorPage(c, 403, "This form has expired. Reload the page and try again.");
  }
  const item = form.item ?? "";
  if (!ITEM_RE.test(item)) return errorPage(c, 400, "This snooze link is not one of ours.");
  const refused = await criticalRefusal(c, item);
  if (refused) return refused;
  const { config, now, store } = c.var.deps;
  const until = new Date(now().getTime() + config.NUDGES.SNOOZE_DAYS * 86_400_000);
  await store.nudges.snoozeNudgeItem(c.var.user!.email, item, until);
  return c.redirect("/nudges/settings?snoozed=1", 303);
});

nudgeRoutes.get("/nudges/settings", async (c) => {
  const { store, nudgeChannels } = c.var.deps;
  const email = c.var.user!.email;
  const channels = [...(nudgeChannels ?? [])];
  const choices = await Promise.all(
    channels.map(async (name) => ({
      name,
      criticalOnly: (await store.nudges.nudgeHistory(email, name)).criticalOnly,
    })),
  );
  const label = (name: string) => name === "slack" ? "Slack" : name === "email" ? "Email" : name;
  return page(
    c,
    { title: "Messages" },
    <>
      <h1>Messages about your devices</h1>
      {c.req.query("snoozed") === "1" && (
        <p role="status">Snoozed. We will not mention that suggestion for a few days.</p>
      )}
      {choices.length === 0
        ? <p>Your organisation does not send messages about devices.</p>
        : (
          <form method="post" action="/nudges/settings">
            <CsrfField token={c.var.user?.csrf} />
            <fieldset>
              <legend>Send me only what must be fixed now</legend>
              {choices.map((ch) => (
                <p>
                  <label>
                    <input
                      type="checkbox"
                      name={`critical_only_${ch.name}`}
                      value="1"
                      checked={ch.criticalOnly}
                    />{" "}
                    {label(ch.name)}: critical items only
                  </label>
                </p>
              ))}
            </fieldset>
            <button type="submit">Save</button>
          </form>
        )}
      <p>
        Critical items are always sent, at most once a day, on weekday afternoons in your time zone.
      </p>
    </>,
  );
});

nudgeRoutes.post("/nudges/settings", async (c) => {
  const form = await formOf(c);
  if (!csrfOk(c, form)) {
    return errorPage(c, 403, "This form has expired. Reload the page and try again.");
  }
  const { store, nudgeChannels } = c.var.deps;
  const email = c.var.user!.email;
  for (const name of nudgeChannels ?? []) {
    await store.nudges.setCriticalOnly(email, name, form[`critical_only_${name}`] === "1");
  }
  return c.redirect("/nudges/settings", 303);
});
