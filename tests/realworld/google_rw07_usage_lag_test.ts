/**
 * RW-07 — the Reports API answers HTTP 400 "Data for dates later than … is not yet available"
 * when the asked day is too recent (the lag varies from one to several days); the Accounts page
 * lost the 2-Step Verification state. Source: the 30 November 2026 case file (shared cases,
 * RW-07). Fixture: fixtures/google-usage-report-lag.json (the latest report is five days old).
 *
 * @module
 */
import assert from "node:assert/strict";
import { googleWorld } from "./google_support.ts";
import { realworldFixture } from "./fixture.ts";

const recorded = await realworldFixture<
  { usage_available_until: string; usageReports: unknown[] }
>("google-usage-report-lag.json");
const NOW = new Date("2026-11-30T09:00:00Z");

Deno.test("RW-07: the latest 2-Step Verification report is found five days back", async (t) => {
  for (const naming of [true, false]) {
    await t.step(naming ? "the refusal names the day" : "the refusal names no day", async () => {
      const world = await googleWorld(NOW);
      try {
        world.fake.usageLagDays = 5; // available until 2026-11-25, as recorded
        world.fake.usageLagWithoutDate = !naming;
        world.fake.usage.set("alice@example.com", recorded.usageReports);
        const account = await world.source.accountByEmail!("alice@example.com", {
          signal: new AbortController().signal,
        });
        assert.deepEqual(account?.user_usage, {
          "accounts:is_2sv_enrolled": true,
          "accounts:is_2sv_enforced": false,
          date: recorded.usage_available_until,
        });
        const days = world.fake.requests.filter((r) => r.path.includes("/usage/"))
          .map((r) => r.path.split("/").at(-1));
        assert.deepEqual(
          days,
          naming
            ? ["2026-11-29", "2026-11-25"]
            : ["2026-11-29", "2026-11-28", "2026-11-27", "2026-11-26", "2026-11-25"],
        );
      } finally {
        await world.close();
      }
    });
  }
});
