/**
 * An engine over in-memory ports, for tests that need only a few of them.
 *
 * @module
 */
import { DEFAULT_PRACTICES } from "../../engine/practices/default_practices.ts";
import { createEngine, type Engine, type EngineParts } from "../../engine/engine.ts";
import { buildPracticeSet } from "../../engine/practices/practices.ts";

/**
 * An engine with the shipped practices and no plugins but those in `parts`; `options` as
 * `createEngine`'s (e.g. a store and a clock).
 */
export function engineWith(
  parts: Partial<EngineParts>,
  options?: Parameters<typeof createEngine>[1],
): Engine {
  return createEngine({
    deviceSources: [],
    ownershipSources: [],
    accountSources: [],
    eventSources: [],
    notificationSources: [],
    deviceTransforms: [],
    eventTransforms: [],
    practices: buildPracticeSet(DEFAULT_PRACTICES),
    ...parts,
  }, options);
}
