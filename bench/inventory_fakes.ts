/**
 * The upstreams of `bench/batch_listing.ts`, in their own process so the batch's memory is
 * measured alone: the Intune (Microsoft Graph), Jamf Pro and Google Workspace fakes of
 * `tests/fakes/`, filled with `DEVICES` synthetic devices owned by `PEOPLE` people
 * (`person<N>@example.com`; device i belongs to person i mod PEOPLE and lives in Intune, Jamf Pro
 * or Google for i mod 3 = 0, 1, 2), each request answered after `LATENCY_MS`, and a counting
 * Elasticsearch (`_bulk` requests, bytes and documents; every item answered 201 at once, nothing
 * kept) for the real `batch_es` sink. Prints one JSON line with the URLs (and the Google service
 * account's throw-away key), then serves until stdin closes; `GET /counts` on the control URL
 * answers the device pages each fake served and the `_bulk` counts.
 *
 * Run: `deno run --allow-net=127.0.0.1 --allow-read bench/inventory_fakes.ts PEOPLE DEVICES LATENCY_MS`
 *
 * @module
 */
// deno-lint-ignore-file no-console
import { type FakeManagedDevice, startIntuneFake } from "../tests/fakes/intune.ts";
import { exportPKCS8, generateKeyPair } from "jose";
import { startGoogleFake } from "../tests/fakes/google.ts";
import { type FakeInventoryRecord, startJamfProFake } from "../tests/fakes/jamf_pro.ts";

const [people, devices, latencyMs] = Deno.args.map(Number) as [number, number, number];

/** Synthetic serial, MAC and owner of device `i`. */
function identity(i: number) {
  const hex = i.toString(16).padStart(10, "0").toUpperCase();
  return { serial: `SYN${hex}`, mac: `60${hex}`, owner: `person${i % people}@example.com` };
}

const intuneDevices: FakeManagedDevice[] = [];
const jamfComputers: FakeInventoryRecord[] = [];
const phones: unknown[] = [];
for (let i = 0; i < devices; i++) {
  const { serial, mac, owner } = identity(i);
  if (i % 3 === 2) {
    phones.push({
      kind: "admin#directory#mobiledevice",
      resourceId: `res-${i}`,
      deviceId: `dev-${i}`,
      serialNumber: serial,
      email: [owner],
      model: "Pixel 9",
      os: i % 2 === 0 ? "Android 15" : "Android 13",
      type: "ANDROID",
      status: "APPROVED",
      lastSync: "2026-11-25T07:00:00.000Z",
      wifiMacAddress: mac.replace(/(..)(?!$)/g, "$1:").toLowerCase(),
      encryptionStatus: i % 4 === 0 ? "Unencrypted" : "Encrypted",
      deviceCompromisedStatus: "No compromise detected",
      adbStatus: false,
      developerOptionsStatus: false,
      unknownSourcesStatus: false,
    });
  } else if (i % 3 === 0) {
    intuneDevices.push({
      id: `00000000-0000-0000-0000-${i.toString().padStart(12, "0")}`,
      deviceName: `PC-${i}`,
      userPrincipalName: owner,
      emailAddress: owner,
      operatingSystem: "Windows",
      osVersion: i % 4 === 0 ? "10.0.26100.2314" : "10.0.19045.5131",
      isEncrypted: i % 5 !== 0,
      jailBroken: "Unknown",
      complianceState: "compliant",
      lastSyncDateTime: "2026-11-25T08:00:00Z",
      serialNumber: serial,
      wiFiMacAddress: mac,
      ethernetMacAddress: "",
      model: "Latitude 7450",
      manufacturer: "Dell Inc.",
    });
  } else {
    jamfComputers.push({
      id: String(i),
      udid: `UDID-${serial}`,
      general: { name: `mac-${i}`, platform: "Mac", reportDate: "2026-11-25T09:00:00.000Z" },
      hardware: {
        make: "Apple",
        model: "MacBook Air (M3)",
        serialNumber: serial,
        macAddress: mac.replace(/(..)(?!$)/g, "$1:"),
      },
      operatingSystem: { name: "macOS", version: i % 3 === 0 ? "15.7.2" : "26.1", build: "25B78" },
      diskEncryption: {
        bootPartitionEncryptionDetails: {
          partitionName: "Macintosh HD",
          partitionFileVault2State: i % 7 === 0 ? "UNENCRYPTED" : "ENCRYPTED",
          partitionFileVault2Percent: i % 7 === 0 ? 0 : 100,
        },
      },
      security: {
        sipStatus: "ENABLED",
        gatekeeperStatus: "APP_STORE_AND_IDENTIFIED_DEVELOPERS",
        firewallEnabled: i % 3 !== 0,
      },
      userAndLocation: { email: identity(i).owner },
      softwareUpdates: [],
      extensionAttributes: [],
    });
  }
}

const intune = startIntuneFake({ devices: intuneDevices, latencyMs, settingStates: new Map() });
const jamfPro = await startJamfProFake({ computers: jamfComputers, latencyMs });
const keys = await generateKeyPair("RS256", { extractable: true });
const CLIENT_EMAIL = "bench@stethoscope.iam.gserviceaccount.com";
const ADMIN = "admin@example.com";
const google = startGoogleFake({
  publicKey: keys.publicKey,
  clientEmail: CLIENT_EMAIL,
  subject: ADMIN,
});
google.mobile = phones;
google.delayMs = latencyMs;
google.pageSize = 1000;
const bulk = { requests: 0, bytes: 0, documents: 0 };
const CREATED = { index: { status: 201, result: "created" } };
const es = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
  const headers = { "content-type": "application/json", "x-elastic-product": "Elasticsearch" };
  const path = new URL(req.url).pathname;
  if (path.endsWith("/_bulk")) {
    const body = new Uint8Array(await req.arrayBuffer());
    let lines = 0;
    for (const b of body) if (b === 10) lines++;
    bulk.requests++;
    bulk.bytes += body.length;
    bulk.documents += lines / 2;
    const items = JSON.stringify(CREATED);
    const answer = `{"took":1,"errors":false,"items":[${Array(lines / 2).fill(items).join(",")}]}`;
    return new Response(answer, { headers });
  }
  await req.body?.cancel();
  return new Response(
    JSON.stringify({
      name: "bench",
      cluster_name: "bench",
      version: { number: "9.2.1", build_flavor: "default" },
      tagline: "You Know, for Search",
    }),
    { headers },
  );
});
const googlePages = () => google.requests.filter((r) => r.path.includes("/devices/")).length;
const control = Deno.serve(
  { hostname: "127.0.0.1", port: 0, onListen: () => {} },
  () =>
    Response.json({
      intune: {
        pages: intune.counts.pages,
        tokens: intune.counts.tokens,
        devices: intuneDevices.length,
      },
      jamf_pro: { pages: jamfPro.counts.pages, devices: jamfComputers.length },
      google: { pages: googlePages(), devices: phones.length },
      bulk,
    }),
);
console.log(JSON.stringify({
  intune: { graphUrl: intune.graphUrl, loginUrl: intune.loginUrl },
  jamfPro: { serverUrl: jamfPro.serverUrl },
  google: {
    url: google.url,
    tokenUri: google.tokenUri,
    clientEmail: CLIENT_EMAIL,
    admin: ADMIN,
    privateKey: await exportPKCS8(keys.privateKey),
  },
  control: `http://127.0.0.1:${(control.addr as Deno.NetAddr).port}`,
  elasticsearch: `http://127.0.0.1:${(es.addr as Deno.NetAddr).port}`,
}));
// Serve until the parent closes our stdin.
for await (const _ of Deno.stdin.readable) { /* nothing to read */ }
await Promise.all([
  intune.close(),
  jamfPro.close(),
  google.close(),
  control.shutdown(),
  es.shutdown(),
]);
