import assert from "node:assert/strict";
import { explainGrouping, formatExplanation } from "../../engine/identity/explain.ts";
import { macFilterReason } from "../../engine/identity/identifiers.ts";
import type { DeviceRecord } from "../../engine/core/types.ts";

const M1 = "F0:18:98:00:00:01";
const LOCAL = "02:00:00:00:00:00";
const day = (d: number) => new Date(Date.UTC(2024, 0, d));

const records: DeviceRecord[] = [
  {
    source: "bitfit",
    name: "lgml-pfry",
    identifiers: { serial: "C02A", mac_addresses: [M1, LOCAL] },
  },
  {
    source: "jamf",
    name: "lgml-pfry",
    last_sync: day(2),
    identifiers: { serial: "C02A", udid: "U1" },
  },
  {
    source: "google",
    name: "phone",
    last_sync: day(3),
    identifiers: { serial: "F9", mac_addresses: [M1] },
  },
];

Deno.test("explainGrouping() says which identifier joined records and which pairs a conflict kept apart", () => {
  const e = explainGrouping(records);
  assert.equal(e.devices.length, 2);
  assert.deepEqual(e.devices[0]!.records.map((r) => r.index), [0, 1]);
  assert.deepEqual(e.devices[0]!.links, [{ a: 0, b: 1, key: "serial", value: "C02A" }]);
  assert.deepEqual(e.devices[0]!.sources, ["bitfit", "jamf"]);
  assert.deepEqual(e.filteredMacs, [{ record: 0, mac: LOCAL, reason: "locally administered" }]);
  assert.deepEqual(e.keptApart, [{
    a: 0,
    b: 2,
    key: "mac_addresses",
    value: M1,
    clash: { key: "serial", a: "C02A", b: "F9" },
    sameDevice: false,
  }]);
});

Deno.test("explainGrouping() lists conflicts resolved in favour of the newest record", () => {
  const e = explainGrouping([
    { source: "bitfit", identifiers: { mac_addresses: [M1] } },
    { source: "jamf", last_sync: day(1), identifiers: { mac_addresses: [M1], serial: "A" } },
    { source: "landesk", last_sync: day(2), identifiers: { mac_addresses: [M1], serial: "B" } },
  ]);
  assert.equal(e.devices.length, 1);
  assert.deepEqual(e.devices[0]!.conflicts, [{
    key: "serial",
    kept: "B",
    dropped: "A",
    source: "jamf",
  }]);
  assert.equal(e.keptApart[0]!.sameDevice, true);
});

Deno.test("formatExplanation() prints one plain line per fact", () => {
  assert.equal(
    formatExplanation(explainGrouping(records)),
    [
      "Device 1: lgml-pfry (2 records from bitfit, jamf)",
      "  #1 bitfit: lgml-pfry, serial C02A",
      "  #2 jamf: lgml-pfry, serial C02A",
      "  #1 and #2 grouped: same serial C02A",
      "Device 2: phone (1 record from google)",
      "  #3 google: phone, serial F9",
      "MACs not used for matching:",
      "  #1 02:00:00:00:00:00: locally administered",
      "Shared an identifier but kept apart:",
      "  #1 and #3 share mac_addresses F0:18:98:00:00:01 but differ in serial: C02A vs F9",
    ].join("\n"),
  );
});

Deno.test("macFilterReason() names why a MAC is ignored", () => {
  assert.equal(macFilterReason("F0:18:98:00:00:01"), null);
  assert.equal(macFilterReason("01:00:5E:00:00:FB"), "group address");
  assert.equal(macFilterReason("00:00:00:12:34:56"), "zero OUI");
  assert.equal(macFilterReason("nonsense"), "not a MAC address");
});
