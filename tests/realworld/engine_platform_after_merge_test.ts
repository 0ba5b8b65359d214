// Platform after merging (shared cases of 2026-11-30, "found by probing"): a Mac known to JAMF
// (Classic API computer record, platform Mac) and to bitFit (an asset record, which carries no
// platform) merges into one device. Inputs: the JAMF and bitFit payloads the original project
// published as test fixtures (Netflix/stethoscope, tests/fixtures), names already made up there.
import assert from "node:assert/strict";
import type { DeviceRecord } from "../../engine/core/types.ts";
import { processAsset } from "../../plugins/sources/bitfit.ts";
import { processComputer } from "../../plugins/sources/jamf_parse.ts";
import { engineWith } from "./engine_parts.ts";
import { realworldFixture } from "./fixture.ts";

const jamfRaw = await realworldFixture("platform_merge_jamf_classic_computer.json");
const bitfitRaw = await realworldFixture("platform_merge_bitfit_asset.json");
const jamf = () => processComputer(jamfRaw, { debug: false });
const bitfit = () => processAsset(bitfitRaw, { debug: false })!;

Deno.test("a Mac merged from JAMF and a platform-less bitFit record: what does not apply to a Mac is not applicable", async () => {
  const engine = engineWith({
    ownershipSources: [{
      name: "bitfit",
      timeoutMs: 1000,
      ownedDevicesByEmail: () => Promise.resolve([bitfit()]),
    }],
    deviceSources: [{
      name: "jamf",
      timeoutMs: 1000,
      devicesBySerial: (serial): Promise<DeviceRecord[]> =>
        Promise.resolve(serial === jamf().serial ? [jamf()] : []),
    }],
  });
  for (const mode of ["devices", "devicesForBatch"] as const) {
    const { items, errors } = await engine[mode]("fry@planetexpress.com");
    assert.deepEqual(errors, []);
    assert.equal(items.length, 1, mode);
    const device = items[0]!;
    assert.deepEqual(device.sources, ["bitfit", "jamf"]);
    assert.equal(device.platform, "Mac");
    const p = device.practices;
    assert.deepEqual(
      [p.jailed?.status, p.jailed?.title, p.unknownsources?.status, p.adbstatus?.status],
      ["na", "Jailbreak check: does not apply to this Mac", "na", "na"],
      mode,
    );
  }
});
