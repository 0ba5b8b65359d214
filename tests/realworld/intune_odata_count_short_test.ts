// Intune: Graph states `@odata.count` on managedDevices pages (microsoft/Intune-PowerShell-SDK#78
// shows a page with "@odata.count", "@odata.nextLink" and "value"; msgraph-sdk-powershell#1819 a
// page saying "@odata.count": 949 without a nextLink), and without options it "may not output all
// device information" (microsoftgraph/microsoft-graph-docs#21659). Stethoscope followed nextLinks
// and took whatever came as the whole list. Right, as for Jamf Pro's `totalCount`: a walk that
// ends short of the stated count, or a page that repeats earlier devices, is an error of the
// source — for the batch's listing and for one person's lookup — never a complete list.
import assert from "node:assert/strict";
import intune, { createIntuneSource } from "../../plugins/sources/intune/mod.ts";
import { type FakeManagedDevice, intuneSettings, startIntuneFake } from "../fakes/intune.ts";
import { pluginContext } from "../support/sources.ts";

/** `n` company Windows laptops of one person, shaped like Graph's managedDevice list example. */
function laptops(n: number): FakeManagedDevice[] {
  return Array.from({ length: n }, (_, i) => ({
    "@odata.type": "#microsoft.graph.managedDevice",
    id: `0d7e0000-0000-0000-0000-${String(i).padStart(12, "0")}`,
    deviceName: `DESKTOP-${String(i).padStart(4, "0")}`,
    userPrincipalName: "amy@example.com",
    emailAddress: "amy@example.com",
    operatingSystem: "Windows",
    osVersion: "10.0.26100.2605",
    isEncrypted: true,
    jailBroken: "Unknown",
    complianceState: "compliant",
    lastSyncDateTime: "2026-12-06T08:00:00Z",
    managedDeviceOwnerType: "company",
    serialNumber: `SN${String(i).padStart(6, "0")}`,
  }));
}

async function walk(options: { devices: number; extra?: number; repeat?: boolean }) {
  const fake = startIntuneFake({ devices: laptops(options.devices), maxPage: 2 });
  fake.overstateCount(options.extra ?? 0);
  fake.ignoreSkipTokens(options.repeat ?? false);
  const source = createIntuneSource(
    intune.schema.parse(intuneSettings(fake, { SETTING_STATES: false, PAGE_SIZE: 2 })),
    pluginContext("intune"),
  );
  const signal = AbortSignal.timeout(10_000);
  const result = async (run: () => Promise<number>) => {
    try {
      return { read: await run(), error: null };
    } catch (error: unknown) {
      return { read: null, error: (error as Error).message };
    }
  };
  try {
    const totals: (number | undefined)[] = [];
    const listing = await result(async () => {
      let read = 0;
      for await (const page of source.listDevices({ signal })) {
        read += page.records.length;
        totals.push(page.total);
      }
      return read;
    });
    const lookup = await result(async () =>
      (await source.devicesByEmail("amy@example.com", { signal })).length
    );
    return { listing, totals, lookup };
  } finally {
    await fake.close();
  }
}

Deno.test("Intune: a walk that reaches @odata.count is complete, each page carrying the total", async () => {
  assert.deepEqual(await walk({ devices: 5 }), {
    listing: { read: 5, error: null },
    totals: [5, 5, 5],
    lookup: { read: 5, error: null },
  });
});

Deno.test("Intune: a walk that ends short of @odata.count is a source error, listing and lookup", async () => {
  const short = "Intune: Graph's managed devices ended after 5 of the 7 its @odata.count stated " +
    "(the last page had no @odata.nextLink); the list is incomplete";
  assert.deepEqual(await walk({ devices: 5, extra: 2 }), {
    listing: { read: null, error: short },
    totals: [7, 7, 7],
    lookup: { read: null, error: short },
  });
});

Deno.test("Intune: a page that repeats earlier devices (the skip token ignored) is a source error", async () => {
  const repeated = "Intune: Graph's page 2 of managed devices repeated devices of earlier pages " +
    "(it ignored the skip token); stopped";
  assert.deepEqual(await walk({ devices: 5, repeat: true }), {
    listing: { read: null, error: repeated },
    totals: [5],
    lookup: { read: null, error: repeated },
  });
});
