/**
 * Microsoft Intune managed devices (Microsoft Graph v1.0 `managedDevice` resource) as Stethoscope
 * records. Field names and values follow Microsoft's reference
 * (https://learn.microsoft.com/graph/api/resources/intune-devices-manageddevice): `operatingSystem`
 * ("Windows", "macOS", "iOS", "iPadOS", "Android"), `osVersion` ("10.0.22631.4317",
 * "15.1.1 (24B91)"), `isEncrypted`, `jailBroken` ("True", "False", "Unknown"), `complianceState`
 * (unknown, compliant, noncompliant, conflict, error, inGracePeriod, configManager),
 * `lastSyncDateTime`, `serialNumber`, `wiFiMacAddress` / `ethernetMacAddress` (hex without
 * separators), `model`, `manufacturer`, `deviceName`, `userPrincipalName`, `emailAddress`, `imei`,
 * `meid`; per-setting compliance from `deviceCompliancePolicySettingState.setting`/`state`
 * (https://learn.microsoft.com/graph/api/resources/intune-deviceconfig-devicecompliancepolicysettingstate).
 *
 * @module
 */
import { z } from "zod";
import { macsFrom } from "../../../engine/identity/identifiers.ts";
import { windowsBuild, windowsReleaseName } from "../../../engine/releases/os_names.ts";
import type { DeviceRecord, PracticeData } from "../../../engine/core/types.ts";

/** A `managedDevice` as Graph sends it; unknown fields are ignored, missing ones are `null`. */
export const ManagedDeviceSchema = z.object({
  id: z.string().min(1),
  deviceName: z.string().nullish(),
  userPrincipalName: z.string().nullish(),
  emailAddress: z.string().nullish(),
  operatingSystem: z.string().nullish(),
  osVersion: z.string().nullish(),
  isEncrypted: z.boolean().nullish(),
  jailBroken: z.string().nullish(),
  complianceState: z.string().nullish(),
  lastSyncDateTime: z.string().nullish(),
  serialNumber: z.string().nullish(),
  wiFiMacAddress: z.string().nullish(),
  ethernetMacAddress: z.string().nullish(),
  model: z.string().nullish(),
  manufacturer: z.string().nullish(),
  imei: z.string().nullish(),
  meid: z.string().nullish(),
  managedDeviceOwnerType: z.string().nullish(),
});

/** One managed device, parsed. */
export type ManagedDevice = z.infer<typeof ManagedDeviceSchema>;

/** A page of a Graph collection (`value` plus the next page's absolute URL). */
export const GraphPageSchema = z.object({
  value: z.array(z.unknown()),
  "@odata.nextLink": z.string().optional(),
  "@odata.count": z.number().optional(),
});

/** One `deviceCompliancePolicySettingState`: the setting's class and property, and its state. */
export const SettingStatesSchema = z.object({
  value: z.array(z.object({
    settingStates: z.array(z.object({
      setting: z.string().nullish(),
      state: z.string().nullish(),
    })).nullish(),
  })),
});

const PLATFORMS: Record<string, { platform: string; os: string }> = {
  windows: { platform: "Windows", os: "Microsoft Windows" },
  macos: { platform: "Mac", os: "macOS" },
  ios: { platform: "iOS", os: "iOS" },
  ipados: { platform: "iPadOS", os: "iPadOS" },
  android: { platform: "Android", os: "Android" },
};
const APPLE_BUILD_RE = /^(\d+(?:\.\d+)*)\s*\(([^)]+)\)\s*$/;
const SERIAL_PLACEHOLDERS = new Set(["", "0", "unknown", "none", "default string"]);

/**
 * Platform, OS name and version of an Intune device. Windows is named by build like the other
 * inventories (`Microsoft Windows 11` from build 22000, else `Microsoft Windows 10`), Apple's
 * `"15.1.1 (24B91)"` keeps the build in `os_build`, Android's `"14"` becomes `"14.0.0"`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.deepEqual(osOf("Windows", "10.0.22631.4317"), {
 *   platform: "Windows",
 *   os: "Microsoft Windows 11",
 *   os_version: "10.0.22631.4317",
 *   os_build: "22631",
 * });
 * ```
 */
export function osOf(
  operatingSystem: string | null | undefined,
  osVersion: string | null | undefined,
): Pick<DeviceRecord, "platform" | "os" | "os_version" | "os_build"> {
  const name = (operatingSystem ?? "").trim();
  const known = PLATFORMS[name.toLowerCase()];
  const out: Pick<DeviceRecord, "platform" | "os" | "os_version" | "os_build"> = known
    ? { ...known }
    : name === ""
    ? {}
    : { platform: name, os: name };
  const version = (osVersion ?? "").trim();
  if (version === "") return out;
  if (known?.platform === "Windows") {
    const build = windowsBuild({ os_version: version });
    if (build !== undefined) {
      out.os = windowsReleaseName("Microsoft Windows 10", build); // the engine's rule: the build decides
      out.os_build = String(build);
    }
    out.os_version = version;
    return out;
  }
  const apple = APPLE_BUILD_RE.exec(version);
  if (apple) {
    out.os_version = apple[1]!;
    out.os_build = apple[2]!;
    return out;
  }
  out.os_version = known?.platform === "Android" && /^\d+(\.\d+)?$/.test(version)
    ? [...version.split("."), "0", "0"].slice(0, 3).join(".")
    : version;
  return out;
}

function text(value: string | null | undefined): string | undefined {
  const t = value?.trim();
  return t ? t : undefined;
}

/**
 * A Stethoscope record for one managed device. The owner (`email`) is `userPrincipalName` — the
 * field the per-person lookup filters on — so a listing groups devices exactly as lookups find
 * them. `complianceState` goes to `status`; `isEncrypted` and `jailBroken` become the
 * `encryption` and `jailed` readings, stamped with `lastSyncDateTime`.
 *
 * @param device a parsed managed device
 * @param options `source` (the plugin name) and `debug` (keep the raw payload)
 */
export function processManagedDevice(
  device: ManagedDevice,
  options: { source: string; debug: boolean; raw?: unknown },
): DeviceRecord {
  const lastSync = device.lastSyncDateTime ? new Date(device.lastSyncDateTime) : null;
  const last_sync = lastSync && !Number.isNaN(lastSync.getTime()) ? lastSync : null;
  const record: DeviceRecord = {
    source: options.source,
    ...osOf(device.operatingSystem, device.osVersion),
  };
  const name = text(device.deviceName);
  if (name) record.name = name;
  const model = text(device.model);
  if (model) record.model = model;
  const manufacturer = text(device.manufacturer);
  if (manufacturer) record.manufacturer = manufacturer;
  const serial = text(device.serialNumber);
  const hasSerial = serial !== undefined && !SERIAL_PLACEHOLDERS.has(serial.toLowerCase());
  if (hasSerial) record.serial = serial;
  const owner = text(device.userPrincipalName);
  if (owner) record.email = owner;
  const state = text(device.complianceState);
  if (state) record.status = state;
  record.last_sync = last_sync;

  const stamp = (p: PracticeData): PracticeData => ({ ...p, last_updated: last_sync });
  const practices: Record<string, PracticeData> = {};
  if (typeof device.isEncrypted === "boolean") {
    practices.encryption = stamp({ value: device.isEncrypted });
  }
  const jail = device.jailBroken?.trim().toLowerCase();
  if (jail === "true") practices.jailed = stamp({ value: false });
  else if (jail === "false") practices.jailed = stamp({ value: true });
  record.practices = practices;

  record.identifiers = {
    mac_addresses: macsFrom([device.wiFiMacAddress, device.ethernetMacAddress]),
  };
  if (hasSerial) record.identifiers.serial = serial;
  const imei = text(device.imei);
  if (imei) record.identifiers.imei = imei.replace(/\s+/g, "");
  const meid = text(device.meid);
  if (meid) record.identifiers.meid = meid;
  if (options.debug) record._raw = options.raw ?? device;
  return record;
}

/** Setting names (the part after the policy class) that state each practice, lower-cased. */
const SETTING_PRACTICES: Record<string, "firewall" | "screenlock"> = {
  activefirewallrequired: "firewall",
  firewallenabled: "firewall",
  passwordrequired: "screenlock",
  passcoderequired: "screenlock",
};
const PASSING = new Set(["compliant", "remediated"]);
const FAILING = new Set(["noncompliant"]);

function practiceOf(setting: string): "firewall" | "screenlock" | undefined {
  return SETTING_PRACTICES[setting.slice(setting.lastIndexOf(".") + 1).toLowerCase()];
}

/**
 * Whether a compliance setting (`Windows10CompliancePolicy.activeFirewallRequired`) decides a
 * practice {@link settingPractices} reads.
 */
export function isPracticeSetting(setting: string): boolean {
  return practiceOf(setting) !== undefined;
}

/** Whether a setting state (`compliant`, `nonCompliant`…) decides a practice either way. */
export function isDecidingState(state: string): boolean {
  const s = state.toLowerCase();
  return PASSING.has(s) || FAILING.has(s);
}

/**
 * Firewall and screen-lock readings from a device's compliance-policy setting states: a setting
 * such as `Windows10CompliancePolicy.activeFirewallRequired` or
 * `MacOSCompliancePolicy.passwordRequired` that is `compliant`/`remediated` makes the practice
 * followed, `nonCompliant` not followed; any other state (notApplicable, unknown, error…) or no
 * such setting leaves the practice unreported. When several policies state one setting, a
 * failing one wins.
 *
 * @param states every policy's `settingStates`, flattened
 * @returns the practices stated, each with `details` naming the setting
 */
export function settingPractices(
  states: readonly { setting?: string | null | undefined; state?: string | null | undefined }[],
): Record<string, PracticeData> {
  const out: Record<string, PracticeData> = {};
  for (const s of states) {
    const setting = s.setting ?? "";
    const key = practiceOf(setting);
    const state = s.state?.toLowerCase() ?? "";
    if (!key || !(PASSING.has(state) || FAILING.has(state))) continue;
    const value = PASSING.has(state);
    if (out[key]?.value === false) continue;
    out[key] = { value, details: `Intune compliance setting ${setting}: ${s.state}` };
  }
  return out;
}
