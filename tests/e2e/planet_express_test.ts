/**
 * End to end: the app configured like an operator's, with JAMF, bitFit and Google pointed at
 * loopback fakes, shows Fry's two Macs — each merged from bitFit and JAMF — on the Devices page
 * and in the JSON API.
 *
 * @module
 */
import { GOOGLE_ALL_SCOPES, startGoogleServiceAccount } from "../support/google.ts";
import assert from "node:assert/strict";
import { mintToken } from "../../routes/api/tokens.ts";
import { BITFIT_TOKEN, type FakeBitfit, startFakeBitfit } from "../fakes/bitfit.ts";
import { type GoogleFake } from "../fakes/google.ts";
import { type FakeJamf, JAMF_ACCOUNT, startFakeJamf } from "../fakes/jamf.ts";
import { demoWith, startApp, type TestApp } from "../support/app.ts";

const FRY = "fry@planetexpress.com";
const NOW = new Date("2026-11-26T12:00:00Z");

interface Planet {
  app: TestApp;
  jamf: FakeJamf;
  bitfit: FakeBitfit;
  google: GoogleFake;
  close(): Promise<void>;
}

/** The three fakes and an app configured with their URLs, as an operator would configure it. */
async function planetExpress(): Promise<Planet> {
  const jamf = await startFakeJamf();
  const bitfit = await startFakeBitfit();
  const { google, section: googleSection } = await startGoogleServiceAccount(() => NOW);
  const config = demoWith({
    PLUGINS: {
      jamf: {
        ...JAMF_ACCOUNT,
        JAMF_API_HOSTADDR: jamf.hostaddr,
        JAMF_TIMEOUT: 5,
      },
      bitfit: { BITFIT_API_TOKEN: BITFIT_TOKEN, BITFIT_BASE_URL: bitfit.baseUrl, TIMEOUT: 5 },
      google: await googleSection({
        scopes: GOOGLE_ALL_SCOPES,
        timeout: 5,
        projectId: "planet-express",
      }),
    },
  });
  const app = await startApp({
    config,
    now: NOW,
    demoPeople: [{ email: FRY, name: "Philip J. Fry", story: "Delivery boy with two Macs" }],
  });
  return {
    app,
    jamf,
    bitfit,
    google,
    async close() {
      await app.close();
      await Promise.all([jamf.close(), bitfit.close(), google.close()]);
    },
  };
}

type Json = Record<string, unknown>;

function bySerial(devices: Json[]): Map<string, Json> {
  return new Map(devices.map((d) => [(d.identifiers as Json).serial as string, d]));
}

/** The identifiers with the MAC list sorted (merging unites MAC sets; their order is free). */
function ids(device: Json): Json {
  const identifiers = { ...device.identifiers as Json };
  identifiers.mac_addresses = [...identifiers.mac_addresses as string[]].sort();
  return identifiers;
}

Deno.test("Planet Express: Fry's two Macs, each merged from bitFit and JAMF", async (t) => {
  const planet = await planetExpress();
  try {
    await t.step(
      "the API lists exactly DECAFBAD00 and DECAFBAD01 with spec §14 fields",
      async () => {
        const token = await mintToken(planet.app.config, { email: FRY, now: NOW });
        const res = await planet.app.request(`/api/v1/devices/merged/${FRY}`, {
          headers: { Authorization: `Bearer ${token}` },
        });
        assert.equal(res.status, 200);
        const devices = await res.json() as Json[];
        assert.equal(devices.length, 2);
        const found = bySerial(devices);
        // Both need attention; within a rating the most recently seen comes first (decision 15).
        assert.deepEqual([...found.keys()], ["DECAFBAD01", "DECAFBAD00"]);

        const laptop = found.get("DECAFBAD00")!;
        assert.deepEqual(laptop.sources, ["bitfit", "jamf"]);
        assert.deepEqual(ids(laptop), {
          serial: "DECAFBAD00",
          udid: "DECAFBAD-DECA-FBAD-DECA-FBAD00000000",
          mac_addresses: ["00:DE:CA:FB:AD:00", "00:DE:CA:FB:AD:01"],
        });
        assert.equal(laptop.name, "lgml-pfry");
        assert.equal(laptop.model, "15-inch Retina MacBook Pro (Late 2013)");
        assert.equal(laptop.serial, "DECAFBAD00");
        assert.equal(laptop.platform, "Mac");
        assert.equal(laptop.os, "Mac OS X");
        assert.equal(laptop.os_version, "10.10.5");
        assert.equal(laptop.email, FRY);
        assert.equal(laptop.last_sync, "2016-02-26T18:58:57.853Z");
        assert.equal(laptop.type, "Laptop");
        assert.equal(laptop.status, "Active");
        // Decision 20: the item's null photo id falls back to the config-level one.
        assert.equal(
          laptop.photo_url,
          "https://app.bitfit.com/api/attachments/12345/download?scale=tiny",
        );
        assert.equal(laptop.hw_release_date, "2013-10-22T00:00:00.000Z");
        assert.equal("source" in laptop, false);
        assert.equal("_raw" in laptop, false);

        const software = laptop.software as Json;
        assert.equal(software.last_scan_date, "2016-02-26T18:58:57.853Z");
        assert.deepEqual((software.installed as Json[])[0], {
          name: "BIG-IP Edge Client.app",
          version: "7120.2015.1102.1",
          path: "/Applications/BIG-IP Edge Client.app",
        });
        assert.deepEqual((software.services as Json[]).slice(0, 3), [
          { name: "com.carbonblack.daemon" },
          { name: "com.openssh.sshd" },
          { name: "com.sentinelone.sentineld" },
        ]);

        const practices = laptop.practices as Record<string, Json>;
        assert.equal(practices.encryption!.value, true);
        assert.equal(practices.encryption!.status, "ok");
        assert.equal(
          practices.encryption!.details,
          "Macintosh HD (Boot Partition): Encrypted (100%)",
        );
        assert.equal(practices.encryption!.last_updated, "2016-02-26T18:58:57.853Z");
        assert.equal(practices.uptodate!.value, false);
        assert.equal(practices.uptodate!.status, "warn");
        // JAMF reported none of the software-update attributes: unknown, not a made-up failure.
        assert.equal(practices.autoupdate!.value ?? null, null);
        assert.equal(practices.autoupdate!.status, "unknown");
        assert.equal(practices.autoupdate!.details, undefined);
        assert.equal(practices.firewall!.value, false);
        assert.equal(practices.firewall!.status, "warn");

        const desktop = found.get("DECAFBAD01")!;
        assert.deepEqual(desktop.sources, ["bitfit", "jamf"]);
        assert.equal(desktop.name, "lgmd-pfry");
        assert.equal(desktop.model, "MacPro (Late 2013)");
        assert.equal(desktop.platform, "Mac");
        assert.equal(desktop.type, "Workstation");
        assert.equal(desktop.hw_release_date, "2013-10-22T00:00:00.000Z");
        const desktopPractices = desktop.practices as Record<string, Json>;
        assert.equal(desktopPractices.encryption!.status, "warn");
        assert.equal(
          desktopPractices.encryption!.details,
          "Macintosh HD (Boot Partition): Not Encrypted (0%)",
        );
        assert.equal(desktop.last_sync, "2016-02-28T22:54:40.788Z");
        assert.deepEqual(ids(desktop), {
          serial: "DECAFBAD01",
          udid: "DECAFBAD-DECA-FBAD-DECA-FBAD00000001",
          mac_addresses: ["00:DE:CA:FB:AD:02", "00:DE:CA:FB:AD:03"],
        });
      },
    );

    await t.step("JAMF was asked by owner, by both serials and by every bitFit MAC", async () => {
      const paths = planet.jamf.requests.map((r) => decodeURIComponent(r.url.pathname)).sort();
      assert.deepEqual(paths, [
        "/JSSResource/computers/id/3062",
        "/JSSResource/computers/id/4551",
        "/JSSResource/computers/macaddress/00:DE:CA:FB:AD:00",
        "/JSSResource/computers/macaddress/00:DE:CA:FB:AD:01",
        "/JSSResource/computers/macaddress/00:DE:CA:FB:AD:02",
        "/JSSResource/computers/macaddress/00:DE:CA:FB:AD:03",
        "/JSSResource/computers/serialnumber/DECAFBAD00",
        "/JSSResource/computers/serialnumber/DECAFBAD01",
        "/JSSResource/users/email/fry@planetexpress.com",
        "/api/v1/auth/token", // one bearer token shared by every lookup
      ]);
      // Every lookup found its Mac: 2 ownership records, then JAMF by owner (2), serial (2), MAC (4).
      const { items, errors } = await planet.app.services.engine.records(FRY);
      assert.deepEqual(errors, []);
      assert.deepEqual(
        items.map((r) => `${r.source} ${r.identifiers?.serial}`),
        [
          ...["bitfit", "jamf", "jamf"].flatMap((s) => [`${s} DECAFBAD00`, `${s} DECAFBAD01`]),
          "jamf DECAFBAD00",
          "jamf DECAFBAD00",
          "jamf DECAFBAD01",
          "jamf DECAFBAD01",
        ],
      );
      const googlePaths = planet.google.requests.map((r) => r.path);
      assert.ok(googlePaths.includes("/token"), "Google token exchange happened");
      assert.ok(
        googlePaths.includes("/admin/directory/v1/customer/my_customer/devices/mobile"),
        "Google mobile devices were asked",
      );
    });

    await t.step("the Devices page shows the same two Macs and no source error", async () => {
      const cookie = await planet.app.login(FRY);
      const res = await planet.app.request("/devices", { cookie });
      assert.equal(res.status, 200);
      const html = await res.text();
      const cards = html.match(/<article id="dev-[^"]*" class="panel device [a-z]+"/g) ?? [];
      assert.equal(cards.length, 2);
      for (const text of ["lgml-pfry", "lgmd-pfry", "DECAFBAD00", "DECAFBAD01"]) {
        assert.ok(html.includes(text), `page shows ${text}`);
      }
      assert.ok(html.includes("15-inch Retina MacBook Pro (Late 2013)"));
      assert.ok(html.includes("MacPro (Late 2013)"));
      assert.ok(html.includes("Disk is encrypted"));
      assert.ok(!html.includes("DECAFBAD02"), "an asset Fry does not own is not shown");
      assert.ok(!html.includes("Some information may be missing"), "no source failed");
    });
  } finally {
    await planet.close();
  }
});
