/**
 * `GET /dashboard/nudges`: who got a nudge after the latest batch run (or would, in the dry run
 * while nudges are off), how many nudged items are fixed within a week, and the messages of the
 * last 30 days. Privileged users only, like the Dashboard it is linked from.
 *
 * @module
 */
import { Hono } from "hono";
import type { BatchRunSummary } from "../../engine/core/store_ports.ts";
import { DashboardNudges, type LedgerRow } from "../../views/dashboard_nudges.tsx";
import type { AppEnv } from "../context.ts";
import { errorPage, page } from "../rendering/render.tsx";

/** How far back the ledger is listed, and at most how many messages. */
const LEDGER_DAYS = 30;
const LEDGER_ROWS = 200;
/** How many runs are searched for the newest one that planned nudges. */
const RUNS = 12;

/** The nudges page sub-app (mounted after the signed-in check). */
export const dashboardNudges: Hono<AppEnv> = new Hono<AppEnv>();

dashboardNudges.get("/dashboard/nudges", async (c) => {
  if (!c.var.user?.privileged) {
    return errorPage(c, 403, "The dashboard is only for the security team.");
  }
  const { store, now, log } = c.var.deps;
  let runs: BatchRunSummary[];
  let sent: LedgerRow[];
  try {
    [runs, sent] = await Promise.all([
      store.batchRuns.batchRuns(RUNS),
      store.nudges.nudgesSince(new Date(now().getTime() - LEDGER_DAYS * 86_400_000), LEDGER_ROWS),
    ]);
  } catch (error: unknown) {
    log.error("cannot read the nudges", { error: String(error) });
    return errorPage(c, 503, "The nudges cannot be read right now. Try again in a moment.");
  }
  const latest = runs.find((r) => r.nudges !== undefined);
  return page(
    c,
    { title: "Nudges", active: "dashboard" },
    <>
      <h1>Nudges</h1>
      <p>
        <a href="/dashboard">Back to the Dashboard</a>
      </p>
      <DashboardNudges
        {...(latest?.nudges
          ? { run: { finishedAt: latest.finishedAt, nudges: latest.nudges } }
          : {})}
        sent={sent}
        days={LEDGER_DAYS}
      />
    </>,
  );
});
