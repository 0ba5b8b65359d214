// Intune: Graph's managedDevice `userPrincipalName` is the enrolling user, and the person's mail
// address can differ (microsoft-graph-docs-contrib#2382; mondoohq/mql#5673 shows `emailAddress`
// "john@…" with UPN "pjohn@…"). Stethoscope looked a person up by UPN only: John's laptop was
// missing from his page. Right: found by UPN and by `emailAddress`, one device once (by its id),
// and still never another person's device; the batch listing names both addresses as owners.
import assert from "node:assert/strict";
import { silentLogger } from "../../config/log.ts";
import type { Store } from "../../engine/core/store_ports.ts";
import intune, { createIntuneSource } from "../../plugins/sources/intune/mod.ts";
import { type FakeManagedDevice, intuneSettings, startIntuneFake } from "../fakes/intune.ts";

function device(id: string, fields: Record<string, unknown>): FakeManagedDevice {
  return {
    "@odata.type": "#microsoft.graph.managedDevice",
    id,
    operatingSystem: "Windows",
    osVersion: "10.0.26100.2605",
    isEncrypted: true,
    jailBroken: "Unknown",
    complianceState: "compliant",
    lastSyncDateTime: "2026-12-06T08:00:00Z",
    managedDeviceOwnerType: "company",
    ...fields,
  };
}

const DEVICES = [
  // enrolled by John with his UPN, mail address the same
  device("a1", {
    deviceName: "JOHN-DESK",
    serialNumber: "JD0001",
    userPrincipalName: "john@example.com",
    emailAddress: "john@example.com",
  }),
  // enrolled under his UPN pjohn@, mail address john@ (the mondoohq/mql#5673 shape)
  device("a2", {
    deviceName: "JOHN-LT",
    serialNumber: "JL0002",
    userPrincipalName: "pjohn@example.com",
    emailAddress: "john@example.com",
    managedDeviceOwnerType: "personal",
  }),
  // someone else's
  device("a3", {
    deviceName: "JOAN-LT",
    serialNumber: "JO0003",
    userPrincipalName: "joan@example.com",
    emailAddress: "joan@example.com",
  }),
];

Deno.test("Intune: a person is found by UPN and by mail address, each device once, nobody else's", async () => {
  const fake = startIntuneFake({ devices: DEVICES });
  try {
    const source = createIntuneSource(
      intune.schema.parse(intuneSettings(fake, { SETTING_STATES: false })),
      {
        name: "intune",
        timeoutMs: 5000,
        log: silentLogger,
        store: {} as Store,
        now: () => new Date("2026-12-07T09:00:00Z"),
        demo: false,
      },
    );
    const found = await source.devicesByEmail("john@example.com", {
      signal: new AbortController().signal,
    });
    assert.deepEqual(found.map((d) => [d.name, d.email]), [
      ["JOHN-DESK", "john@example.com"],
      ["JOHN-LT", "john@example.com"],
    ]);
    const listed: [string | undefined, readonly string[]][] = [];
    for await (const page of source.listDevices({ signal: new AbortController().signal })) {
      page.records.forEach((r, i) => listed.push([r.name, page.owners?.[i] ?? []]));
    }
    assert.deepEqual(listed, [
      ["JOHN-DESK", ["john@example.com"]],
      ["JOHN-LT", ["pjohn@example.com", "john@example.com"]],
      ["JOAN-LT", ["joan@example.com"]],
    ]);
  } finally {
    await fake.close();
  }
});
