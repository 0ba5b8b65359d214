/**
 * `GET /`: the Overview page — the person's to-do list (devices, accounts and notifications that
 * need them), with the age line and the failed sources above it.
 *
 * @module
 */
import { Hono } from "hono";
import { SourceErrors } from "../../views/layout.tsx";
import { SourceGaps } from "../../views/source_gaps.tsx";
import { Overview } from "../../views/overview.tsx";
import type { AppEnv } from "../context.ts";
import { audit } from "../guards/audit.ts";
import { age, targetEmail, whoseOf } from "../rendering/page_parts.tsx";
import { personData, todoOf } from "../rendering/person_data.ts";
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
      const list = await todoOf(c, email);
      audit(c, email, "device", view.devices);
      audit(c, email, "notification", data.notifications.items);
      return {
        alerts: list.count, // the badge counts this list: not made a second time by page()
        body: (
          <>
            {age(c, view, email)}
            <SourceErrors
              errors={[...view.errors, ...data.notifications.errors]}
              labels={config.UI.sourceLabels}
            />
            <SourceGaps
              gaps={[...view.gaps, ...data.notifications.gaps ?? []]}
              labels={config.UI.sourceLabels}
            />
            <Overview
              list={list}
              deviceCount={view.devices.length}
              whose={whoseOf(c, email)}
              now={now()}
              csrf={c.get("user")?.csrf}
              ui={config.UI}
              dismissed={c.req.query("dismissed")}
            />
          </>
        ),
      };
    },
  });
});
