/**
 * `GET /devices`: the Devices page — the person's devices with their practices. While a stale
 * view refreshes in the background, htmx asks for the devices part again and swaps the fresh one
 * in (the fragment answer of the same URL). Written as text (`views/html.ts`, issue 24).
 *
 * @module
 */
import { Hono } from "hono";
import type { PersonView } from "../../engine/view/view.ts";
import { deviceList } from "../../views/devices.tsx";
import type { Whose } from "../../views/empty_state.tsx";
import { attr, esc, type Html, markup } from "../../views/html.ts";
import { sourceErrors } from "../../views/layout.tsx";
import { sourceGaps } from "../../views/source_gaps.tsx";
import type { AppEnv, Ctx } from "../context.ts";
import { wantsFragment } from "../context.ts";
import { audit } from "../guards/audit.ts";
import { ageLine, back, sourcesOf, targetEmail, whoseOf } from "../rendering/page_parts.tsx";
import { personPage } from "../rendering/person.tsx";

/** The Devices sub-app (needs a signed-in person; see app.tsx). */
export const devices: Hono<AppEnv> = new Hono<AppEnv>();

/**
 * The devices part of the Devices page. While a stale view refreshes in the background, htmx
 * asks for it again (`hx-trigger="load"`; the answer waits for the refresh) and swaps it in.
 * The sources asked and failed are named only when the list is empty.
 */
function devicesPart(c: Ctx, view: PersonView, options: { email: string; whose: Whose }): Html {
  const { now, config, engine } = c.get("deps");
  const labels = config.UI.sourceLabels;
  const reload = view.refreshing ? back(c, options.email) : undefined;
  const sources = view.devices.length === 0
    ? sourcesOf(c, view, [...engine.parts.ownershipSources, ...engine.parts.deviceSources])
    : undefined;
  return markup`<div id="devices-part"${attr("hx-get", reload)}${
    attr("hx-trigger", view.refreshing ? "load" : undefined)
  }${attr("hx-swap", view.refreshing ? "outerHTML" : undefined)}>${
    view.devices.length > 0 && sourceErrors({ errors: view.errors, labels })
  }${sourceGaps({ gaps: view.gaps, labels })}${
    deviceList({
      devices: view.devices,
      ui: config.UI,
      now: now(),
      whose: options.whose,
      ...sources,
      staleDays: config.NUDGES.STALE_DAYS,
    })
  }</div>`;
}

devices.get("/devices", async (c) => {
  const email = targetEmail(c);
  if (typeof email !== "string") return email;
  const whose = whoseOf(c, email);
  if (wantsFragment(c)) {
    // htmx: the refresh running now (or the snapshot as it is), with the age line out of band
    const view = await c.get("deps").engine.view(email, { maxAgeMs: Infinity });
    audit(c, email, "device", view.devices);
    return c.html(
      markup`${devicesPart(c, view, { email, whose })}${ageLine(c, view, email, true)}`,
    );
  }
  return await personPage(c, email, {
    title: "Devices",
    active: "devices",
    need: "devices",
    render(view) {
      audit(c, email, "device", view.devices);
      return Promise.resolve({
        html: markup`<h1>${esc(whose.self ? "Your devices" : `Devices of ${email}`)}</h1>${
          ageLine(c, view, email)
        }${devicesPart(c, view, { email, whose })}`,
      });
    },
  });
});
