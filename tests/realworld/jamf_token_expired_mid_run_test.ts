/**
 * A bearer token that Jamf Pro stops accepting before we expected (its 30 minutes ran out on the
 * server's clock, or it was invalidated): the Classic API answers 401 with an `INVALID_TOKEN`
 * body, and long runs stopped updating. Sources: jamf/mut#75 ("API token timing out after around
 * 30 minutes", with the logged 401 body) and grokability/jamf2snipe#95 (rotate the token on 401).
 * Fixture: fixtures/jamf-classic-401-invalid-token.json. Right behaviour: one renewal, then the
 * call succeeds; the person sees their Mac.
 *
 * @module
 */
import assert from "node:assert/strict";
import { realworldFixture } from "./fixture.ts";
import { emptyJamf } from "./jamf_support.ts";

const recorded = await realworldFixture<{ response: { status: number; body: unknown } }>(
  "jamf-classic-401-invalid-token.json",
);
const computer = await realworldFixture("jamf-computer-native-firewall-off.json");

Deno.test("a token Jamf Pro stopped accepting is renewed once and the lookup succeeds", async () => {
  const { fake, plugin } = await emptyJamf();
  try {
    fake.computers.set(1, computer);
    const lookup = () =>
      plugin.devicesBySerial!("C02TESTXXXX", { signal: new AbortController().signal });
    await lookup();
    fake.revokeTokens();
    // The fake answers a revoked token exactly as the recorded server did.
    const stale = await fetch(`${fake.hostaddr}/computers/serialnumber/C02TESTXXXX`, {
      headers: { Authorization: `Bearer ${fake.issued[0]}`, Accept: "application/json" },
    });
    assert.equal(stale.status, recorded.response.status);
    assert.deepEqual(await stale.json(), recorded.response.body);

    const [mac] = await lookup();
    assert.equal(mac?.serial, "C02TESTXXXX");
    assert.equal(fake.issued.length, 2);
  } finally {
    await fake.close();
  }
});
