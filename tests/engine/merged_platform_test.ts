import assert from "node:assert/strict";
import { DEFAULT_PRACTICES } from "../../engine/practices/default_practices.ts";
import { mergeDevices } from "../../engine/identity/merge.ts";
import { settleMergedPlatforms } from "../../engine/identity/merged_platform.ts";
import { applyPractices, buildPracticeSet } from "../../engine/practices/practices.ts";
import type { DeviceRecord } from "../../engine/core/types.ts";

const practices = buildPracticeSet(DEFAULT_PRACTICES);
const merged = (records: DeviceRecord[], set = practices) =>
  settleMergedPlatforms(mergeDevices(applyPractices(records, set)), set);

Deno.test("settleMergedPlatforms() makes what does not apply to the merged platform not applicable", () => {
  const [mac] = merged([
    { source: "bitfit", identifiers: { serial: "C02X" } },
    { source: "jamf", platform: "Mac", os: "macOS", identifiers: { serial: "C02X" } },
  ]);
  assert.deepEqual(
    ["jailed", "unknownsources", "adbstatus"].map((k) => [k, mac!.practices[k]?.status]),
    [["jailed", "na"], ["unknownsources", "na"], ["adbstatus", "na"]],
  );
  assert.equal(mac!.practices.jailed!.title, "Jailbreak check: does not apply to this Mac");
});

Deno.test("settleMergedPlatforms() applies OK_PLATFORMS, and leaves devices without a platform alone", () => {
  const set = buildPracticeSet({
    firewall: { ...DEFAULT_PRACTICES.firewall!, OK_PLATFORMS: ["ChromeOS"] },
  });
  const [book] = merged([
    { source: "file", identifiers: { serial: "CB1" } },
    { source: "google", platform: "ChromeOS", identifiers: { serial: "CB1" } },
  ], set);
  assert.equal(book!.practices.firewall!.status, "ok");
  const loose = mergeDevices(applyPractices([{ source: "file", name: "x" }], practices));
  assert.equal(settleMergedPlatforms(loose, practices)[0], loose[0]);
});
