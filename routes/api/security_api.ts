/**
 * The security team's records in the JSON API (privileged callers only, bearer token or session):
 *
 * - `GET /api/v1/exemptions?page=`: one page of the exemptions in force, soonest to end first,
 *   each ending at most `EXEMPTIONS.MAX_DAYS` after its grant as the people's views honour it,
 *   with how many are in force; `?email=` every exemption granted for that person as it was
 *   recorded, in force or ended (with any revocation), all of them. `expiresAt` is the first
 *   instant no longer covered; `lastDay` (`YYYY-MM-DD`, days of `UI.timeZone`) is the last day in
 *   force, the day the pages name ("until 1 March");
 * - `GET /api/v1/signin-reports?state=open|handled&page=`: one page of the "this wasn't me" queue,
 *   newest first (open: by when reported; handled: by when handled), with the state's `total`.
 *
 * Dates are ISO-8601. Each record read is audited like the person routes: its target is the
 * person it is about, its data the record with its id.
 *
 * @module
 */
import { Hono } from "hono";
import { toWire } from "../../engine/core/wire.ts";
import { foldEmail } from "../../engine/identity/emails.ts";
import { isValidEmail } from "../../engine/identity/identifiers.ts";
import { type Exemption, lastDay } from "../../engine/view/exemptions.ts";
import type { AppEnv } from "../context.ts";
import { auditRecords } from "../guards/audit.ts";
import { PAGE_REFUSAL, PAGE_SIZE, pageOf } from "../rendering/paging.ts";
import { apiRefusal as fail } from "../refusals.ts";
import { exemptionsInForce } from "../security/panel.tsx";
import { privilegedCaller } from "./api_caller.ts";

/** The security API sub-app (mounted in the API). */
export const securityApi: Hono<AppEnv> = new Hono<AppEnv>();

securityApi.get("/exemptions", async (c) => {
  await privilegedCaller(c); // refusals: app.onError (routes/refusals.ts)
  const { store, config } = c.var.deps;
  const withDay = (list: readonly Exemption[]) =>
    toWire(list.map((e) => ({ ...e, lastDay: lastDay(e.expiresAt, config.UI.timeZone) })));
  const email = c.req.query("email");
  if (email !== undefined && !isValidEmail(email)) return fail(c, 400, "Invalid email address.");
  if (email !== undefined) {
    const all = await store.exemptions.exemptionsFor(foldEmail(email));
    auditRecords(c, "exemption", all, "api exemptions of a person");
    return c.json({ total: all.length, exemptions: withDay(all) });
  }
  const pageNo = pageOf(c.req.query("page"));
  if (pageNo === null) return fail(c, 400, PAGE_REFUSAL);
  const { exemptions, total } = await exemptionsInForce(c, {
    offset: (pageNo - 1) * PAGE_SIZE,
    limit: PAGE_SIZE,
  });
  auditRecords(c, "exemption", exemptions, `api exemptions page=${pageNo}`);
  return c.json({ page: pageNo, pageSize: PAGE_SIZE, total, exemptions: withDay(exemptions) });
});

securityApi.get("/signin-reports", async (c) => {
  await privilegedCaller(c); // refusals: app.onError (routes/refusals.ts)
  const state = c.req.query("state") ?? "open";
  if (state !== "open" && state !== "handled") return fail(c, 400, "state is open or handled.");
  const pageNo = pageOf(c.req.query("page"));
  if (pageNo === null) return fail(c, 400, PAGE_REFUSAL);
  const { reports, total } = await c.var.deps.store.signinReports.signInReports({
    state,
    offset: (pageNo - 1) * PAGE_SIZE,
    limit: PAGE_SIZE,
  });
  auditRecords(c, "signin-report", reports, `api signin-reports state=${state} page=${pageNo}`);
  return c.json({ state, page: pageNo, pageSize: PAGE_SIZE, total, reports: toWire(reports) });
});
