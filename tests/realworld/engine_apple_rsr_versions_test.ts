// RW-12 (shared case of 2026-11-30): a file inventory whose Apple devices report a Rapid Security
// Response, spelt "26.3.1 (a)" as Apple, osquery's os_version.extra and Fleet show it (public
// sources: macadmins/osquery-extension PR #31 "Support for RSRs on macOS", fleetdm/fleet PR #14597
// "Added Apple Rapid Security Response version to host details").
import assert from "node:assert/strict";
import { DEFAULT_PRACTICES } from "../../engine/practices/default_practices.ts";
import { mergeDevices } from "../../engine/identity/merge.ts";
import { applyPractices, buildPracticeSet } from "../../engine/practices/practices.ts";
import type { DeviceRecord } from "../../engine/core/types.ts";
import { parseInventory } from "../../plugins/sources/file.ts";
import { realworldFixtureText } from "./fixture.ts";

const read = async () =>
  parseInventory(await realworldFixtureText("file_inventory_apple_rsr_versions.ndjson"), {
    source: "file",
    debug: false,
  });
const uptodate = (records: DeviceRecord[], practices = DEFAULT_PRACTICES) =>
  applyPractices(records, buildPracticeSet(practices)).map((r) => [
    r.name,
    r.os_version,
    r.practices?.uptodate?.status,
    r.practices?.uptodate?.details,
  ]);

Deno.test("RW-12: a version with an RSR letter is judged like the plain one, not as older", async () => {
  const { devices, problems } = await read();
  assert.deepEqual(problems, []);
  assert.deepEqual(uptodate(devices), [
    ["Alice's iPhone", "26.3.1 (a)", "nudge", "Install iOS 26.6."],
    ["Alice's MacBook", "26.3.1 (a)", "nudge", "Install macOS 26.6."],
    [
      "Alice's iPad (same build without the letter)",
      "26.3.1",
      "nudge",
      "Install iPadOS 26.6.",
    ],
  ]);
  assert.equal(mergeDevices(devices).length, 3);
});

Deno.test("RW-12: an RSR on top of the required version meets it", async () => {
  const { devices } = await read();
  const practices = {
    ...DEFAULT_PRACTICES,
    uptodate: {
      ...DEFAULT_PRACTICES.uptodate!,
      REQUIRED_VERSIONS: { macOS: "26.3.1", iOS: "26.3.1 (a)", iPadOS: "26.3.1 (a)" },
      RECOMMENDED_VERSIONS: { macOS: "26.3.1 (a)", iOS: "26.3.1 (b)" },
    },
  };
  assert.deepEqual(uptodate(devices, practices).map(([name, , status]) => [name, status]), [
    ["Alice's iPhone", "nudge"],
    ["Alice's MacBook", "ok"],
    ["Alice's iPad (same build without the letter)", "warn"],
  ]);
});

Deno.test("RW-12: a version the engine cannot read keeps the device, shown as reported, unknown", () => {
  const line = JSON.stringify({
    name: "Bob's MacBook",
    platform: "Mac",
    os: "macOS",
    os_version: "Tahoe 26 (beta)",
    serial: "C02TESTYYYY",
    email: "bob@example.com",
  });
  const { devices, problems } = parseInventory(line, { source: "file", debug: false });
  assert.deepEqual(problems, []);
  assert.deepEqual(uptodate(devices), [[
    "Bob's MacBook",
    "Tahoe 26 (beta)",
    "unknown",
    'This device reports macOS version "Tahoe 26 (beta)", which Stethoscope cannot compare ' +
    "with the recommended one. We recommend macOS 26.6 or later.",
  ]]);
});
