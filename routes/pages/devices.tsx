/**
 * `GET /devices`: the Devices page — the person's devices with their practices. While a stale
 * view refreshes in the background, htmx asks for the devices part again and swaps the fresh one
 * in (the fragment answer of the same URL).
 *
 * @module
 */
import { Hono } from "hono";
import type { Child } from "hono/jsx";
import type { PersonView } from "../../engine/view/view.ts";
import { DeviceList } from "../../views/devices.tsx";
import { SourceErrors } from "../../views/layout.tsx";
import { SourceGaps } from "../../views/source_gaps.tsx";
import type { AppEnv, Ctx } from "../context.ts";
import { wantsFragment } from "../context.ts";
import { audit } from "../guards/audit.ts";
import { age, back, sourcesOf, targetEmail, whoseOf } from "../rendering/page_parts.tsx";
import { personPage } from "../rendering/person.tsx";

/** The Devices sub-app (needs a signed-in person; see app.tsx). */
export const devices: Hono<AppEnv> = new Hono<AppEnv>();

/**
 * The devices part of the Devices page. While a stale view refreshes in the background, htmx
 * asks for it again (`hx-trigger="load"`; the answer waits for the refresh) and swaps it in.
 */
function DevicesPart(props: { c: Ctx; view: PersonView; email: string }): Child {
  const { c, view, email } = props;
  const { now, config, engine } = c.get("deps");
  const { failed, asked } = sourcesOf(c, view, [
    ...engine.parts.ownershipSources,
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
      <SourceGaps gaps={view.gaps} labels={config.UI.sourceLabels} />
      <DeviceList
        devices={view.devices}
        ui={config.UI}
        now={now()}
        whose={whoseOf(c, email)}
        failed={failed}
        asked={asked}
        staleDays={config.NUDGES.STALE_DAYS}
      />
    </div>
  );
}

devices.get("/devices", async (c) => {
  const email = targetEmail(c);
  if (typeof email !== "string") return email;
  if (wantsFragment(c)) {
    // htmx: the refresh running now (or the snapshot as it is), with the age line out of band
    const view = await c.get("deps").engine.view(email, { maxAgeMs: Infinity });
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
