/**
 * How a person's pages name and anchor a device and its practices: the card's anchor on
 * `/devices`, its title and identifying line, and the "where" line of a to-do item. The Devices
 * page, the to-do model (badge, Overview, API) and the nudge messages all use these, so a link
 * in a message lands on the card the page shows.
 *
 * @module
 */
import { friendlyOsName, friendlyOsVersion } from "../practices/practice_titles.ts";
import type { MergedDevice } from "../core/types.ts";

/**
 * A device's friendly name and identifying line (host name, else serial, else MACs).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const pixel = {
 *   sources: ["google"], model: "Pixel 6", name: "fry-pixel", identifiers: {}, practices: {},
 * };
 * assert.deepEqual(deviceNames(pixel), { title: "Pixel 6", id: "fry-pixel" });
 * ```
 */
export function deviceNames(d: MergedDevice): { title: string; id: string } {
  return {
    title: d.friendly_name ?? d.model ?? d.manufacturer ?? "Unknown device",
    id: d.name ?? d.identifiers.serial ?? (d.identifiers.mac_addresses ?? []).join(" "),
  };
}

/** OS lines by OS name (else platform), then version: OS facts shared by everybody's devices. */
const osLines = new Map<string | undefined, Map<string | undefined, string | undefined>>();
let osLinesCount = 0;
const OS_LINES_LIMIT = 5000;

/**
 * "macOS 15.6", "Windows 10 build 19045", or `undefined` when the OS is not known. Remembered per
 * OS name (else platform) and version, the first 5,000 pairs: every page names every device.
 */
export function osLine(
  d: Pick<MergedDevice, "os" | "os_version" | "platform">,
): string | undefined {
  // a platform is kept apart from an OS of the same name: only the OS decides the version words
  const name = d.os ?? (d.platform === undefined ? undefined : `\u0000${d.platform}`);
  let byVersion = osLines.get(name);
  if (byVersion === undefined) {
    byVersion = new Map();
    if (osLinesCount < OS_LINES_LIMIT) osLines.set(name, byVersion);
  }
  let line = byVersion.get(d.os_version);
  if (line === undefined && !byVersion.has(d.os_version)) {
    line = lineOf(d);
    if (osLinesCount < OS_LINES_LIMIT) {
      byVersion.set(d.os_version, line);
      osLinesCount++;
    }
  }
  return line;
}

function lineOf(d: Pick<MergedDevice, "os" | "os_version" | "platform">): string | undefined {
  const os = friendlyOsName(d.os ?? d.platform);
  if (os === undefined) return undefined;
  const version = friendlyOsVersion(d.os, d.os_version);
  return version ? `${os} ${version}` : os;
}

/**
 * A stable anchor for a device card (`dev-<serial>` or another identifier), so the Overview and
 * messages can link to it; the list position only when the device has no identifier at all.
 */
export function deviceAnchor(d: MergedDevice, index: number): string {
  const ids = d.identifiers;
  const id = ids.serial ?? ids.udid ?? ids.google_device_id ?? d.name ?? ids.mac_addresses?.[0];
  return `dev-${String(id ?? index).replace(/[^A-Za-z0-9_-]/g, "_")}`;
}

/** The anchor of one practice on a device card: `dev-C02X-firewall`. */
export function practiceAnchor(deviceAnchor: string, practice: string): string {
  return `${deviceAnchor}-${practice.replace(/[^A-Za-z0-9_-]/g, "_")}`;
}

/** "MacBook Pro (16-inch, 2023) · macOS 15.6": a device's title and OS (else its host name). */
export function deviceWhere(d: MergedDevice): string {
  const names = deviceNames(d);
  return [names.title, osLine(d) ?? names.id].filter(Boolean).join(" · ");
}
