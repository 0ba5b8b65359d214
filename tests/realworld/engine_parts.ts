/**
 * Ports for the real-world tests: an engine with only the parts a case needs, and a device
 * source answering from an inventory fixture.
 *
 * @module
 */
import { DEFAULT_PRACTICES } from "../../engine/practices/default_practices.ts";
import type { DeviceSource } from "../../engine/core/ports.ts";
import { buildPracticeSet, type PracticeSet } from "../../engine/practices/practices.ts";
import type { ReleaseData } from "../../engine/releases/releases.ts";
import { type FeedName, place } from "../../plugins/releases/codec.ts";
import { SHIPPED } from "../../plugins/releases/shipped.ts";
import { parseInventory } from "../../plugins/sources/file.ts";
import { realworldFixtureText } from "./fixture.ts";

export { engineWith } from "../support/engine.ts";

/**
 * A device source answering by email from an inventory fixture, read by the `file` plugin's
 * parser; throws when a record of the fixture is skipped, so a test never loses one silently.
 */
export async function inventorySource(fixture: string): Promise<DeviceSource> {
  const { devices, problems } = parseInventory(await realworldFixtureText(fixture), {
    source: "file",
    debug: false,
  });
  if (problems.length > 0) throw new Error(`${fixture}: ${problems.join("; ")}`);
  return {
    name: "file",
    timeoutMs: 1000,
    devicesByEmail: (email) =>
      Promise.resolve(devices.filter((d) => d.email?.toLowerCase() === email.toLowerCase())),
  };
}

/**
 * The shipped practices judged with the release data shipped with Stethoscope (the fallback every
 * deployment has), at `now`: what an operator without feed access sees.
 */
export function practicesWithShippedReleases(now: Date): PracticeSet {
  const data: ReleaseData = { apple: {}, lifecycles: {} };
  for (const [name, feed] of Object.entries(SHIPPED.feeds)) {
    place(data, name as FeedName, feed!.value);
  }
  return buildPracticeSet(DEFAULT_PRACTICES, undefined, {
    releases: { snapshot: () => ({ data, origin: "shipped", asOf: SHIPPED.checked }) },
    now: () => now,
  });
}
