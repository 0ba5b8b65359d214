/**
 * `/security/reports?state=open|handled&page=`: the queue of "this wasn't me" reports, for
 * privileged people only — newest first, {@link PAGE_SIZE} a page, with the state's total; every
 * report shown is audited (who read it, with the state and page) — and
 * `POST /security/reports/:id/handle` to mark one handled (CSRF-checked form, 303, audited in the
 * log, the request logger plugins and the report itself: who, when, note).
 *
 * @module
 */
import { Hono } from "hono";
import type { ReportState } from "../../engine/core/signin_reports.ts";
import { ReportQueue } from "../../views/security_reports.tsx";
import { sourceLabel } from "../../views/source_label.ts";
import type { AppEnv } from "../context.ts";
import { auditChange, auditRecords } from "../guards/audit.ts";
import { csrfOk, formOf } from "../guards/forms.ts";
import { firstCodePoints } from "../../lib/code_points.ts";
import { PAGE_REFUSAL, PAGE_SIZE, pageOf } from "../rendering/paging.ts";
import { errorPage, page } from "../rendering/render.tsx";

const ID_RE = /^[0-9a-f]{32}$/;

/** The reports sub-app (mounted after the signed-in check). */
export const reportRoutes: Hono<AppEnv> = new Hono<AppEnv>();

reportRoutes.get("/security/reports", async (c) => {
  if (!c.var.user?.privileged) {
    return errorPage(c, 403, "The reports are only for the security team.");
  }
  const state: ReportState = c.req.query("state") === "handled" ? "handled" : "open";
  const pageNo = pageOf(c.req.query("page"));
  if (pageNo === null) return errorPage(c, 400, `${PAGE_REFUSAL}.`);
  const { store, config, log } = c.var.deps;
  let found;
  try {
    found = await store.signinReports.signInReports({
      state,
      offset: (pageNo - 1) * PAGE_SIZE,
      limit: PAGE_SIZE,
    });
  } catch (error: unknown) {
    log.error("cannot read sign-in reports", { error: String(error) });
    return errorPage(c, 503, "The reports cannot be read right now. Try again in a moment.");
  }
  auditRecords(c, "signin-report", found.reports, `report queue state=${state} page=${pageNo}`);
  const labels = config.UI.sourceLabels ?? {};
  return page(
    c,
    { title: "“This wasn't me” reports", active: "dashboard" },
    <>
      <h1>“This wasn't me” reports</h1>
      <ReportQueue
        state={state}
        reports={found.reports}
        total={found.total}
        page={pageNo}
        pageSize={PAGE_SIZE}
        csrf={c.var.user.csrf}
        labels={(s) => sourceLabel(s, labels)}
        handledNow={c.req.query("handled") === "1"}
      />
    </>,
  );
});

reportRoutes.post("/security/reports/:id/handle", async (c) => {
  const user = c.var.user;
  if (!user?.privileged) return errorPage(c, 403, "The reports are only for the security team.");
  const form = await formOf(c);
  if (!csrfOk(c, form)) {
    return errorPage(c, 403, "This form has expired. Reload the page and try again.");
  }
  const id = c.req.param("id");
  if (!ID_RE.test(id)) return errorPage(c, 404, "There is no such report.");
  const note = firstCodePoints((form.note ?? "").trim(), 1000);
  const { store, now } = c.var.deps;
  const handled = await store.signinReports.handleSignInReport(id, {
    by: user.email,
    at: now(),
    note,
  });
  if (handled === null) {
    return errorPage(c, 409, "This report was already handled, or does not exist.");
  }
  auditChange(c, handled.email, "signin-report", "sign-in report handled", {
    id,
    note: handled.handled!.note,
  });
  return c.redirect("/security/reports?handled=1", 303);
});
