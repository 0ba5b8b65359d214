/**
 * The HTML pages: Overview, Devices, Accounts, Activity, FAQ. Each page includes its fragment
 * component, and answers the fragment alone to htmx.
 *
 * @module
 */
import { Hono } from "hono";
import type { Child } from "hono/jsx";
import { invalidMessage, isValidEmail } from "../engine/identifiers.ts";
import type { PersonView } from "../engine/view.ts";
import { Accounts } from "../views/accounts.tsx";
import { Activity } from "../views/activity.tsx";
import { DeviceList } from "../views/devices.tsx";
import { EmptyState, type Whose } from "../views/empty_state.tsx";
import { Faq } from "../views/faq.tsx";
import { CheckedAge } from "../views/freshness.tsx";
import { SourceErrors } from "../views/layout.tsx";
import { Overview } from "../views/overview.tsx";
import type { AppEnv, Ctx } from "./context.ts";
import { wantsFragment } from "./context.ts";
import { audit } from "./data.ts";
import { labelsOf, personData, todoOf } from "./person_data.ts";
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

/** Who the page is about, for "your"/"their" wording. */
function whoseOf(c: Ctx, email: string): Whose {
  return { email, self: sameEmail(email, c.var.user!.email) };
}

/** Labels of the sources that failed, and of those asked, for an empty list. */
function sourcesOf(
  c: Ctx,
  view: PersonView,
  asked: readonly { name: string }[],
): { failed: string[]; asked: string[] } {
  const names = new Set(asked.map((s) => s.name));
  return {
    failed: labelsOf(c, view.errors.map((e) => e.source).filter((n) => names.has(n))),
    asked: labelsOf(c, [...names]),
  };
}

/**
 * A list page's body: when the list is empty, which sources were asked (and which failed) and how
 * to get listed; else the failed sources' banner above the list itself.
 */
function listOrEmpty(
  c: Ctx,
  view: PersonView,
  options: { count: number; what: string; whose: Whose; asked: readonly { name: string }[] },
  list: Child,
): Child {
  const { UI } = c.var.deps.config;
  if (options.count === 0) {
    return (
      <EmptyState
        what={options.what}
        whose={options.whose}
        ui={UI}
        {...sourcesOf(c, view, options.asked)}
      />
    );
  }
  return (
    <>
      <SourceErrors errors={view.errors} labels={UI.sourceLabels} />
      {list}
    </>
  );
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
  const { now, config, engine } = c.var.deps;
  const { failed, asked } = sourcesOf(c, view, [
    ...engine.parts.preDeviceSources,
    ...engine.parts.deviceSources,
  ]);
  return (
    <div
      id="devices-part"
      hx-get={view.refreshing ? back(c, email) : undefined}
      hx-trigger={view.refreshing ? "load" : undefined}
      hx-swap={view.refreshing ? "outerHTML" : undefined}
    >
      {view.devices.length > 0 && (
        <SourceErrors errors={view.errors} labels={config.UI.sourceLabels} />
      )}
      <DeviceList
        devices={view.devices}
        ui={config.UI}
        now={now()}
        whose={whoseOf(c, email)}
        failed={failed}
        asked={asked}
      />
    </div>
  );
}

pages.get("/", async (c) => {
  const email = targetEmail(c);
  if (typeof email !== "string") return email;
  const { now, config } = c.var.deps;
  return await personPage(c, email, {
    title: "Overview",
    active: "overview",
    need: "accounts",
    async render(view) {
      const data = await personData(c, email, view);
      const items = await todoOf(c, email);
      audit(c, email, "device", view.devices);
      audit(c, email, "notification", data.notifications.items);
      return {
        body: (
          <>
            {age(c, view, email)}
            <SourceErrors
              errors={[...view.errors, ...data.notifications.errors]}
              labels={config.UI.sourceLabels}
            />
            <Overview
              items={items}
              deviceCount={view.devices.length}
              whose={whoseOf(c, email)}
              now={now()}
              csrf={c.var.user?.csrf}
              ui={config.UI}
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
            <h1>{whoseOf(c, email).self ? "Your devices" : `Devices of ${email}`}</h1>
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
  const { config, engine } = c.var.deps;
  const whose = whoseOf(c, email);
  return await personPage(c, email, {
    title: "Accounts",
    active: "accounts",
    need: "accounts",
    render(view) {
      audit(c, email, "account", view.accounts);
      return Promise.resolve({
        body: (
          <>
            <h1>{whose.self ? "Your accounts" : `Accounts of ${email}`}</h1>
            {age(c, view, email)}
            {listOrEmpty(
              c,
              view,
              {
                count: view.accounts.length,
                what: "accounts",
                whose,
                asked: engine.parts.accountSources,
              },
              <Accounts accounts={view.accounts} whose={whose} orgName={config.UI.orgName} />,
            )}
          </>
        ),
      });
    },
  });
});

pages.get("/activity", async (c) => {
  const email = targetEmail(c);
  if (typeof email !== "string") return email;
  const { config, store, engine, now } = c.var.deps;
  const whose = whoseOf(c, email);
  const zone = config.UI.timeZone;
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
            <h1>{whose.self ? "Your recent sign-ins" : `Recent sign-ins of ${email}`}</h1>
            {age(c, view, email)}
            {listOrEmpty(
              c,
              view,
              {
                count: view.events.length,
                what: "sign-ins",
                whose,
                asked: engine.parts.eventSources,
              },
              <>
                <p class="muted">
                  Newest first; times are in {zone === "UTC" ? "UTC" : `the ${zone} time zone`}.
                  {" "}
                  {whose.self
                    ? "If a sign-in was not you, say so: the security team will look into it."
                    : "They can report a sign-in that was not them."}
                </p>
                <Activity
                  events={view.events}
                  labels={config.UI.sourceLabels}
                  answers={answers}
                  csrf={c.var.user?.csrf}
                  now={now()}
                  timeZone={zone}
                  resetLink={config.UI.passwordResetLink}
                  contact={config.UI.contactEmail}
                />
              </>,
            )}
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
