/**
 * What every parsed record must survive: the engine's own check, practice evaluation, merging,
 * sorting and rendering of the device list.
 *
 * @module
 */
import assert from "node:assert/strict";
import { demoConfig } from "../../config/demo.ts";
import { DEFAULT_PRACTICES } from "../../engine/practices/default_practices.ts";
import { canonicalMac, isValidMac } from "../../engine/identity/identifiers.ts";
import { deviceRecords } from "../../engine/view/lookup.ts";
import { mergeDevices } from "../../engine/identity/merge.ts";
import { applyPractices, buildPracticeSet } from "../../engine/practices/practices.ts";
import { sortDevices } from "../../engine/view/rating.ts";
import type { DeviceRecord } from "../../engine/core/types.ts";
import { deviceList } from "../../views/devices.tsx";

const PRACTICES = buildPracticeSet(DEFAULT_PRACTICES);
const UI = demoConfig().UI;
const NOW = new Date("2026-11-26T12:00:00Z");

/** Asserts that the MACs a parser kept are canonical. */
export function assertCanonicalMacs(record: DeviceRecord): void {
  for (const mac of record.identifiers?.mac_addresses ?? []) {
    assert.ok(isValidMac(mac) && canonicalMac(mac) === mac, `non-canonical MAC ${mac}`);
  }
}

/**
 * Runs records through check → practices → merge → sort → render, as a page request would.
 *
 * @returns the rendered HTML of the device list
 */
export function throughPipeline(records: DeviceRecord[]): string {
  const checked = deviceRecords(records);
  const merged = sortDevices(mergeDevices(applyPractices(checked, PRACTICES)));
  const html = deviceList({
    devices: merged,
    ui: UI,
    now: NOW,
    whose: { email: "fuzz@example.com", self: true },
  });
  assert.equal(typeof html, "string");
  return html;
}
