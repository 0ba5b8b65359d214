/**
 * The HTML pages: Overview, Devices, Accounts, Activity, FAQ. Each page includes its fragment
 * component, and answers the fragment alone to htmx.
 *
 * @module
 */
import { Hono } from "hono";
import type { Child } from "hono/jsx";
import { deviceRating } from "../engine/rating.ts";
import { invalidMessage, isValidEmail } from "../engine/identifiers.ts";
import type { PersonView } from "../engine/view.ts";
import { Accounts } from "../views/accounts.tsx";
import { Activity } from "../views/activity.tsx";
import { DeviceList } from "../views/devices.tsx";
import { Faq } from "../views/faq.tsx";
import { CheckedAge } from "../views/freshness.tsx";
import { SourceErrors } from "../views/layout.tsx";
import { Overview } from "../views/overview.tsx";
import type { AppEnv, Ctx } from "./context.ts";
import { wantsFragment } from "./context.ts";
import { audit, notificationsOf, notificationStates } from "./data.ts";
import { personPage } from "./person.tsx";
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

/** Where "Check again" on this page returns to (path and, for a privileged view, `?email=`). */
function back(c: Ctx, email: string): string {
  return email === c.var.user!.email
    ? c.req.path
    : `${c.req.path}?email=${encodeURIComponent(email)}`;
}

/** The age line of a view ("Checked 2 hours ago", "Check again"). */
function age(c: Ctx, view: PersonView, email: string, oob = false): Child {
  const { now, config } = c.var.deps;
  return (
    <CheckedAge
      view={view}
      now={now()}
      csrf={c.var.user?.csrf}
      back={back(c, email)}
      labels={config.UI.sourceLabels}
      oob={oob}
    />
  );
}

/**
 * The devices part of the Devices page. While a stale view refreshes in the background, htmx
 * asks for it again (`hx-trigger="load"`; the answer waits for the refresh) and swaps it in.
 */
function DevicesPart(props: { c: Ctx; view: PersonView; email: string }): Child {
  const { c, view, email } = props;
  const { now, config } = c.var.deps;
  return (
    <div
      id="devices-part"
      hx-get={view.refreshing ? back(c, email) : undefined}
      hx-trigger={view.refreshing ? "load" : undefined}
      hx-swap={view.refreshing ? "outerHTML" : undefined}
    >
      <SourceErrors errors={view.errors} labels={config.UI.sourceLabels} />
      <DeviceList devices={view.devices} ui={config.UI} now={now()} email={email} />
    </div>
  );
}

pages.get("/", async (c) => {
  const email = targetEmail(c);
  if (typeof email !== "string") return email;
  const { now } = c.var.deps;
  return await personPage(c, email, {
    title: "Overview",
    active: "overview",
    need: "devices",
    async render(view) {
      const [notifications, states] = await Promise.all([
        notificationsOf(c, email),
        notificationStates(c, email),
      ]);
      audit(c, email, "device", view.devices);
      audit(c, email, "notification", notifications.items);
      const unread = notifications.items.filter((n) => !states.get(n.id)?.dismissed).length;
      const critical = view.devices.filter((d) => deviceRating(d) === "critical").length;
      return {
        alerts: unread + critical,
        body: (
          <>
            {age(c, view, email)}
            <SourceErrors
              errors={[...view.errors, ...notifications.errors]}
              labels={c.var.deps.config.UI.sourceLabels}
            />
            <Overview
              devices={view.devices}
              notifications={notifications.items}
              states={states}
              now={now()}
              csrf={c.var.user?.csrf}
            />
          </>
        ),
      };
    },
  });
});

pages.get("/devices", async (c) => {
  const email = targetEmail(c);
  if (typeof email !== "string") return email;
  if (wantsFragment(c)) {
    // htmx: the refresh running now (or the snapshot as it is), with the age line out of band
    const view = await c.var.deps.engine.view(email, { maxAgeMs: Infinity });
    audit(c, email, "device", view.devices);
    return c.html(
      <>
        <DevicesPart c={c} view={view} email={email} />
        {age(c, view, email, true)}
      </>,
    );
  }
  return await personPage(c, email, {
    title: "Devices",
    active: "devices",
    need: "devices",
    render(view) {
      audit(c, email, "device", view.devices);
      return Promise.resolve({
        body: (
          <>
            <h1>{email === c.var.user!.email ? "Your devices" : `Devices of ${email}`}</h1>
            {age(c, view, email)}
            <DevicesPart c={c} view={view} email={email} />
          </>
        ),
      });
    },
  });
});

pages.get("/accounts", async (c) => {
  const email = targetEmail(c);
  if (typeof email !== "string") return email;
  const { config } = c.var.deps;
  return await personPage(c, email, {
    title: "Accounts",
    active: "accounts",
    need: "accounts",
    render(view) {
      audit(c, email, "account", view.accounts);
      return Promise.resolve({
        body: (
          <>
            <h1>Accounts</h1>
            {age(c, view, email)}
            <SourceErrors errors={view.errors} labels={config.UI.sourceLabels} />
            <Accounts accounts={view.accounts} email={email} orgName={config.UI.orgName} />
          </>
        ),
      });
    },
  });
});

pages.get("/activity", async (c) => {
  const email = targetEmail(c);
  if (typeof email !== "string") return email;
  const { config, store } = c.var.deps;
  return await personPage(c, email, {
    title: "Activity",
    active: "activity",
    need: "events",
    async render(view) {
      const answers = await store.answers(email).catch(() => new Map<string, string>());
      audit(c, email, "event", view.events);
      return {
        body: (
          <>
            <h1>Recent sign-ins</h1>
            <p class="muted">
              If a sign-in below was not you, say so: the security team will look into it.
            </p>
            {age(c, view, email)}
            <SourceErrors errors={view.errors} labels={config.UI.sourceLabels} />
            <Activity
              events={view.events}
              labels={config.UI.sourceLabels}
              answers={answers}
              csrf={c.var.user?.csrf}
            />
          </>
        ),
      };
    },
  });
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
