/**
 * The HTML pages: Overview, Devices, Accounts, Activity, FAQ. Each page includes its fragment
 * component, and answers the fragment alone to htmx.
 *
 * @module
 */
import { Hono } from "hono";
import { deviceRating, sortDevices } from "../engine/rating.ts";
import { invalidMessage, isValidEmail } from "../engine/identifiers.ts";
import { graceDays, withSince } from "../engine/since.ts";
import type { Collected, MergedDevice } from "../engine/types.ts";
import { Accounts } from "../views/accounts.tsx";
import { Activity } from "../views/activity.tsx";
import { DeviceList } from "../views/devices.tsx";
import { Faq } from "../views/faq.tsx";
import { SourceErrors } from "../views/layout.tsx";
import { Overview } from "../views/overview.tsx";
import type { AppEnv, Ctx } from "./context.ts";
import { wantsFragment } from "./context.ts";
import { audit, notificationStates } from "./data.ts";
import { sameEmail } from "./privilege.ts";
import { errorPage, page } from "./render.tsx";

/** The page sub-app (every route needs a signed-in person; see app.tsx). */
export const pages: Hono<AppEnv> = new Hono<AppEnv>();

/**
 * Whose data this request shows: the person's own, or — for privileged users only — the
 * `?email=` they asked for. Returns a Response when the request must be refused.
 */
export function targetEmail(c: Ctx): string | Response | Promise<Response> {
  const user = c.var.user!;
  const asked = c.req.query("email");
  if (asked === undefined || sameEmail(asked, user.email)) return user.email;
  if (!user.privileged) {
    return errorPage(c, 403, "You can only see your own devices and alerts.");
  }
  if (!isValidEmail(asked)) return errorPage(c, 400, invalidMessage("email address", asked));
  return asked;
}

/**
 * The devices with "failing since" and grace periods from the store, re-ordered since a grace
 * period can turn a critical item into a suggestion; never fails the page.
 */
export async function sinceShown(
  c: Ctx,
  found: Collected<MergedDevice>,
): Promise<Collected<MergedDevice>> {
  const { store, engine, now, log } = c.var.deps;
  const items = await withSince(store, found.items, {
    now: now(),
    grace: graceDays(engine.parts.practices),
    onError: (error) => log.warn("cannot record practice statuses", { error: String(error) }),
  });
  return { items: sortDevices(items), errors: found.errors };
}

pages.get("/", async (c) => {
  const email = targetEmail(c);
  if (typeof email !== "string") return email;
  const { engine, now } = c.var.deps;
  const signal = c.req.raw.signal;
  const [devices, notifications, states] = await Promise.all([
    engine.devices(email, { signal }).then((found) => sinceShown(c, found)),
    engine.notifications(email, { signal }),
    notificationStates(c, email),
  ]);
  audit(c, email, "device", devices.items);
  audit(c, email, "notification", notifications.items);
  const unread = notifications.items.filter((n) => !states.get(n.id)?.dismissed).length;
  const critical = devices.items.filter((d) => deviceRating(d) === "critical").length;
  return page(
    c,
    { title: "Overview", active: "overview", alerts: unread + critical },
    <>
      <SourceErrors
        errors={[...devices.errors, ...notifications.errors]}
        labels={c.var.deps.config.UI.sourceLabels}
      />
      <Overview
        devices={devices.items}
        notifications={notifications.items}
        states={states}
        now={now()}
        csrf={c.var.user?.csrf}
      />
    </>,
  );
});

pages.get("/devices", async (c) => {
  const email = targetEmail(c);
  if (typeof email !== "string") return email;
  const { engine, now, config } = c.var.deps;
  const { items, errors } = await sinceShown(
    c,
    await engine.devices(email, { signal: c.req.raw.signal }),
  );
  audit(c, email, "device", items);
  const list = <DeviceList devices={items} ui={config.UI} now={now()} email={email} />;
  if (wantsFragment(c)) return c.html(list);
  return page(
    c,
    { title: "Devices", active: "devices" },
    <>
      <h1>{email === c.var.user!.email ? "Your devices" : `Devices of ${email}`}</h1>
      <SourceErrors errors={errors} labels={config.UI.sourceLabels} />
      {list}
    </>,
  );
});

pages.get("/accounts", async (c) => {
  const email = targetEmail(c);
  if (typeof email !== "string") return email;
  const { engine, config } = c.var.deps;
  const { items, errors } = await engine.accounts(email, { signal: c.req.raw.signal });
  audit(c, email, "account", items);
  return page(
    c,
    { title: "Accounts", active: "accounts" },
    <>
      <h1>Accounts</h1>
      <SourceErrors errors={errors} labels={config.UI.sourceLabels} />
      <Accounts accounts={items} email={email} orgName={config.UI.orgName} />
    </>,
  );
});

pages.get("/activity", async (c) => {
  const email = targetEmail(c);
  if (typeof email !== "string") return email;
  const { engine, config, store } = c.var.deps;
  const [{ items, errors }, answers] = await Promise.all([
    engine.events(email, { signal: c.req.raw.signal }),
    store.answers(email).catch(() => new Map<string, string>()),
  ]);
  audit(c, email, "event", items);
  return page(
    c,
    { title: "Activity", active: "activity" },
    <>
      <h1>Recent sign-ins</h1>
      <p class="muted">
        If a sign-in below was not you, say so: the security team will look into it.
      </p>
      <SourceErrors errors={errors} labels={config.UI.sourceLabels} />
      <Activity
        events={items}
        labels={config.UI.sourceLabels}
        answers={answers}
        csrf={c.var.user?.csrf}
      />
    </>,
  );
});

pages.get("/faq", (c) => {
  return page(
    c,
    { title: "FAQ", active: "faq" },
    <>
      <h1>Frequently asked questions</h1>
      <Faq ui={c.var.deps.config.UI} />
    </>,
  );
});
