/**
 * Ports for the real-world tests: an engine with only the parts a case needs, and a device
 * source answering from an inventory fixture.
 *
 * @module
 */
import type { DeviceSource } from "../../engine/ports.ts";
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
