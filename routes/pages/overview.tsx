/**
 * `GET /`: the Overview page — the person's to-do list (devices, accounts and notifications that
 * need them), with the age line and the failed sources above it.
 *
 * @module
 */
import { Hono } from "hono";
import { markup } from "../../views/html.ts";
import { sourceErrors } from "../../views/layout.tsx";
import { sourceGaps } from "../../views/source_gaps.tsx";
import { overview as overviewBody } from "../../views/overview.tsx";
import type { AppEnv } from "../context.ts";
import { audit } from "../guards/audit.ts";
import { ageLine, targetEmail, whoseOf } from "../rendering/page_parts.tsx";
import { personData, todoFrom } from "../rendering/person_data.ts";
import { personPage } from "../rendering/person.tsx";

/** The Overview sub-app (needs a signed-in person; see app.tsx). */
export const overview: Hono<AppEnv> = new Hono<AppEnv>();

overview.get("/", async (c) => {
  const email = targetEmail(c);
  if (typeof email !== "string") return email;
  const { now, config } = c.get("deps");
  return await personPage(c, email, {
    title: "Overview",
    active: "overview",
    need: "accounts",
    async render(view) {
      const data = await personData(c, email, view);
      const list = todoFrom(c, data);
      audit(c, email, "device", view.devices);
      audit(c, email, "notification", data.notifications.items);
      const labels = config.UI.sourceLabels;
      return {
        alerts: list.count, // the badge counts this list: not made a second time by page()
        html: markup`${ageLine(c, view, email)}${
          sourceErrors({ errors: [...view.errors, ...data.notifications.errors], labels })
        }${sourceGaps({ gaps: [...view.gaps, ...data.notifications.gaps ?? []], labels })}${
          overviewBody({
            list,
            deviceCount: view.devices.length,
            whose: whoseOf(c, email),
            now: now(),
            csrf: c.get("user")?.csrf,
            ui: config.UI,
            dismissed: c.req.query("dismissed"),
          })
        }`,
      };
    },
  });
});
