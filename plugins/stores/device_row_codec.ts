/**
 * A batch run's device row as stored text (both stores): dates as ISO-8601 strings, read back
 * as `Date`s.
 *
 * @module
 */
import type { DeviceRow } from "../../engine/core/store_ports.ts";

const DATES = ["failingSince", "deadline", "lastSeen"] as const;

/** The row as JSON text. */
export function encodeDeviceRow(row: DeviceRow): string {
  return JSON.stringify(row);
}

/**
 * The row from its JSON text (as {@link encodeDeviceRow} wrote it).
 *
 * @throws {SyntaxError} when the text is not JSON
 */
export function decodeDeviceRow(text: string): DeviceRow {
  const row = JSON.parse(text) as DeviceRow & Record<string, unknown>;
  for (const k of DATES) {
    const v = row[k] as unknown;
    if (typeof v === "string") row[k] = new Date(v);
  }
  return row;
}
