/**
 * Grouping and merging records of the same physical device (spec §6.2–6.3). STUB (issue 2/7).
 *
 * @module
 */
import type { DeviceRecord, MergedDevice } from "./types.ts";

/** Groups records that describe the same device and merges each group. */
export function mergeDevices(records: DeviceRecord[]): MergedDevice[] {
  return records.map(({ source, practices, identifiers, _raw, ...rest }) => ({
    ...rest,
    sources: [source],
    practices: { ...practices },
    identifiers: { ...identifiers },
  }));
}
