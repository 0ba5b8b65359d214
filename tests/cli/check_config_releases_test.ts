import assert from "node:assert/strict";
import { releaseDataLine } from "../../cli/mod.ts";
import { demoConfig } from "../../config/demo.ts";
import { ConfigSchema } from "../../config/schema.ts";

const NOW = new Date("2026-11-30T12:00:00Z");

Deno.test("check-config says how old the release data is and where it will come from", async () => {
  assert.equal(
    await releaseDataLine(demoConfig(), NOW),
    "release data from the shipped file, current to 11 May (203 days old; older than 7 days); " +
      "demo mode does not fetch it (set RELEASE_DATA.FETCH to true to fetch)",
  );
  const configured = { ...ConfigSchema.parse({}), demo: false };
  assert.equal(
    await releaseDataLine(configured, NOW),
    "release data from the shipped file, current to 11 May (203 days old; older than 7 days); " +
      "the server refreshes it every 6 hours from sofafeed.macadmins.io and endoflife.date",
  );
  const offline = { ...ConfigSchema.parse({ RELEASE_DATA: { FETCH: false } }), demo: false };
  assert.match(
    await releaseDataLine(offline, NOW),
    /; fetching is off \(RELEASE_DATA.FETCH is false\)$/,
  );
});
