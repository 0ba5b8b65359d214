/**
 * `/dashboard`: the org-wide view of the latest batch runs, for privileged users only.
 *
 * @module
 */
import { Hono } from "hono";
import type { BatchRunSummary } from "../../engine/core/store_ports.ts";
import { Dashboard, DashboardLookUp } from "../../views/dashboard.tsx";
import { ReleaseDataAge } from "../../views/release_data.tsx";
import type { AppEnv } from "../context.ts";
import { errorPage, page } from "../rendering/render.tsx";
import { practiceTitles } from "../rendering/device_lists.ts";
import { securityPanel } from "../security/panel.tsx";

/** How many runs the trend shows. */
const TREND_RUNS = 12;

/** The dashboard sub-app (mounted after the signed-in check). */
export const dashboard: Hono<AppEnv> = new Hono<AppEnv>();

dashboard.get("/dashboard", async (c) => {
  if (!c.var.user?.privileged) {
    return errorPage(c, 403, "The dashboard is only for the security team.");
  }
  let runs: BatchRunSummary[];
  try {
    runs = await c.var.deps.store.batchRuns.batchRuns(TREND_RUNS);
  } catch (error: unknown) {
    c.var.deps.log.error("cannot read batch runs", { error: String(error) });
    return errorPage(c, 503, "The batch results cannot be read right now. Try again in a moment.");
  }
  const { releaseStatus, config, now } = c.var.deps;
  const releases = releaseStatus?.();
  const security = await securityPanel(c, runs[0]);
  return page(
    c,
    { title: "Dashboard", active: "dashboard" },
    <>
      <h1>Dashboard</h1>
      <p>
        <a href="/dashboard/nudges">Nudges: who got a message, and what was fixed since</a>
      </p>
      <DashboardLookUp />
      {releases && (
        <ReleaseDataAge
          {...releases}
          warnAfterDays={config.RELEASE_DATA?.WARN_AFTER_DAYS ?? 7}
          now={now()}
        />
      )}
      {security}
      <Dashboard runs={runs} titles={practiceTitles(c.var.deps.engine.parts.practices)} />
    </>,
  );
});
