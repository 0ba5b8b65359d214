// RW3-07: the Directory API answers rate limits as HTTP 403
// {"error":{"code":403,"errors":[{"domain":"usageLimits","reason":"userRateLimitExceeded"}]}}
// (Admin SDK "Limits and quotas": retry with exponential back-off; GAM-team/GAM#1643) as well as
// 429 RESOURCE_EXHAUSTED. Stethoscope made one call, answered 0 devices with no source error and
// blamed GOOGLE_API_SCOPES in its log. Right: retried with back-off; when the limit holds, the
// person's page names Google's error, worded "rate limited", never "check your scopes".
// Fixture: the case's error bodies (fixtures/rw3_06_07_17_google_directory.json).
import assert from "node:assert/strict";
import { engineWith } from "./engine_parts.ts";
import { realworldFixture } from "./fixture.ts";
import { googleWorld } from "./google_support.ts";
import type { DeviceSource } from "../../engine/core/ports.ts";

interface Case {
  mobiledevices: unknown[];
  errors: Record<"userRateLimitExceeded" | "resourceExhausted", unknown>;
}
const CASE = await realworldFixture<Case>("rw3_06_07_17_google_directory.json");
const QUINN = CASE.mobiledevices[0];
const MOBILE = "/devices/mobile";

async function lookup(failure: { status: number; times: number; body: unknown }) {
  const world = await googleWorld(new Date("2026-12-07T09:00:00Z"));
  try {
    world.fake.mobile.push(QUINN);
    world.fake.failures.push({ match: MOBILE, ...failure });
    const engine = engineWith({ deviceSources: [world.source as DeviceSource] });
    const { items, errors } = await engine.devices("quinn@example.com");
    const mobileCalls = world.fake.requests.filter((r) => r.path.endsWith(MOBILE)).length;
    return { models: items.map((d) => d.model), errors, mobileCalls };
  } finally {
    await world.close();
  }
}

Deno.test("RW3-07: a 403 userRateLimitExceeded is retried with back-off and the phone shown", async () => {
  const got = await lookup({ status: 403, times: 2, body: CASE.errors.userRateLimitExceeded });
  assert.deepEqual(got, { models: ["Pixel 8"], errors: [], mobileCalls: 3 });
});

Deno.test("RW3-07 kind: a 429 RESOURCE_EXHAUSTED is retried the same way", async () => {
  const got = await lookup({ status: 429, times: 1, body: CASE.errors.resourceExhausted });
  assert.deepEqual(got, { models: ["Pixel 8"], errors: [], mobileCalls: 2 });
});

Deno.test("RW3-07: a rate limit that holds is a visible source error worded 'rate limited'", async () => {
  const got = await lookup({ status: 403, times: 100, body: CASE.errors.userRateLimitExceeded });
  assert.deepEqual(got.models, []);
  assert.equal(got.mobileCalls, 4); // the first call and 3 retries, then it gives up
  assert.deepEqual(got.errors, [{
    source: "google",
    operation: "devicesByEmail",
    kind: "error",
    message: "Google mobile devices: rate limited (HTTP 403 " +
      "userRateLimitExceeded) after 3 retries with back-off; Google's quota for the Admin SDK " +
      "was reached, the next lookup will try again; showing the ChromeOS devices found",
  }]);
});

Deno.test("RW3-07 kind: a 403 that refuses the credentials is not retried and names the scopes", async () => {
  const body = {
    error: {
      code: 403,
      message: "Not Authorized to access this resource/api",
      errors: [{ domain: "global", reason: "forbidden" }],
    },
  };
  const got = await lookup({ status: 403, times: 100, body });
  assert.equal(got.mobileCalls, 1);
  assert.match(got.errors[0]!.message, /HTTP 403 \(Not Authorized.*check GOOGLE_API_SCOPES/);
});
