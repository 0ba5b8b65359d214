/**
 * The one stable key of a physical device, by which its status history and its exemptions are
 * kept: its serial, else its first MAC, else its Google device id, else its UDID.
 *
 * @module
 */
import type { MergedDevice } from "../core/types.ts";

/**
 * A stable key for a physical device: its serial, else its first MAC, else its Google device id,
 * else its UDID; `null` when it has none of them (such a device has no history).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(deviceKey({ identifiers: { serial: "C02X" } }), "serial:C02X");
 * ```
 */
export function deviceKey(device: Pick<MergedDevice, "identifiers">): string | null {
  const id = device.identifiers;
  if (id.serial) return `serial:${id.serial}`;
  const mac = id.mac_addresses?.[0];
  if (mac) return `mac:${mac}`;
  if (id.google_device_id) return `google:${id.google_device_id}`;
  if (id.udid) return `udid:${id.udid}`;
  return null;
}
