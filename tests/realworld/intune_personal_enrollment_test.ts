// Intune: personally owned devices (`managedDeviceOwnerType: "personal"`) of two enrollment types
// (`deviceEnrollmentType` windowsAutoEnrollment and userEnrollment), with the fields such records
// carry empty or null (no IMEI, no MAC, a virtual machine's UUID as serial) and, on one, an
// `emailAddress` that is a display name rather than an address (Wazuh's Intune integration docs
// publish one naming its user "Wazuh"; rapid7/insightconnect-plugins' Intune "Get Device"
// example). Right: both are the person's devices, judged like company ones (personal is no
// exemption), the empty identifiers are not identifiers, and the display name is never an owner.
import assert from "node:assert/strict";
import intune, { createIntuneSource } from "../../plugins/sources/intune/mod.ts";
import { type FakeManagedDevice, intuneSettings, startIntuneFake } from "../fakes/intune.ts";
import { pluginContext } from "../support/sources.ts";
import { realworldFixture } from "./fixture.ts";

const { value } = await realworldFixture<{ value: FakeManagedDevice[] }>(
  "intune_personal_and_company_devices.json",
);

Deno.test("Intune: personal devices of both enrollment types are the person's, empty identifiers left out", async () => {
  const fake = startIntuneFake({ devices: value });
  const source = createIntuneSource(
    intune.schema.parse(intuneSettings(fake, { SETTING_STATES: false })),
    pluginContext("intune"),
  );
  const signal = AbortSignal.timeout(10_000);
  try {
    const found = await source.devicesByEmail("amy@example.com", { signal });
    assert.deepEqual(
      found.map((d) => [d.name, d.os, d.os_build, d.email, d.practices?.encryption?.value]),
      [
        ["WINDOWS-11-25H2", "Microsoft Windows 11", "26200", "amy@example.com", false],
        ["INTUNE-W10-C", "Microsoft Windows 10", "19044", "amy@example.com", true],
      ],
    );
    assert.deepEqual(found.map((d) => d.identifiers), [
      { mac_addresses: [], serial: "ec20a8b5-6ba0-5f5e-a525-c6174bfe902f" },
      { mac_addresses: [] },
    ]);
    // the listing gives both "addresses" as owners; the batch's index keeps valid ones only
    const owners: (readonly string[])[] = [];
    for await (const page of source.listDevices({ signal })) owners.push(...page.owners!);
    assert.deepEqual(owners, [["amy@example.com", "Amy Wong"], ["amy@example.com"]]);
  } finally {
    await fake.close();
  }
});
