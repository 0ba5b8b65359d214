/**
 * `GET /activity`: the Activity page — the person's recent sign-ins, newest first, each with its
 * answer ("this was me" / "this wasn't me"), or which sources were asked when there are none.
 *
 * @module
 */
import { Hono } from "hono";
import { activity as eventList } from "../../views/activity.tsx";
import { esc, markup } from "../../views/html.ts";
import type { AppEnv } from "../context.ts";
import { audit } from "../guards/audit.ts";
import { ageLine, listOrEmpty, targetEmail, whoseOf } from "../rendering/page_parts.tsx";
import { personPage } from "../rendering/person.tsx";
import { answersOf } from "../rendering/person_data.ts";

/** The Activity sub-app (needs a signed-in person; see app.tsx). */
export const activity: Hono<AppEnv> = new Hono<AppEnv>();

activity.get("/activity", async (c) => {
  const email = targetEmail(c);
  if (typeof email !== "string") return email;
  const { config, engine, now } = c.get("deps");
  const whose = whoseOf(c, email);
  const zone = config.UI.timeZone;
  return await personPage(c, email, {
    title: "Activity",
    active: "activity",
    need: "events",
    history: false,
    async render(view) {
      const answers = await answersOf(c, email);
      audit(c, email, "event", view.events);
      const intro = markup`<p class="muted">Newest first; times are in ${
        esc(zone === "UTC" ? "UTC" : `the ${zone} time zone`)
      }. ${
        esc(
          whose.self
            ? "If a sign-in was not you, say so: the security team will look into it."
            : "They can report a sign-in that was not them.",
        )
      }</p>`;
      const list = eventList({
        events: view.events,
        labels: config.UI.sourceLabels,
        answers,
        csrf: c.get("user")?.csrf,
        now: now(),
        timeZone: zone,
        resetLink: config.UI.passwordResetLink,
        contact: config.UI.contactEmail,
        readOnly: !whose.self,
      });
      return {
        html: markup`<h1>${
          esc(whose.self ? "Your recent sign-ins" : `Recent sign-ins of ${email}`)
        }</h1>${ageLine(c, view, email)}${
          listOrEmpty(
            c,
            view,
            {
              count: view.events.length,
              what: "sign-ins",
              whose,
              asked: engine.parts.eventSources,
            },
            markup`${intro}${list}`,
          )
        }`,
      };
    },
  });
});
