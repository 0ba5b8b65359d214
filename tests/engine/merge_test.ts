import assert from "node:assert/strict";
import { mergeDevices, mergeJudged } from "../../engine/identity/merge.ts";
import { applyPractices, buildPracticeSet, practicesOf } from "../../engine/practices/practices.ts";
import type { DeviceRecord } from "../../engine/core/types.ts";
import {
  bitfitLgmlPfry,
  JAMF_SYNC,
  jamfLgmlPfry,
  ORIGINAL_PRACTICES,
  statuses,
} from "./engine_fixtures.ts";

const M1 = "F0:18:98:00:00:01";
const day = (d: number) => new Date(Date.UTC(2024, 0, d));

Deno.test("mergeDevices() merges bitFit + 4 identical JAMF records into the spec §14 device", () => {
  const records = [
    bitfitLgmlPfry(),
    jamfLgmlPfry(),
    jamfLgmlPfry(),
    jamfLgmlPfry(),
    jamfLgmlPfry(),
  ];
  const evaluated = applyPractices(records, buildPracticeSet(ORIGINAL_PRACTICES));
  const before = structuredClone(evaluated);
  const merged = mergeDevices(evaluated);
  assert.deepEqual(evaluated, before);
  assert.equal(merged.length, 1);
  const { practices, software, ...device } = merged[0]!;
  assert.deepEqual(device, {
    sources: ["bitfit", "jamf"],
    identifiers: {
      serial: "DECAFBAD00",
      udid: "DECAFBAD-DECA-FBAD-DECA-FBAD00000000",
      mac_addresses: ["00:DE:CA:FB:AD:00", "00:DE:CA:FB:AD:01"],
    },
    name: "lgml-pfry",
    model: "15-inch Retina MacBook Pro (Late 2013)",
    serial: "DECAFBAD00",
    platform: "Mac",
    os: "Mac OS X",
    os_version: "10.10.5",
    email: "fry@planetexpress.com",
    last_sync: JAMF_SYNC,
    type: "Laptop",
    status: "Active",
    photo_url: null,
    hw_release_date: new Date("2013-10-22T00:00:00Z"),
  });
  assert.equal(software?.installed[0]?.name, "BIG-IP Edge Client.app");
  assert.deepEqual(statuses({ practices }), {
    jailed: "unknown", // from bitFit: no record has last_updated for it and bitFit comes first
    encryption: "ok",
    uptodate: "warn",
    autoupdate: "nudge",
    firewall: "warn",
    screenlock: "unknown",
    remotelogin: "unknown",
    sentinel: "ok",
    carbonblack: "ok",
    unknownsources: "na",
    adbstatus: "na",
  });
  assert.equal(practices.encryption!.last_updated, JAMF_SYNC);
  assert.equal(
    practices.uptodate!.details,
    "Install macOS 10.11. Mac OS X 10.10.5 is no longer supported.",
  );
  assert.notEqual(practices, evaluated[1]!.practices);
});

Deno.test("mergeDevices() takes other fields from the most recently synced record", () => {
  const merged = mergeDevices([
    { source: "a", name: "new", last_sync: day(3), identifiers: { serial: "S" } },
    {
      source: "b",
      name: "old",
      model: "only-old",
      last_sync: day(1),
      identifiers: { serial: "S" },
    },
    { source: "c", name: "never", photo_url: "x", last_sync: null, identifiers: { serial: "S" } },
    { source: "d", photo_url: null, last_sync: day(2), identifiers: { serial: "S" } },
  ]);
  assert.equal(merged.length, 1);
  const d = merged[0]!;
  assert.equal(d.name, "new");
  assert.equal(d.model, "only-old");
  assert.equal(d.photo_url, null); // a present null from a newer record wins
  assert.deepEqual(d.last_sync, day(3));
  assert.deepEqual(d.sources, ["a", "b", "c", "d"]);
});

Deno.test("mergeDevices() keeps the practice reading with the newest last_updated", () => {
  const rec = (source: string, status: "ok" | "warn", last_updated: Date | null): DeviceRecord => ({
    source,
    identifiers: { serial: "S" },
    practices: { firewall: { status, last_updated } },
  });
  const [d] = mergeDevices([
    rec("a", "warn", day(1)),
    rec("b", "ok", day(2)),
    rec("c", "warn", null),
  ]);
  assert.equal(d!.practices.firewall!.status, "ok");
  const [tie] = mergeDevices([rec("a", "warn", day(1)), rec("b", "ok", day(1))]);
  assert.equal(tie!.practices.firewall!.status, "warn"); // ties: the first in group order
});

Deno.test("mergeDevices() resolves a transitive identifier conflict without throwing", () => {
  const records: DeviceRecord[] = [
    { source: "bitfit", identifiers: { mac_addresses: [M1] } },
    {
      source: "jamf",
      last_sync: day(1),
      identifiers: { mac_addresses: [M1], serial: "A", udid: "U" },
    },
    {
      source: "landesk",
      last_sync: day(2),
      identifiers: { mac_addresses: [M1, "F0:18:98:00:00:09"], serial: "B" },
    },
  ];
  const before = structuredClone(records);
  const merged = mergeDevices(records);
  assert.deepEqual(records, before);
  assert.equal(merged.length, 1);
  assert.deepEqual(merged[0]!.identifiers, {
    mac_addresses: [M1, "F0:18:98:00:00:09"],
    serial: "B",
    udid: "U",
  });
  assert.deepEqual(merged[0]!.conflicts, [{
    key: "serial",
    kept: "B",
    dropped: "A",
    source: "jamf",
  }]);
});

Deno.test("mergeDevices() lists each source once and keeps _raw only when a record has it", () => {
  const records: DeviceRecord[] = [
    { source: "jamf", identifiers: { serial: "S" } },
    { source: "jamf", identifiers: { serial: "S" }, _raw: { id: 1 } },
    { source: "google", identifiers: { serial: "T" } },
  ];
  const [a, b] = mergeDevices(records);
  assert.deepEqual(a!.sources, ["jamf"]);
  assert.deepEqual(a!._raw, [records[0], records[1]]);
  assert.equal("_raw" in b!, false);
  assert.equal("conflicts" in b!, false);
  assert.deepEqual(b!.identifiers, { serial: "T" });
});

Deno.test("mergeDevices() returns one device per record without identifiers", () => {
  const merged = mergeDevices([{ source: "a", name: "x" }, { source: "b", name: "y" }]);
  assert.deepEqual(merged, [
    { name: "x", sources: ["a"], practices: {}, identifiers: {} },
    { name: "y", sources: ["b"], practices: {}, identifiers: {} },
  ]);
});

Deno.test("mergeJudged() of practices evaluated apart gives the devices mergeDevices() gives", () => {
  const practices = buildPracticeSet(ORIGINAL_PRACTICES);
  const unreadSync = { source: "google", field: "last_sync", value: "soon", reason: "not a date" };
  const records: DeviceRecord[] = [
    bitfitLgmlPfry(),
    jamfLgmlPfry(),
    jamfLgmlPfry(),
    { source: "google", identifiers: { serial: "T" }, unread: [unreadSync] },
    { source: "jamf", identifiers: { serial: "R" }, _raw: { id: 7 } },
    {
      source: "landesk",
      name: "alone",
      platform: "Mac",
      practices: { firewall: { value: false } },
    },
  ];
  const before = structuredClone(records);
  const merged = mergeJudged(records, practicesOf(records, practices));
  assert.deepEqual(records, before);
  assert.deepEqual(merged, mergeDevices(applyPractices(records, practices)));
  // the same keys in the same order: pages and the JSON API show them in this order
  assert.deepEqual(
    JSON.stringify(merged),
    JSON.stringify(mergeDevices(applyPractices(records, practices))),
  );
  assert.deepEqual(merged.map((d) => d.sources), [["bitfit", "jamf"], ["google"], ["jamf"], [
    "landesk",
  ]]);
  assert.deepEqual(merged[2]!._raw, [{ ...records[4], practices: merged[2]!.practices }]);
  assert.equal(merged[3]!.practices.firewall?.status, "warn");
});
