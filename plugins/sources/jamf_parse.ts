/**
 * JAMF Classic API computer records → normalised device records (spec §3.1, decision 21).
 *
 * @module
 */
import { z } from "zod";
import { macsFrom } from "../../engine/identity/identifiers.ts";
import { UpstreamError } from "../../engine/core/ports.ts";
import type { DeviceRecord, PracticeData, SoftwareEntry } from "../../engine/core/types.ts";

const optString = z.string().nullish();
const Application = z.looseObject({ name: z.string(), version: optString, path: optString });

/** The parts of `GET /computers/id/{id}` we read; everything else passes through. */
const ComputerSchema = z.looseObject({
  computer: z.looseObject({
    general: z.looseObject({
      id: z.union([z.number(), z.string()]).nullish(),
      name: z.string(),
      platform: z.string(),
      serial_number: z.string(),
      udid: optString,
      mac_address: z.unknown().optional(),
      alt_mac_address: z.unknown().optional(),
      report_date_utc: z.unknown().optional(),
    }),
    hardware: z.looseObject({
      model: z.string(),
      os_name: z.string(),
      os_version: z.string(),
      storage: z.unknown().optional(),
    }),
    location: z.looseObject({ email_address: optString }).nullish(),
    security: z.looseObject({ firewall_enabled: z.unknown().optional() }).nullish(),
    software: z.looseObject({
      available_software_updates: z.array(z.string()).nullish(),
      applications: z.array(Application).nullish(),
      running_services: z.array(z.string()).nullish(),
    }).nullish(),
    extension_attributes: z.array(z.looseObject({ name: z.unknown(), value: z.unknown() }))
      .nullish(),
  }),
});

/** A computer record the JAMF answer did not fit. */
export class MalformedComputerError extends UpstreamError {
  override name = "MalformedComputerError";
}

const AUTOUPDATE: readonly { keys: string[]; byDefault: boolean; label: string }[] = [
  {
    keys: ["1 Auto Check For Updates Enabled"],
    byDefault: true,
    label: "Automatically check for updates",
  },
  {
    keys: ["2 Get New Updates in Background Enabled"],
    byDefault: true,
    label: "Download newly available updates in background",
  },
  { keys: ["3 Install App Updates Enabled"], byDefault: false, label: "Install app updates" },
  {
    keys: ["4 Install OS X Updates Enabled", "4 Install macOS Updates Enabled"],
    byDefault: false,
    label: "Install OS X updates",
  },
  {
    keys: ["5 Install Security Updates Enabled"],
    byDefault: true,
    label: "Install security updates",
  },
  {
    keys: ["6 Install System Data Files Enabled"],
    byDefault: true,
    label: "Install system data files",
  },
];

const RECOVERY = new Set(["Recovery", "Recovery HD"]);
const JAMF_DATE_RE =
  /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?)(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * Parses a JAMF UTC timestamp such as `2016-02-26T10:58:57.853-0800`; anything else is `null`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(
 *   parseJamfDate("2016-02-26T10:58:57.853-0800")?.toISOString(),
 *   "2016-02-26T18:58:57.853Z",
 * );
 * ```
 */
export function parseJamfDate(value: unknown): Date | null {
  if (typeof value !== "string") return null;
  const m = value.trim().match(JAMF_DATE_RE);
  if (m === null) return null;
  const zone = m[3] === undefined || m[3] === "Z"
    ? "Z"
    : m[3].replace(/^([+-]\d{2}):?(\d{2})$/, "$1:$2");
  const date = new Date(`${m[1]}T${m[2]}${zone}`);
  return Number.isNaN(date.getTime()) ? null : date;
}

/**
 * Turns one raw `{computer: …}` answer into a device record.
 *
 * @param raw the parsed JSON of one computer
 * @param options `debug` keeps the raw payload in `_raw`
 * @returns the record
 * @throws {MalformedComputerError} when a required field is missing or of the wrong type
 */
export function processComputer(raw: unknown, options: { debug: boolean }): DeviceRecord {
  const parsed = ComputerSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue ? issue.path.join(".") : "?";
    throw new MalformedComputerError(`unexpected computer record at ${where}: ${issue?.message}`);
  }
  const c = parsed.data.computer;
  const attributes = new Map<string, string>();
  for (const a of c.extension_attributes ?? []) {
    if (
      typeof a.name === "string" && (typeof a.value === "string" || typeof a.value === "number")
    ) {
      attributes.set(a.name, String(a.value));
    }
  }
  const lastSync = parseJamfDate(c.general.report_date_utc);
  const stamp = (p: PracticeData): PracticeData => ({ ...p, last_updated: lastSync });
  const device: DeviceRecord = {
    source: "jamf",
    model: c.hardware.model,
    platform: c.general.platform,
    serial: c.general.serial_number,
    name: c.general.name,
    os: c.hardware.os_name,
    os_version: c.hardware.os_version,
    last_sync: lastSync,
    practices: {
      encryption: stamp(encryption(c.hardware.storage)),
      uptodate: stamp(upToDate(c.software?.available_software_updates)),
      autoupdate: stamp(autoUpdate(attributes, c.hardware.os_name)),
      firewall: stamp(firewall(c.security?.firewall_enabled, attributes.get("Firewall Status"))),
      screenlock: stamp(equals(attributes.get("Screen Saver Lock Enabled"), "Enabled")),
      remotelogin: stamp(equals(attributes.get("Remote Login"), "Off")),
    },
    software: {
      last_scan_date: lastSync,
      installed: (c.software?.applications ?? []).map((a) => {
        const entry: SoftwareEntry = { name: a.name };
        if (typeof a.version === "string") entry.version = a.version;
        if (typeof a.path === "string") entry.path = a.path;
        return entry;
      }),
      services: (c.software?.running_services ?? []).map((name) => ({ name })),
    },
    identifiers: {
      serial: c.general.serial_number,
      mac_addresses: macsFrom([
        c.general.mac_address,
        c.general.alt_mac_address,
        attributes.get("Wireless Mac Address"),
      ]),
    },
  };
  if (c.general.udid) device.identifiers!.udid = c.general.udid;
  const email = c.location?.email_address;
  if (typeof email === "string" && email.trim() !== "") device.email = email;
  if (options.debug) device._raw = raw;
  return device;
}

/**
 * FileVault 2 state from the disk-encryption fields of each readable partition
 * (`filevault2_status`, else `filevault_status`). When JAMF types the partitions (`boot`, `other`,
 * `recovery`, as Jamf Pro 10+ does), only boot partitions count: an APFS Mac also lists Preboot,
 * VM and Update volumes that FileVault never encrypts. `null` when no partition is readable.
 */
function encryption(storage: unknown): PracticeData {
  const partitions: Record<string, unknown>[] = [];
  for (const drive of Array.isArray(storage) ? storage : []) {
    if (!isRecord(drive) || !(Number(drive.drive_capacity_mb) > 0)) continue;
    partitions.push(...[drive.partition, drive.partitions].flat().filter(isRecord));
  }
  const typed = partitions.some((p) =>
    typeof p.type === "string" && p.type.toLowerCase() === "boot"
  );
  const lines: string[] = [];
  let all = true;
  for (const p of partitions) {
    const status = typeof p.filevault2_status === "string"
      ? p.filevault2_status
      : p.filevault_status;
    if (typeof p.name !== "string" || typeof status !== "string" || RECOVERY.has(p.name)) {
      continue;
    }
    if (typed && String(p.type).toLowerCase() !== "boot") continue;
    all &&= status === "Encrypted";
    const shown = status === "Not Supported" ? "Not Encrypted" : status;
    const pct = p.filevault2_status === status ? p.filevault2_percent : p.filevault_percent;
    lines.push(
      `${p.name}: ${shown}${pct === null || pct === undefined ? "" : ` (${String(pct)}%)`}`,
    );
  }
  if (lines.length === 0) return { value: null };
  return { value: all, details: lines.join("\n") };
}

/**
 * The up-to-date reading from the software updates JAMF lists as available (Classic
 * `available_software_updates`, Jamf Pro API `softwareUpdates`): none → followed, some → not
 * followed with the list in `details`, not reported → unknown. Shared with `jamf_pro`.
 */
export function upToDate(updates: string[] | null | undefined): PracticeData {
  if (updates === null || updates === undefined) return { value: null };
  if (updates.length === 0) return { value: true };
  return {
    value: false,
    details: "Missing Updates:\n" + updates.map((u) => `    ${u}\n`).join(""),
  };
}

/**
 * The automatic-updates reading from the software-update extension attributes (name → value;
 * shared with `jamf_pro`). Only settings JAMF reported as `"True"`/`"False"` count: a failure
 * lists reported `"False"` settings only; nothing reported is unknown; settings left unreported
 * count as on only where macOS turns them on by default, otherwise the practice stays unknown
 * (issue 11: never a failure built from missing data).
 */
export function autoUpdate(attributes: Map<string, string>, os: string): PracticeData {
  const label = (l: string) => l.replace("OS X", os === "macOS" ? "macOS" : "OS X");
  const disabled: string[] = [];
  const unreported: string[] = [];
  let reported = 0;
  for (const setting of AUTOUPDATE) {
    const raw = setting.keys.map((k) => attributes.get(k)).find((v) => v !== undefined);
    if (raw === "True" || raw === "False") reported++;
    if (raw === "False") disabled.push(label(setting.label));
    else if (raw !== "True" && !setting.byDefault) unreported.push(label(setting.label));
  }
  if (disabled.length > 0) {
    return {
      value: false,
      details: "Disabled settings:\n" + disabled.map((l) => `    ${l}`).join("\n"),
    };
  }
  if (reported === 0) return {};
  if (unreported.length > 0) {
    return {
      details: "Not reported by JAMF:\n" + unreported.map((l) => `    ${l}`).join("\n"),
    };
  }
  return { value: true };
}

/** Firewall from JAMF's own `security.firewall_enabled`, else the "Firewall Status" attribute. */
function firewall(native: unknown, attribute: string | undefined): PracticeData {
  if (typeof native === "boolean") return { value: native };
  if (attribute === undefined || !/^\s*[+-]?\d+\s*$/.test(attribute)) return {};
  return { value: parseInt(attribute, 10) > 0 };
}

function equals(value: string | undefined, expected: string): PracticeData {
  return value === undefined ? {} : { value: value === expected };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
