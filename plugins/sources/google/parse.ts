/**
 * Google Admin SDK device answers → normalised records (spec §3.2): mobile devices and ChromeOS
 * devices, their OS versions and owners. Pure functions; a malformed device throws
 * `MalformedDeviceError` so the caller can skip that device only (decision 19). The Reports API's
 * answers (usage parameters, login activities) are `parse_reports.ts`.
 *
 * @module
 */
import { macsFrom } from "../../../engine/identity/identifiers.ts";
import type {
  DeviceRecord,
  Identifiers,
  PracticeData,
  UnreadField,
} from "../../../engine/core/types.ts";
import { readTimestamp, UNREADABLE_DATE } from "../timestamps.ts";
import { sameEmail } from "../../../engine/identity/emails.ts";
import { isOlder } from "../../../engine/releases/versions.ts";

/** One device in an upstream answer could not be read; the others still count. */
export class MalformedDeviceError extends Error {
  override name = "MalformedDeviceError";
}

/** How records are labelled. */
export interface RecordOptions {
  /** The plugin's registry name, written to `source`. */
  source: string;
  /** Keep the raw upstream object in `_raw`. */
  debug: boolean;
}

/** A JSON object as an upstream sent it. */
export type Raw = Record<string, unknown>;

const PROPERTIES = [
  ["serial", "serialNumber"],
  ["model", "model"],
  ["manufacturer", "manufacturer"],
  ["os_version", "osVersion"],
  ["user_agent", "userAgent"],
] as const;
const IDENTIFIERS = [
  ["imei", "imei"],
  ["meid", "meid"],
  ["serial", "serialNumber"],
  ["google_device_id", "deviceId"],
] as const;
const MAC_KEYS = ["macAddress", "wifiMacAddress", "ethernetMacAddress"] as const;
const NUMERIC_VERSION_RE = /^\d+(?:\.\d+)*$/;
const WHITESPACE_RE = /\s+/;
const ANDROID_PER_APP_SOURCES = "8.0.0";

/**
 * A dotted numeric version in canonical form: at least three parts, no leading zeros
 * (PEP 440 normalisation of the original); `undefined` when it is not a dotted number.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(normalizeVersion("9.3"), "9.3.0");
 * assert.equal(normalizeVersion("10"), "10.0.0");
 * assert.equal(normalizeVersion("beta"), undefined);
 * ```
 */
export function normalizeVersion(version: string): string | undefined {
  if (!NUMERIC_VERSION_RE.test(version)) return undefined;
  const parts = version.split(".").map((p) => String(Number(p)));
  while (parts.length < 3) parts.push("0");
  return parts.join(".");
}

/**
 * Splits a mobile OS string `"<name> <version>"` into platform, os and version. A dotted numeric
 * version is canonicalised; any other version text is kept as reported (`"9.3 beta"`, `"P"`), so
 * the engine can judge it `unknown` instead of the device being dropped (issue 11).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.deepEqual(parseOsInformation("iOS 9.3"), {
 *   platform: "iOS",
 *   os: "iOS",
 *   os_version: "9.3.0",
 * });
 * assert.deepEqual(parseOsInformation("Android 15 QPR1"), {
 *   platform: "Android",
 *   os: "Android",
 *   os_version: "15 QPR1",
 * });
 * ```
 */
export function parseOsInformation(
  value: string,
): { platform: string; os: string; os_version?: string } {
  const [name = "", ...rest] = value.trim().split(WHITESPACE_RE);
  const version = rest.join(" ");
  if (version === "") return { platform: name, os: name };
  return { platform: name, os: name, os_version: normalizeVersion(version) ?? version };
}

/**
 * A normalised record for one Directory API mobile device (`_process_mobile_device`).
 *
 * @throws {MalformedDeviceError} for a missing or invalid `lastSync` (an OS string it cannot read
 *   is kept as reported)
 */
export function processMobileDevice(raw: unknown, options: RecordOptions): DeviceRecord {
  const r = asObject(raw);
  const device: DeviceRecord = { source: options.source, type: "Mobile Device" };
  const os = nonempty(r, "os");
  if (os !== undefined) Object.assign(device, parseOsInformation(os));
  copyProperties(r, device);
  const last_sync = lastSync(r);
  device.last_sync = last_sync;

  const practices: Record<string, PracticeData> = {};
  const compromised = nonempty(r, "deviceCompromisedStatus")?.toLowerCase();
  if (compromised !== undefined) {
    if (compromised === "compromise detected") {
      practices.jailed = { value: false, last_updated: last_sync };
    } else if (compromised === "no compromise detected") {
      practices.jailed = { value: true, last_updated: last_sync };
    } else practices.jailed = { last_updated: last_sync };
  }
  // Source: Directory API `mobiledevices` resource, `devicePasswordStatus` ("On" / "Off").
  const password = nonempty(r, "devicePasswordStatus")?.trim().toLowerCase();
  if (password === "on" || password === "off") {
    practices.screenlock = { value: password === "on", last_updated: last_sync };
  }
  const encryption = nonempty(r, "encryptionStatus");
  if (encryption !== undefined) {
    practices.encryption = {
      value: encryption.toLowerCase() === "encrypted",
      last_updated: last_sync,
    };
  }
  const sources = unknownSources(r, device);
  if (sources) practices.unknownsources = { ...sources, last_updated: last_sync };
  // `adbStatus` is a boolean Android's policy app may not send (a work profile): absent is unknown.
  if (typeof r.adbStatus === "boolean") {
    practices.adbstatus = { value: !r.adbStatus, last_updated: last_sync };
  }
  const patch = epochMs(r.securityPatchLevel);
  if (patch) device.security_patch_level = patch;
  device.practices = practices;
  device.identifiers = identifiers(r);
  if (options.debug) device._raw = raw;
  return device;
}

/** The evidence of an Android phone that did not send `unknownSourcesStatus`. */
export const UNKNOWN_SOURCES_NOT_SENT =
  "Google did not say whether this device allows apps from unknown sources.";

/**
 * The "unknown sources" evidence of a mobile device from `unknownSourcesStatus` (a boolean, `true`
 * when installing apps from outside the store is allowed). None (the practice does not apply or
 * cannot be judged from this field) for iOS and iPadOS, which have no such setting — the
 * practice's `NA_PLATFORMS` makes it not applicable — and for Android 8 and later (or a version we
 * cannot read), which grant "install unknown apps" per app, so the device-wide setting means
 * nothing there. Android before 8 and other devices: the boolean as sent; absent or not a boolean
 * → `value: null` (unknown) with {@link UNKNOWN_SOURCES_NOT_SENT} as `details`, never "off".
 * Source: Directory API `mobiledevices` resource, `unknownSourcesStatus` ("Unknown sources
 * enabled or disabled on device (Read-only)"); work-profile and iOS answers leave it out.
 */
function unknownSources(r: Raw, device: DeviceRecord): PracticeData | undefined {
  const platform = device.platform?.toLowerCase();
  if (platform === "ios" || platform === "ipados" || r.type === "IOS_SYNC") return undefined;
  if (r.type === "ANDROID" || platform === "android") {
    const version = device.os_version;
    const old = version !== undefined && normalizeVersion(version) !== undefined &&
      isOlder(version, ANDROID_PER_APP_SOURCES);
    if (!old) return undefined;
  }
  const status = r.unknownSourcesStatus;
  if (typeof status === "boolean") return { value: !status };
  return { value: null, details: UNKNOWN_SOURCES_NOT_SENT };
}

/**
 * A normalised record for one Directory API ChromeOS device (`_process_chromeos_device`).
 *
 * @throws {MalformedDeviceError} for a missing or invalid `lastSync`
 */
export function processChromeOsDevice(raw: unknown, options: RecordOptions): DeviceRecord {
  const r = asObject(raw);
  const device: DeviceRecord = { source: options.source, type: "ChromeOS Device" };
  copyProperties(r, device);
  const last_sync = lastSync(r);
  device.last_sync = last_sync;
  device.os = "ChromeOS";
  const end = autoUpdateEnd(r, options.source);
  if (end.date) device.auto_update_expiration = end.date;
  if (end.unread.length > 0) device.unread = end.unread;
  const practices: Record<string, PracticeData> = {};
  const bootMode = nonempty(r, "bootMode")?.toLowerCase();
  if (bootMode !== undefined) {
    practices.jailed = {
      value: bootMode === "validated" || bootMode === "verified",
      last_updated: last_sync,
    };
  }
  device.practices = practices;
  device.identifiers = identifiers(r);
  if (options.debug) device._raw = raw;
  return device;
}

/**
 * A Directory API int64 timestamp in epoch milliseconds (sent as a string), as in
 * `securityPatchLevel` and `autoUpdateExpiration`; `undefined` when absent, `"0"` or unreadable.
 */
export function epochMs(value: unknown): Date | undefined {
  const ms = typeof value === "string" && /^\d{1,15}$/.test(value) ? Number(value) : NaN;
  return ms > 0 ? new Date(ms) : undefined;
}

/**
 * The last day a Chromebook gets updates: `autoUpdateThrough` (a date, `"2026-06-01"`, the
 * Directory API's current field) when readable, else the deprecated `autoUpdateExpiration` (epoch
 * ms as a string). Each field sent but unreadable is named in `unread` (the other is still used).
 */
function autoUpdateEnd(r: Raw, source: string): { date?: Date; unread: UnreadField[] } {
  const unread: UnreadField[] = [];
  const read = (field: string, parse: (v: unknown) => Date | undefined) => {
    const value = r[field];
    if (value === undefined || value === null || value === "") return undefined;
    const date = parse(value);
    if (date === undefined) {
      unread.push({ source, field, value: String(value).slice(0, 80), reason: UNREADABLE_DATE });
    }
    return date;
  };
  const through = read("autoUpdateThrough", readTimestamp);
  const expiration = read("autoUpdateExpiration", (v) => epochMs(v) ?? readTimestamp(v));
  const date = through ?? expiration;
  return date === undefined ? { unread } : { date, unread };
}

/**
 * The address a Chromebook belongs to: its most recent *managed* user. `recentUsers` lists the
 * latest sessions first, and only `USER_TYPE_MANAGED` entries carry an `email` (Directory API
 * `chromeosdevices` reference; chromium `DeviceStatusCollector`): a guest or personal session
 * before the owner's is skipped, not taken for "nobody" (RW3-17).
 *
 * @param raw a Directory API ChromeOS device
 * @returns the first `recentUsers[].email`, or `undefined` when no entry has one
 */
export function recentManagedUser(raw: unknown): string | undefined {
  if (!isObject(raw) || !Array.isArray(raw.recentUsers)) return undefined;
  for (const user of raw.recentUsers) {
    if (isObject(user) && typeof user.email === "string" && user.email.trim() !== "") {
      return user.email;
    }
  }
  return undefined;
}

/** Whether a ChromeOS device's most recent managed user is `email` (whole address, any case). */
export function recentUserIs(raw: unknown, email: string): boolean {
  const user = recentManagedUser(raw);
  return user !== undefined && sameAddress(user, email);
}

/**
 * Whether `email` is among a mobile device's owners (`email` array of the Directory API
 * `mobiledevices` resource), whole address, any letter case. The Directory search `email:x`
 * matches words, not whole addresses, so a query can return other people's devices.
 */
export function ownedBy(raw: unknown, email: string): boolean {
  if (!isObject(raw) || !Array.isArray(raw.email)) return false;
  return raw.email.some((owner) => typeof owner === "string" && sameAddress(owner, email));
}

function sameAddress(a: string, b: string): boolean {
  return sameEmail(a, b);
}

function copyProperties(r: Raw, device: DeviceRecord): void {
  for (const [key, rawKey] of PROPERTIES) {
    const value = nonempty(r, rawKey);
    if (value !== undefined) device[key] = value;
  }
}

function identifiers(r: Raw): Identifiers {
  const ids: Identifiers = {};
  for (const [key, rawKey] of IDENTIFIERS) {
    const value = nonempty(r, rawKey);
    if (value !== undefined) ids[key] = value;
  }
  ids.mac_addresses = macsFrom(MAC_KEYS.map((k) => r[k]));
  return ids;
}

function lastSync(r: Raw): Date {
  const value = nonempty(r, "lastSync");
  if (value === undefined) throw new MalformedDeviceError("device without lastSync");
  const date = new Date(value);
  if (isNaN(date.getTime())) throw new MalformedDeviceError(`unreadable lastSync "${value}"`);
  return date;
}

/** The value of `key` when it is a string that is not blank. */
function nonempty(r: Raw, key: string): string | undefined {
  const value = r[key];
  return typeof value === "string" && value.trim() !== "" ? value : undefined;
}

/** Whether a value is a JSON object (not null, not an array). */
export function isObject(value: unknown): value is Raw {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * The value as a JSON object.
 *
 * @throws {MalformedDeviceError} when it is not one
 */
export function asObject(value: unknown): Raw {
  if (!isObject(value)) throw new MalformedDeviceError("device is not a JSON object");
  return value;
}
