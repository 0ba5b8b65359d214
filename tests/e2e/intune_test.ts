/**
 * End to end (issue 16): the app configured with Intune and JAMF (Classic, then the Jamf Pro API)
 * pointed at loopback fakes shows Fry's Mac once — Intune's record merged with JAMF's, matched by
 * serial and MACs — beside his Intune-only Windows laptop and iPhone.
 *
 * @module
 */
import assert from "node:assert/strict";
import { mintToken } from "../../routes/api/tokens.ts";
import { intuneSettings, startIntuneFake } from "../fakes/intune.ts";
import { JAMF_ACCOUNT, JAMF_API_CLIENT, startFakeJamf } from "../fakes/jamf.ts";
import { startJamfProFake } from "../fakes/jamf_pro.ts";
import { demoWith, startApp } from "../support/app.ts";

const FRY = "fry@planetexpress.com";
const NOW = new Date("2026-11-26T12:00:00Z");
type Json = Record<string, unknown>;

Deno.test("Fry's page shows his Intune Mac merged with the same Mac's JAMF record", async (t) => {
  const intune = startIntuneFake();
  const jamf = await startFakeJamf();
  const app = await startApp({
    config: demoWith({
      PLUGINS: {
        intune: intuneSettings(intune, { TIMEOUT: 5 }),
        jamf: {
          ...JAMF_ACCOUNT,
          JAMF_API_HOSTADDR: jamf.hostaddr,
          JAMF_TIMEOUT: 5,
        },
      },
    }),
    now: NOW,
    demoPeople: [{ email: FRY, name: "Philip J. Fry", story: "Delivery boy" }],
  });
  try {
    await t.step("the API merges the Mac from both inventories", async () => {
      const token = await mintToken(app.config, { email: FRY, now: NOW });
      const res = await app.request(`/api/v1/devices/merged/${FRY}`, {
        headers: { Authorization: `Bearer ${token}` },
      });
      assert.equal(res.status, 200);
      const devices = await res.json() as Json[];
      const bySerial = new Map(devices.map((d) => [(d.identifiers as Json).serial, d]));
      assert.deepEqual([...bySerial.keys()].sort(), [
        "0F33ABC2114501",
        "DECAFBAD00",
        "DECAFBAD01",
        "F2LXK0Q1HG7F",
      ]);
      const mac = bySerial.get("DECAFBAD00")!;
      assert.deepEqual([...mac.sources as string[]].sort(), ["intune", "jamf"]);
      const surface = bySerial.get("0F33ABC2114501")!;
      assert.deepEqual(surface.sources, ["intune"]);
      assert.equal(surface.os, "Microsoft Windows 11");
      const practices = surface.practices as Record<string, Json>;
      assert.equal(practices.firewall!.status, "ok");
      assert.equal(practices.screenlock!.status, "warn");
      assert.equal(practices.encryption!.status, "ok");
    });

    await t.step("the Devices page shows four devices, one of them from both", async () => {
      const cookie = await app.login(FRY);
      const res = await app.request("/devices", { cookie });
      assert.equal(res.status, 200);
      const html = await res.text();
      const cards = html.match(/<article id="dev-[^"]*" class="panel device [a-z]+"/g) ?? [];
      assert.equal(cards.length, 4);
      for (const text of ["FRY-SURFACE", "Surface Laptop 5", "Fry&#39;s iPhone", "DECAFBAD00"]) {
        assert.ok(html.includes(text), `page shows ${text}`);
      }
      assert.ok(!html.includes("Some information may be missing"), "no source failed");
    });
  } finally {
    await app.close();
    await Promise.all([intune.close(), jamf.close()]);
  }
});

Deno.test("Fry's Intune Mac merges with the Jamf Pro API's record of it, native posture kept", async () => {
  const intune = startIntuneFake();
  const jamfPro = await startJamfProFake();
  const app = await startApp({
    config: demoWith({
      PLUGINS: {
        intune: intuneSettings(intune, { TIMEOUT: 5 }),
        jamf_pro: {
          JAMF_PRO_URL: jamfPro.serverUrl,
          ...JAMF_API_CLIENT,
          TIMEOUT: 5,
        },
      },
    }),
    now: NOW,
    demoPeople: [{ email: FRY, name: "Philip J. Fry", story: "Delivery boy" }],
  });
  try {
    const token = await mintToken(app.config, { email: FRY, now: NOW });
    const res = await app.request(`/api/v1/devices/merged/${FRY}`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    assert.equal(res.status, 200);
    const devices = await res.json() as Json[];
    const bySerial = new Map(devices.map((d) => [(d.identifiers as Json).serial, d]));
    assert.deepEqual([...bySerial.keys()].sort(), ["0F33ABC2114501", "DECAFBAD00", "F2LXK0Q1HG7F"]);
    const mac = bySerial.get("DECAFBAD00")!;
    assert.deepEqual([...mac.sources as string[]].sort(), ["intune", "jamf_pro"]);
    assert.equal(mac.os_version, "26.1", "Jamf Pro's newer report wins over Intune's");
    const practices = mac.practices as Record<string, Json>;
    assert.equal(practices.firewall!.status, "ok");
    assert.equal(practices.encryption!.status, "ok");
    assert.equal(
      practices.encryption!.details,
      "Macintosh HD (Boot Partition): Encrypted (100%)",
    );
  } finally {
    await app.close();
    await Promise.all([intune.close(), jamfPro.close()]);
  }
});
