/**
 * An API client whose token lives about a minute (`expires_in: 59`): the token answer of
 * `/api/oauth/token` is `access_token` + `expires_in` in seconds, unlike `/api/v1/auth/token`'s
 * `token` + `expires` timestamp, and API-client tokens can be very short-lived. Sources:
 * grahampugh/jamf-upload#117 (the two answer shapes) and PixarAnimationStudios/ruby-jss#95
 * (client credentials "works, but for a very short time"). Fixture:
 * fixtures/jamf-oauth-token-short-lifetime.json. Right behaviour: renew before expiry but not on
 * every call (a one-minute token is not "always about to expire").
 *
 * @module
 */
import assert from "node:assert/strict";
import { realworldFixture } from "./fixture.ts";
import { emptyJamf } from "./jamf_support.ts";

const recorded = await realworldFixture<{ response: { body: { expires_in: number } } }>(
  "jamf-oauth-token-short-lifetime.json",
);
const computer = await realworldFixture("jamf-computer-native-firewall-off.json");

Deno.test("a 59-second API-client token is reused for half its life, then renewed", async (t) => {
  let at = Date.parse("2026-11-30T10:00:00Z");
  const { fake, plugin } = await emptyJamf({
    fake: { tokenLifetimeSeconds: recorded.response.body.expires_in },
    now: () => new Date(at),
  });
  const lookup = () =>
    plugin.devicesBySerial!("C02TESTXXXX", { signal: new AbortController().signal });
  try {
    fake.computers.set(1, computer);
    await lookup();
    await t.step("reused 29 s later", async () => {
      at += 29_000;
      await lookup();
      assert.equal(fake.issued.length, 1);
    });
    await t.step("renewed 30 s in, before the server would refuse it", async () => {
      at += 1_000;
      await lookup();
      assert.equal(fake.issued.length, 2);
    });
    await t.step("three lookups in the same second share the new token", async () => {
      await Promise.all([lookup(), lookup(), lookup()]);
      assert.equal(fake.issued.length, 2);
    });
  } finally {
    await fake.close();
  }
});
