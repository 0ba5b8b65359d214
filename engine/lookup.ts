/**
 * The staged lookup (spec §6.1). STUB: to be completed (issue 2/7).
 *
 * @module
 */
import { callWithDeadline } from "./deadline.ts";
import type { DeviceSource, PreDeviceSource } from "./ports.ts";
import type { Collected, DeviceRecord, SourceError } from "./types.ts";

/** What the staged lookup needs. */
export interface StagedLookupParts {
  deviceSources: DeviceSource[];
  preDeviceSources: PreDeviceSource[];
  /** Device transforms, applied to the pre-device records before their identifiers are used. */
  transform: (records: DeviceRecord[]) => DeviceRecord[];
  signal?: AbortSignal;
}

/** Gathers every record for a person: pre-devices, then email, serial and MAC lookups. */
export async function stagedLookup(
  email: string,
  parts: StagedLookupParts,
): Promise<Collected<DeviceRecord>> {
  const parent = parts.signal ? { parent: parts.signal } : {};
  const outcomes = await Promise.all(
    parts.deviceSources.filter((s) => s.devicesByEmail).map((s) =>
      callWithDeadline(s, "devicesByEmail", (o) => s.devicesByEmail!(email, o), {
        empty: [] as DeviceRecord[],
        ...parent,
      })
    ),
  );
  const items: DeviceRecord[] = [];
  const errors: SourceError[] = [];
  for (const out of outcomes) {
    if (out.ok) items.push(...out.value);
    else errors.push(out.error);
  }
  return { items, errors };
}
