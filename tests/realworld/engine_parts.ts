/**
 * An engine over in-memory ports for the real-world tests: only the parts a case needs.
 *
 * @module
 */
import { DEFAULT_PRACTICES } from "../../engine/default_practices.ts";
import { createEngine, type Engine, type EngineParts } from "../../engine/engine.ts";
import type { DeviceSource } from "../../engine/ports.ts";
import { buildPracticeSet } from "../../engine/practices.ts";
import { parseInventory } from "../../plugins/sources/file.ts";
import { realworldFixtureText } from "./fixture.ts";

/** An engine with the shipped practices and no plugins but `parts`. */
export function engineWith(parts: Partial<EngineParts>): Engine {
  return createEngine({
    deviceSources: [],
    preDeviceSources: [],
    accountSources: [],
    eventSources: [],
    notificationSources: [],
    deviceTransforms: [],
    eventTransforms: [],
    practices: buildPracticeSet(DEFAULT_PRACTICES),
    ...parts,
  });
}

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
