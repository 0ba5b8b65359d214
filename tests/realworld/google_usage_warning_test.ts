/**
 * The Reports API answering HTTP 200 for a day whose data is not there yet: no `usageReports`,
 * one `DATA_NOT_AVAILABLE` warning ("Sorry, data for date … is not available"). The source read
 * "no report" and the Accounts page lost the 2-Step Verification state. Sources:
 * googleworkspace/apps-script-samples#104 ("Report data is sometimes not available for a given
 * day, and the API will return a warning") and the Reports API `UsageReports.warnings` field
 * (data not available / partial data available). Fixture:
 * fixtures/google-usage-warning-data-not-available.json.
 *
 * @module
 */
import assert from "node:assert/strict";
import { realworldFixture } from "./fixture.ts";
import { googleWorld } from "./google_support.ts";

const recorded = await realworldFixture<{ latest_report: { date: string } }>(
  "google-usage-warning-data-not-available.json",
);

Deno.test("a 'data not available' warning steps back to the latest report", async () => {
  const world = await googleWorld(new Date("2026-11-30T09:00:00Z"));
  try {
    world.fake.usageLagDays = 3; // available until 2026-11-27, as recorded
    world.fake.usageLagAnswer = "warning";
    world.fake.usage.set("carol@example.com", [recorded.latest_report]);
    const account = await world.source.accountByEmail!("carol@example.com", {
      signal: new AbortController().signal,
    });
    assert.deepEqual(account?.user_usage, {
      "accounts:is_2sv_enrolled": false,
      date: "2026-11-27",
    });
    const days = world.fake.requests.filter((r) => r.path.includes("/usage/"))
      .map((r) => r.path.split("/").at(-1));
    assert.deepEqual(days, ["2026-11-29", "2026-11-28", "2026-11-27"]);
  } finally {
    await world.close();
  }
});
