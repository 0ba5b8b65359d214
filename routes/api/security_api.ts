/**
 * The security team's records in the JSON API (privileged callers only, bearer token or session):
 *
 * - `GET /api/v1/exemptions`: the exemptions in force, soonest to end first, each ending at most
 *   `EXEMPTIONS.MAX_DAYS` after its grant as the people's views honour it; `?email=` every
 *   exemption granted for that person as it was recorded, in force or ended (with any revocation);
 * - `GET /api/v1/signin-reports?state=open|handled`: the "this wasn't me" queue (open: oldest
 *   first; handled: most recently handled first).
 *
 * Dates are ISO-8601. Each read is audited like the person routes.
 *
 * @module
 */
import { Hono } from "hono";
import { toWire } from "../../engine/core/wire.ts";
import { foldEmail } from "../../engine/identity/emails.ts";
import { isValidEmail } from "../../engine/identity/identifiers.ts";
import type { AppEnv } from "../context.ts";
import { apiRefusal as fail } from "../refusals.ts";
import { exemptionsInForce } from "../security/panel.tsx";
import { privilegedCaller } from "./api_caller.ts";

/** Most records one answer holds. */
const LIMIT = 1000;

/** The security API sub-app (mounted in the API). */
export const securityApi: Hono<AppEnv> = new Hono<AppEnv>();

securityApi.get("/exemptions", async (c) => {
  const user = await privilegedCaller(c); // refusals: app.onError (routes/refusals.ts)
  const { store, log } = c.var.deps;
  const email = c.req.query("email");
  if (email !== undefined && !isValidEmail(email)) return fail(c, 400, "Invalid email address.");
  const list = email === undefined
    ? await exemptionsInForce(c, LIMIT)
    : await store.exemptions.exemptionsFor(foldEmail(email));
  log.info("data access", { audit: true, accessing_user: user.email, record_type: "exemptions" });
  return c.json({ exemptions: toWire(list) });
});

securityApi.get("/signin-reports", async (c) => {
  const user = await privilegedCaller(c); // refusals: app.onError (routes/refusals.ts)
  const state = c.req.query("state") ?? "open";
  if (state !== "open" && state !== "handled") return fail(c, 400, "state is open or handled.");
  const { store, log } = c.var.deps;
  const reports = await store.signinReports.signInReports({ state, limit: LIMIT });
  log.info("data access", {
    audit: true,
    accessing_user: user.email,
    record_type: "signin-reports",
  });
  return c.json({ reports: toWire(reports) });
});
