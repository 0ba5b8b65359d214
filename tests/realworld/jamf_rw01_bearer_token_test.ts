/**
 * RW-01 — Jamf Pro 11.5+ turned Basic authentication of the Classic API off; the source only sent
 * Basic, so every call was a 401 blamed on the password, and API-client keys were refused by the
 * config. Source: the 30 November 2026 case file (shared cases, RW-01), Jamf's "Classic API
 * authentication changes" notice as quoted in jamf/Jamf-Switcher#12 ("a 401 … no different than
 * the response received when using invalid credentials") and packetfence#8442 (a provisioner
 * broken the same way). Fixture: fixtures/jamf-11.5-basic-refused-exchange.json.
 *
 * @module
 */
import assert from "node:assert/strict";
import { silentLogger } from "../../config/log.ts";
import type { Store } from "../../engine/core/store_ports.ts";
import jamf from "../../plugins/sources/jamf.ts";
import { JAMF_CLIENT_ID, JAMF_CLIENT_SECRET, startFakeJamf } from "../fakes/jamf.ts";
import { basicAuth } from "../../lib/basic_auth.ts";

interface Exchange {
  exchange: { request: string; response: { status: number; body?: unknown } }[];
  config_tried: { "PLUGINS.jamf": Record<string, string> };
}

const fixture: Exchange = JSON.parse(
  await Deno.readTextFile(
    new URL("./fixtures/jamf-11.5-basic-refused-exchange.json", import.meta.url),
  ),
);

Deno.test("RW-01: the API-client config an operator tried is accepted as it is", () => {
  const parsed = jamf.schema.safeParse(fixture.config_tried["PLUGINS.jamf"]);
  assert.equal(parsed.success, true);
});

Deno.test("RW-01: against a Jamf Pro 11.5 server the source sends Bearer, never Basic, and finds the Mac", async () => {
  const fake = await startFakeJamf(); // Basic refused on the Classic API, as in the fixture
  try {
    // The fake answers Basic on the Classic API exactly as the recorded server did.
    const basic = await fetch(`${fake.hostaddr}/jssuser`, {
      headers: { Authorization: basicAuth("api-reader", "hunter2-jamf") },
    });
    await basic.body?.cancel();
    assert.equal(basic.status, fixture.exchange[3]!.response.status);
    fake.requests.length = 0;

    const config = jamf.schema.parse({
      ...fixture.config_tried["PLUGINS.jamf"],
      JAMF_API_HOSTADDR: fake.hostaddr,
      JAMF_CLIENT_ID,
      JAMF_CLIENT_SECRET,
    });
    const plugin = await jamf.create(config, {
      name: "jamf",
      timeoutMs: 5000,
      log: silentLogger,
      store: {} as Store,
      now: () => new Date(),
      demo: false,
    });
    await plugin.checkConnectivity!({ signal: new AbortController().signal });
    const [mac] = await plugin.devicesBySerial!("DECAFBAD00", {
      signal: new AbortController().signal,
    });
    assert.equal(mac?.serial, "DECAFBAD00");
    assert.deepEqual(
      fake.requests.map((r) => `${r.method} ${r.url.pathname} ${r.headers.get("authorization")}`),
      [
        "POST /api/oauth/token null",
        `GET /JSSResource/jssuser Bearer ${fake.issued[0]}`,
        `GET /JSSResource/computers/serialnumber/DECAFBAD00 Bearer ${fake.issued[0]}`,
      ],
    );
  } finally {
    await fake.close();
  }
});
