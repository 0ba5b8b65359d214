/**
 * Jamf Pro API computer inventory records (`GET /api/v1/computers-inventory`, sections GENERAL,
 * HARDWARE, OPERATING_SYSTEM, DISK_ENCRYPTION, SECURITY, USER_AND_LOCATION, SOFTWARE_UPDATES,
 * EXTENSION_ATTRIBUTES, optionally APPLICATIONS and SERVICES) as Stethoscope records. Field
 * names and enum values follow Jamf's reference
 * (https://developer.jamf.com/jamf-pro/reference/get_v1-computers-inventory) as the
 * deploymenttheory/go-api-sdk-jamfpro SDK models them: `security.firewallEnabled`, `sipStatus`
 * (ENABLED, DISABLED, NOT_COLLECTED, NOT_AVAILABLE), `gatekeeperStatus`
 * (APP_STORE_AND_IDENTIFIED_DEVELOPERS, APP_STORE, DISABLED, NOT_COLLECTED),
 * `diskEncryption.bootPartitionEncryptionDetails.partitionFileVault2State` and
 * `operatingSystem.fileVault2Status` (ALL_ENCRYPTED, BOOT_ENCRYPTED, SOME_ENCRYPTED,
 * NOT_ENCRYPTED, NOT_APPLICABLE).
 *
 * @module
 */
import { z } from "zod";
import { macsFrom } from "../../../engine/identity/identifiers.ts";
import type { DeviceRecord, PracticeData, SoftwareEntry } from "../../../engine/core/types.ts";
import { autoUpdate, upToDate } from "../jamf_parse.ts";

const str = z.string().nullish();
const Attributes = z.array(z.looseObject({
  name: str,
  values: z.array(z.union([z.string(), z.number()])).nullish(),
})).nullish();

/** The parts of one inventory record Stethoscope reads; everything else passes through. */
export const InventoryRecordSchema = z.looseObject({
  id: z.union([z.string(), z.number()]),
  udid: str,
  general: z.looseObject({
    name: str,
    platform: str,
    reportDate: str,
    extensionAttributes: Attributes,
  }).nullish(),
  hardware: z.looseObject({
    make: str,
    model: str,
    serialNumber: str,
    macAddress: str,
    altMacAddress: str,
    extensionAttributes: Attributes,
  }).nullish(),
  operatingSystem: z.looseObject({
    name: str,
    version: str,
    build: str,
    rapidSecurityResponse: str,
    fileVault2Status: str,
    extensionAttributes: Attributes,
  }).nullish(),
  diskEncryption: z.looseObject({
    bootPartitionEncryptionDetails: z.looseObject({
      partitionName: str,
      partitionFileVault2State: str,
      partitionFileVault2Percent: z.number().nullish(),
    }).nullish(),
  }).nullish(),
  security: z.looseObject({
    sipStatus: str,
    gatekeeperStatus: str,
    firewallEnabled: z.boolean().nullish(),
  }).nullish(),
  userAndLocation: z.looseObject({ email: str, extensionAttributes: Attributes }).nullish(),
  softwareUpdates: z.array(z.looseObject({ name: str, version: str })).nullish(),
  extensionAttributes: Attributes,
  applications: z.array(z.looseObject({ name: z.string(), version: str, path: str })).nullish(),
  services: z.array(z.looseObject({ name: z.string() })).nullish(),
});

/** One inventory record, parsed. */
export type InventoryRecord = z.infer<typeof InventoryRecordSchema>;

/** A page of `GET /api/v1/computers-inventory`. */
export const InventoryPageSchema = z.object({
  totalCount: z.number().int().nonnegative(),
  results: z.array(z.unknown()),
});

function text(value: string | null | undefined): string | undefined {
  const t = value?.trim();
  return t ? t : undefined;
}

/** Every extension attribute of the record (all sections), name → first value. */
function attributesOf(r: InventoryRecord): Map<string, string> {
  const out = new Map<string, string>();
  const lists = [
    r.extensionAttributes,
    r.general?.extensionAttributes,
    r.hardware?.extensionAttributes,
    r.operatingSystem?.extensionAttributes,
    r.userAndLocation?.extensionAttributes,
  ];
  for (const a of lists.flatMap((l) => l ?? [])) {
    const value = a.values?.[0];
    if (typeof a.name === "string" && value !== undefined) out.set(a.name, String(value));
  }
  return out;
}

const FILEVAULT_OK = new Set(["ALL_ENCRYPTED", "BOOT_ENCRYPTED"]);
const FILEVAULT_NOT = new Set(["NOT_ENCRYPTED", "SOME_ENCRYPTED"]);

/**
 * The boot partition's FileVault states that say it is not (yet) encrypted: the Jamf Pro API's
 * `partitionFileVault2State` values besides `ENCRYPTED` and `UNKNOWN`.
 */
const PARTITION_NOT = new Set([
  "UNENCRYPTED",
  "NOT_ENCRYPTED",
  "INELIGIBLE",
  "DECRYPTED",
  "DECRYPTING",
  "DECRYPTING_PAUSED",
  "ENCRYPTING",
  "ENCRYPTING_PAUSED",
  "RESTART_NEEDED",
  "OPTIMIZING",
]);

/**
 * FileVault from the boot partition's state (`ENCRYPTED` → followed; one of
 * {@link PARTITION_NOT}, e.g. `UNENCRYPTED` or `ENCRYPTING`, → not followed; `UNKNOWN`, absent or
 * a value Jamf does not document — its own API example says `"VALID"`
 * (developer.jamf.com get_v1-computers-inventory) — → the OS section's `fileVault2Status`), with
 * details in the Classic source's words: `Macintosh HD (Boot Partition): Encrypted (100%)`.
 * Neither reported → unknown (decision 21).
 */
export function fileVault(r: InventoryRecord): PracticeData {
  const boot = r.diskEncryption?.bootPartitionEncryptionDetails;
  const state = text(boot?.partitionFileVault2State)?.toUpperCase();
  if (state === "ENCRYPTED" || (state !== undefined && PARTITION_NOT.has(state))) {
    const words = state.toLowerCase().split("_").map((w) => w[0]!.toUpperCase() + w.slice(1));
    const label = state === "UNENCRYPTED" ? "Not Encrypted" : words.join(" ");
    const pct = boot?.partitionFileVault2Percent;
    const name = text(boot?.partitionName) ?? "Boot partition";
    return {
      value: state === "ENCRYPTED",
      details: `${name} (Boot Partition): ${label}${typeof pct === "number" ? ` (${pct}%)` : ""}`,
    };
  }
  const status = text(r.operatingSystem?.fileVault2Status)?.toUpperCase();
  if (status && FILEVAULT_OK.has(status)) return { value: true, details: `FileVault: ${status}` };
  if (status && FILEVAULT_NOT.has(status)) return { value: false, details: `FileVault: ${status}` };
  return { value: null };
}

function native(value: string | null | undefined, on: readonly string[], off: readonly string[]) {
  const v = text(value)?.toUpperCase();
  if (v === undefined) return undefined;
  if (on.includes(v)) return { value: true, details: v };
  if (off.includes(v)) return { value: false, details: v };
  return undefined; // NOT_COLLECTED, NOT_AVAILABLE: not reported
}

/**
 * A Stethoscope record for one Jamf Pro API computer. Native fields come first (FileVault,
 * `firewallEnabled`, Gatekeeper → `gatekeeper`, SIP → `sip`, `softwareUpdates` → `uptodate`);
 * the Classic source's extension attributes fill in the rest (firewall when not reported,
 * screen saver lock, remote login, automatic-update settings).
 *
 * @param r a parsed inventory record
 * @param options `source` (the plugin name); `raw` is kept in `_raw` when given
 */
export function processInventoryRecord(
  r: InventoryRecord,
  options: { source: string; raw?: unknown },
): DeviceRecord {
  const attributes = attributesOf(r);
  const reported = text(r.general?.reportDate);
  const date = reported === undefined ? null : new Date(reported);
  const lastSync = date && !Number.isNaN(date.getTime()) ? date : null;
  const stamp = (p: PracticeData): PracticeData => ({ ...p, last_updated: lastSync });
  const os = text(r.operatingSystem?.name) ?? "macOS";
  const version = text(r.operatingSystem?.version);
  const rsr = text(r.operatingSystem?.rapidSecurityResponse);
  const record: DeviceRecord = { source: options.source, os, last_sync: lastSync };
  const set = <K extends keyof DeviceRecord>(key: K, value: DeviceRecord[K] | undefined) => {
    if (value !== undefined) record[key] = value;
  };
  set("name", text(r.general?.name));
  set("platform", text(r.general?.platform));
  set("model", text(r.hardware?.model));
  set("manufacturer", text(r.hardware?.make));
  set("serial", text(r.hardware?.serialNumber));
  set("os_version", version && rsr ? `${version} ${rsr}` : version);
  set("os_build", text(r.operatingSystem?.build));
  set("email", text(r.userAndLocation?.email));

  const practices: Record<string, PracticeData> = { encryption: stamp(fileVault(r)) };
  const firewall = r.security?.firewallEnabled;
  const fwAttribute = attributes.get("Firewall Status");
  if (typeof firewall === "boolean") practices.firewall = stamp({ value: firewall });
  else if (fwAttribute !== undefined && /^\s*[+-]?\d+\s*$/.test(fwAttribute)) {
    practices.firewall = stamp({ value: parseInt(fwAttribute, 10) > 0 });
  }
  const gatekeeper = native(r.security?.gatekeeperStatus, [
    "APP_STORE_AND_IDENTIFIED_DEVELOPERS",
    "APP_STORE",
  ], ["DISABLED"]);
  if (gatekeeper) practices.gatekeeper = stamp(gatekeeper);
  const sip = native(r.security?.sipStatus, ["ENABLED"], ["DISABLED"]);
  if (sip) practices.sip = stamp(sip);
  const updates = r.softwareUpdates?.map((u) => {
    const name = text(u.name) ?? "", version = text(u.version) ?? "";
    return name.includes(version) ? name : `${name} ${version}`.trim();
  });
  practices.uptodate = stamp(upToDate(updates));
  practices.autoupdate = stamp(autoUpdate(attributes, os));
  const lock = attributes.get("Screen Saver Lock Enabled");
  if (lock !== undefined) practices.screenlock = stamp({ value: lock === "Enabled" });
  const remote = attributes.get("Remote Login");
  if (remote !== undefined) practices.remotelogin = stamp({ value: remote === "Off" });
  record.practices = practices;

  if (r.applications) {
    record.software = {
      last_scan_date: lastSync,
      installed: r.applications.map((a) => {
        const entry: SoftwareEntry = { name: a.name };
        if (typeof a.version === "string") entry.version = a.version;
        if (typeof a.path === "string") entry.path = a.path;
        return entry;
      }),
      services: (r.services ?? []).map((s) => ({ name: s.name })),
    };
  }
  record.identifiers = {
    mac_addresses: macsFrom([
      r.hardware?.macAddress,
      r.hardware?.altMacAddress,
      attributes.get("Wireless Mac Address"),
    ]),
  };
  if (record.serial) record.identifiers.serial = record.serial;
  const udid = text(r.udid);
  if (udid) record.identifiers.udid = udid;
  if (options.raw !== undefined) record._raw = options.raw;
  return record;
}
