// RW3-06: the Directory API's deprecated `autoUpdateExpiration` (epoch ms) is replaced by
// `autoUpdateThrough`, a date ("2026-06-01"; Directory API chromeosdevices reference, GAM 6.76.04
// prints it raw). A Chromebook past it was a mild "We recommend ChromeOS 150.0.0 or later"; it is
// critical: it "stopped getting updates on 1 June".
// RW3-17: `recentUsers[].email` is only present for USER_TYPE_MANAGED users (Directory API
// reference; chromium DeviceStatusCollector): a guest or personal session puts an email-less entry
// first, the managed owner second. The owner's Chromebook was missing; it is shown.
// Fixture: the case's answers (fixtures/rw3_06_07_17_google_directory.json).
import assert from "node:assert/strict";
import type { DeviceSource } from "../../engine/core/ports.ts";
import { engineWith, practicesWithShippedReleases } from "./engine_parts.ts";
import { realworldFixture } from "./fixture.ts";
import { googleWorld } from "./google_support.ts";

const CASE = await realworldFixture<{ chromeosdevices: Record<string, unknown>[] }>(
  "rw3_06_07_17_google_directory.json",
);
const NOW = new Date("2026-12-07T09:00:00Z");

async function uptodate(email: string, devices: unknown[]) {
  const world = await googleWorld(NOW);
  try {
    world.fake.chromeos.push(...devices);
    const engine = engineWith({
      practices: practicesWithShippedReleases(NOW),
      deviceSources: [world.source as DeviceSource],
    });
    const { items, errors } = await engine.devices(email);
    assert.deepEqual(errors, []);
    return items.map((d) => [
      d.serial,
      d.auto_update_expiration?.toISOString(),
      d.practices.uptodate?.status,
      d.practices.uptodate?.details,
    ]);
  } finally {
    await world.close();
  }
}

Deno.test("RW3-06: a Chromebook past its autoUpdateThrough date is critical", async () => {
  assert.deepEqual(await uptodate("cyd@example.com", CASE.chromeosdevices), [[
    "5CD1TEST02",
    "2026-06-01T00:00:00.000Z",
    "warn",
    "We recommend ChromeOS 150.0.0 or later. This Chromebook stopped getting updates on 1 June " +
    "(its auto-update expiration).",
  ]]);
});

Deno.test("RW3-06 kind: autoUpdateThrough wins over the deprecated field; either alone is read", async () => {
  assert.deepEqual(await uptodate("cal@example.com", CASE.chromeosdevices), [[
    "5CD1TEST03",
    "2031-06-01T00:00:00.000Z",
    "nudge",
    "Install ChromeOS 150. This Chromebook gets updates until 1 June 2031 " +
    "(its auto-update expiration).",
  ]]);
  assert.deepEqual((await uptodate("cora@example.com", CASE.chromeosdevices))[0]!.slice(0, 3), [
    "5CD1TEST01",
    "2026-06-01T00:00:00.000Z",
    "warn",
  ]);
});

Deno.test("RW3-06 kind: an unreadable autoUpdateThrough is kept unknown and named", async () => {
  const device = { ...CASE.chromeosdevices[1], autoUpdateThrough: "June 2026" };
  const world = await googleWorld(NOW);
  try {
    world.fake.chromeos.push(device);
    const [record] = await world.source.devicesByEmail!("cyd@example.com", {
      signal: new AbortController().signal,
    });
    assert.equal(record!.auto_update_expiration, undefined);
    assert.deepEqual(record!.unread, [{
      source: "google",
      field: "autoUpdateThrough",
      value: "June 2026",
      reason: "its date is in a format we don't know",
    }]);
  } finally {
    await world.close();
  }
});

Deno.test("RW3-17: the owner's Chromebook is found behind an email-less guest session", async () => {
  const rows = await uptodate("uma@example.com", CASE.chromeosdevices);
  assert.deepEqual(rows.map((r) => r[0]), ["5CD1TEST04"]);
});

Deno.test("RW3-17 kind: the listing names the managed user as owner, and counts a Chromebook with none", async () => {
  const world = await googleWorld(NOW);
  try {
    const guestOnly = {
      ...CASE.chromeosdevices[3],
      deviceId: "rw3-cros-0005",
      serialNumber: "5CD1TEST05",
      recentUsers: [{ type: "USER_TYPE_UNMANAGED" }],
    };
    world.fake.chromeos.push(CASE.chromeosdevices[3], guestOnly);
    const owners: (readonly string[])[] = [];
    for await (const page of world.source.listDevices!({ signal: new AbortController().signal })) {
      owners.push(...(page.owners ?? []));
    }
    assert.deepEqual(owners, [["uma@example.com"], []]);
    assert.deepEqual(world.source.skippedRecords!(), [{
      source: "google",
      reason: "noOwner",
      label: "it names no owner we can read",
      count: 1,
      owners: [],
    }]);
  } finally {
    await world.close();
  }
});
