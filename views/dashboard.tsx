/**
 * The org-wide dashboard (privileged users): the latest batch run's devices critical, suggested,
 * OK (checked and passing), partly checked, unknown and exempt — overall, per practice, per
 * platform, per source — the most common failing practices, and the trend over the last runs;
 * every number links to the devices behind it. The numbers are dashboard_model.ts's, the
 * charts dashboard_charts.tsx's; this module lays them out.
 *
 * @module
 */
import type { Child } from "hono/jsx";
import type { BatchRunSummary } from "../engine/core/store_ports.ts";
import { ChartSection, Failing, Legend } from "./dashboard_charts.tsx";
import { dashboardModel } from "./dashboard_model.ts";
import { fullDate } from "./format.ts";

/**
 * The Dashboard's look-up box: a plain GET form (works without JavaScript) finding a person by
 * email, or a device of the latest batch run by serial number, MAC address or host name.
 */
export function DashboardLookUp(): Child {
  return (
    <form class="lookup" role="search" method="get" action="/dashboard/find">
      <label for="find-q">Look up a person or device</label>
      <input
        id="find-q"
        type="search"
        name="q"
        required
        maxlength={200}
        placeholder="email, serial, MAC or host name"
        autocomplete="off"
      />
      <button type="submit">Find</button>
    </form>
  );
}

/** The page body when no batch has run yet. */
export function DashboardEmpty(): Child {
  return (
    <div class="panel" id="dashboard-empty">
      <p>
        <strong>No batch run yet.</strong>{" "}
        The dashboard shows the results of the company-wide batch job. Run it with{" "}
        <code>deno task batch emails.txt</code> (or <code>main.ts batch emails.txt</code>), where
        {" "}
        <code>emails.txt</code> lists one email address per line; this page then shows its results.
      </p>
    </div>
  );
}

/** The dashboard body; `titles` name the practices (by key). */
export function Dashboard(
  props: { runs: readonly BatchRunSummary[]; titles?: Readonly<Record<string, string>> },
): Child {
  if (props.runs.length === 0) return <DashboardEmpty />;
  const m = dashboardModel(props.runs, props.titles);
  const errors = Object.entries(m.latest.errors).sort(([a], [b]) => a.localeCompare(b));
  return (
    <div id="dashboard">
      <p class="muted">
        Latest batch run finished {fullDate(m.latest.finishedAt)}: {m.latest.people} people,{" "}
        {m.latest.devices} devices.
        {errors.length > 0 && ` Sources that failed for some people: ${
          errors.map(([s, n]) => `${s} (${n})`).join(", ")
        }.`}
      </p>
      <Legend />
      <ChartSection id="overall" heading="All devices" head="Scope" rows={[m.overall]} />
      <Failing items={m.failing} run={m.latest.id} />
      <ChartSection id="practices" heading="By practice" head="Practice" rows={m.practices} />
      <ChartSection id="platforms" heading="By platform" head="Platform" rows={m.platforms} />
      <ChartSection id="sources" heading="By source" head="Source" rows={m.sources} />
      <ChartSection id="trend" heading="Trend over the last runs" head="Run" rows={m.trend} />
    </div>
  );
}
