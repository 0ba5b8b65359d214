/**
 * Platform rules after merging. Practices judge each source record before merging (spec §5), so a
 * record that carries no platform — an ownership record from bitFit, a file-inventory row — cannot
 * know that a practice does not apply to the device: a Mac merged from JAMF (platform `Mac`) and a
 * bitFit record showed "Unmodified operating system: unknown". Once records are merged the device
 * has a platform, and a practice whose `NA_PLATFORMS` (or `OK_PLATFORMS`) names it is judged again
 * for the merged device: "not applicable" (or followed) whatever a platform-less record said.
 *
 * @module
 */
import type { PracticeSet } from "../practices/practices.ts";
import type { MergedDevice } from "../core/types.ts";

/**
 * Applies each practice's platform rules to merged devices. Devices without a platform, and
 * practices without `NA_PLATFORMS`/`OK_PLATFORMS` naming the device's platform, are unchanged.
 *
 * @param devices merged devices (not changed; changed ones are copied)
 * @param practices the enabled practices
 * @returns the devices, with platform rules applied
 * @example A Mac merged from JAMF and a platform-less record
 * ```ts
 * import assert from "node:assert/strict";
 * import { DEFAULT_PRACTICES } from "../practices/default_practices.ts";
 * import { mergeDevices } from "./merge.ts";
 * import { applyPractices, buildPracticeSet } from "../practices/practices.ts";
 * const practices = buildPracticeSet(DEFAULT_PRACTICES);
 * const records = applyPractices([
 *   { source: "jamf", platform: "Mac", identifiers: { serial: "C02X" } },
 *   { source: "bitfit", identifiers: { serial: "C02X" } },
 * ], practices);
 * const [mac] = settleMergedPlatforms(mergeDevices(records), practices);
 * assert.equal(mac?.practices.jailed?.status, "na");
 * ```
 */
export function settleMergedPlatforms(
  devices: MergedDevice[],
  practices: PracticeSet,
): MergedDevice[] {
  const rules = platformRules(practices);
  if (rules.length === 0) return devices;
  return devices.map((device) => {
    const platform = device.platform;
    if (!platform) return device;
    let out: MergedDevice | undefined;
    for (const p of rules) {
      const applies = p.config.NA_PLATFORMS?.includes(platform) ||
        p.config.OK_PLATFORMS?.includes(platform);
      if (!applies) continue;
      const current = (out ?? device).practices;
      // the status the platform decides is the one evaluating gives: nothing to change
      const decided = p.platformStatus?.(platform);
      if (decided !== undefined && decided !== null && decided === current[p.key]?.status) continue;
      const record = { ...device, source: device.sources[0] ?? "merged", practices: current };
      const judged = p.evaluate(record);
      if (judged.status === current[p.key]?.status) continue;
      out = { ...(out ?? device), practices: { ...current, [p.key]: judged } };
    }
    return out ?? device;
  });
}

/** {@link platformRules} per practice set: the configuration's, the same for every view. */
const rulesOf = new WeakMap<PracticeSet, PracticeSet>();

/**
 * The practices with `NA_PLATFORMS` or `OK_PLATFORMS`, found once per practice set (held weakly)
 * rather than once per view.
 */
function platformRules(practices: PracticeSet): PracticeSet {
  let rules = rulesOf.get(practices);
  if (rules === undefined) {
    rules = practices.filter((p) =>
      (p.config.NA_PLATFORMS?.length ?? 0) > 0 || (p.config.OK_PLATFORMS?.length ?? 0) > 0
    );
    rulesOf.set(practices, rules);
  }
  return rules;
}
