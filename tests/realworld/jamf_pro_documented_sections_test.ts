// Jamf Pro API inventory sections (DISK_ENCRYPTION, SECURITY, OPERATING_SYSTEM) as Jamf's own
// documented example answer of GET /api/v1/computers-inventory has them
// (developer.jamf.com/jamf-pro/reference/get_v1-computers-inventory; quoted byte for byte in
// gravitational/teleport's jamf tests). Its boot partition's `partitionFileVault2State` is "VALID"
// — not one of the documented states — while `operatingSystem.fileVault2Status` says
// "ALL_ENCRYPTED". Stethoscope read any state but ENCRYPTED as "not encrypted": the Mac was told
// to turn FileVault on ("main (Boot Partition): Valid (100%)"). Right: a state Jamf does not
// document decides nothing; the OS section's status does.
import assert from "node:assert/strict";
import {
  InventoryRecordSchema,
  processInventoryRecord,
} from "../../plugins/sources/jamf_pro/parse.ts";
import { realworldFixture } from "./fixture.ts";

Deno.test("Jamf Pro: the documented example's sections are read, FileVault from the OS section", async () => {
  const raw = await realworldFixture("jamf_pro_documented_inventory_example.json");
  const record = processInventoryRecord(InventoryRecordSchema.parse(raw), { source: "jamf_pro" });
  const at = new Date("2018-10-31T18:04:13Z");
  const { practices, ...device } = record;
  assert.deepEqual(
    [device.name, device.os, device.os_version, device.os_build, device.serial, device.email],
    ["Boalime", "Mac OS X", "10.9.5 (a)", "13A603", "C02ZC2QYLVDL", "email@com.pl"],
  );
  assert.deepEqual(practices!.encryption, {
    value: true,
    details: "FileVault: ALL_ENCRYPTED",
    last_updated: at,
  });
  assert.deepEqual(practices!.firewall, { value: true, last_updated: at });
  assert.deepEqual(practices!.gatekeeper, {
    value: true,
    details: "APP_STORE_AND_IDENTIFIED_DEVELOPERS",
    last_updated: at,
  });
  assert.deepEqual(practices!.sip, { value: true, details: "ENABLED", last_updated: at });
  assert.equal(practices!.uptodate!.value, false); // "BEdit 1.15.2" is pending
});
