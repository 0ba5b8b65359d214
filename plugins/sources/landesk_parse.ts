/**
 * LANDESK rows → normalised device records (spec §3.3): one computer's rows (one per BitLocker
 * volume) with its vulnerability, adapter and software rows become one Windows record with its five
 * practices. Changes when what the rows mean changes; how they are fetched is `landesk_sql.ts`,
 * how volumes combine `landesk_bitlocker.ts`, who the owner is `landesk_owner.ts`.
 *
 * @module
 */
import { canonicalMac, isValidMac, macsFrom } from "../../engine/identity/identifiers.ts";
import type { DeviceRecord, PracticeData, SoftwareEntry } from "../../engine/core/types.ts";
import { formatScreenSaverReason, zonedTime } from "./landesk_format.ts";
import type { Row } from "./landesk_sql.ts";
import { bitLockerEvidence, bitLockerVolumes } from "./landesk_bitlocker.ts";
import { type LoginDomains, ownerOf } from "./landesk_owner.ts";

const AUTOUPDATE_VULN_ID = "ST000003v2";
const CRITICAL = new Set(["Critical", "High"]);

/** A computer's rows (same `Computer_Idn`, one per BitLocker volume) with its sub-query results. */
export interface ComputerRows {
  /** At least one; the first (most recently updated) gives every column but BitLocker's. */
  rows: readonly Row[];
  vulns: Row[];
  adapters: Row[];
  software: Row[];
}

/** How records are built. */
export interface ProcessOptions {
  source: string;
  timeZone: string;
  screenlockVulnId: string;
  debug: boolean;
  /** `LANDESK_LOGIN_DOMAINS`: how a `DOMAIN\user` owner becomes an address (none: never). */
  loginDomains?: LoginDomains;
}

/**
 * A lookup's rows grouped by `Computer_Idn`, in the order each computer first appears (the
 * statements order by `LASTUPDINVSVR` descending): one group per computer, however many
 * BitLocker volumes (or repeated joins) gave it rows.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const groups = groupComputers([{ Computer_Idn: 7 }, { Computer_Idn: 9 }, { Computer_Idn: 7 }]);
 * assert.deepEqual(groups.map((g) => g.length), [2, 1]);
 * ```
 */
export function groupComputers(rows: readonly Row[]): Row[][] {
  const groups = new Map<string, Row[]>();
  for (const row of rows) {
    const key = String(row.Computer_Idn);
    const group = groups.get(key);
    if (group) group.push(row);
    else groups.set(key, [row]);
  }
  return [...groups.values()];
}

const COPIED = [
  "manufacturer",
  "model",
  "name",
  "os",
  "os_version",
  "os_release",
  "os_build",
  "serial",
  "type",
] as const;

/**
 * A normalised record for one LANDESK computer (spec §3.3): platform `Windows`, the copied
 * columns, the owner (`landesk_owner.ts`: `email`, or `unread` saying why there is none),
 * `last_sync` from `LASTUPDINVSVR`, and five practices — screen lock and auto-update from their
 * vulnerability ids, up to date from Critical/High vulnerabilities, encryption from every
 * BitLocker volume (`landesk_bitlocker.ts`: 100 % and protection on each; one mid-encryption
 * reads unknown, "encryption in progress"), firewall from the bound adapters. Naive timestamps
 * are read in `options.timeZone`.
 *
 * @param raw the computer's rows with its `CVDetectedV`, `BoundAdapter` and `AppSoftwareSuites` rows
 * @param options source name, time zone, screen-lock vulnerability id, and whether to keep `_raw`
 * @returns the record
 */
export function processComputer(raw: ComputerRows, options: ProcessOptions): DeviceRecord {
  const { rows, vulns, adapters } = raw;
  const row = rows[0] ?? {};
  const at = (value: unknown) => zonedTime(value, options.timeZone);
  const device: DeviceRecord = { source: options.source, platform: "Windows" };
  for (const key of COPIED) {
    const value = text(row[key]);
    if (value !== undefined) device[key] = value;
  }
  const owner = ownerOf(
    row.email,
    row.login_name,
    options.loginDomains ?? new Map(),
    options.source,
  );
  if ("email" in owner) device.email = owner.email;
  else device.unread = [owner.unread];
  const lastSeen = at(row.last_seen);
  if (lastSeen) device.last_sync = lastSeen;
  const systemVersion = text(row.systemversion);
  if (device.manufacturer?.toUpperCase() === "LENOVO" && systemVersion) {
    device.model = systemVersion;
  }
  const swScan = at(row.sw_last_scan_date);
  const hwScan = at(row.hw_last_scan_date);
  const sw = swScan ? { last_updated: swScan } : {};
  const hw = hwScan ? { last_updated: hwScan } : {};
  device.software = {
    installed: raw.software.flatMap(softwareEntry(options.timeZone)),
    ...(swScan ? { last_scan_date: swScan } : {}),
  };

  const screenlock: PracticeData = { value: true, ...sw };
  const autoupdate: PracticeData = { value: true, ...sw };
  for (const vuln of vulns) {
    if (vuln.Vul_ID === options.screenlockVulnId) {
      screenlock.value = false;
      screenlock.details = formatScreenSaverReason(text(vuln.Reason) ?? "");
    }
    if (vuln.Vul_ID === AUTOUPDATE_VULN_ID) {
      autoupdate.value = false;
      autoupdate.details = text(vuln.Reason) ?? "";
    }
  }
  const critical = vulns.filter((v) =>
    v.VulType === "Vulnerability" && CRITICAL.has(String(v.VulSeverity))
  );
  const uptodate: PracticeData = { value: critical.length === 0, ...sw };
  if (critical.length > 0) {
    uptodate.details = "Missing Updates:\n" +
      critical.map((v) => `    ${text(v.Title) ?? text(v.Vul_ID) ?? "unknown"}\n`).join("");
  }
  const encryption: PracticeData = { ...bitLockerEvidence(bitLockerVolumes(rows)), ...hw };
  const disabled = adapters.filter((a) => a.FirewallEnabled === "No").map((a) =>
    `Firewall not enabled for adapter '${macOrUnknown(a.PhysAddress)}'`
  );
  const firewall: PracticeData = {
    value: disabled.length === 0,
    details: disabled.join("\n"),
    ...hw,
  };
  device.practices = { screenlock, autoupdate, uptodate, encryption, firewall };

  const installed = adapters.filter((a) => a.FirewallEnabled !== "Not Installed");
  device.identifiers = { mac_addresses: macsFrom(installed.map((a) => a.PhysAddress)) };
  if (device.serial) device.identifiers.serial = device.serial;
  if (options.debug) {
    device._raw = {
      ...row,
      ...(rows.length > 1 ? { rows } : {}),
      vulns,
      adapters,
      software: raw.software,
    };
  }
  return device;
}

function softwareEntry(timeZone: string): (row: Row) => SoftwareEntry[] {
  return (row) => {
    const name = text(row.SuiteName);
    if (name === undefined) return [];
    const date = row.InstallDate instanceof Date
      ? zonedTime(row.InstallDate, timeZone)?.toISOString() ?? null
      : text(row.InstallDate) ?? null;
    return [{
      name,
      version: text(row.Version) ?? null,
      publisher: text(row.Publisher) ?? null,
      install_date: date,
    }];
  };
}

function macOrUnknown(value: unknown): string {
  if (typeof value !== "string" || !isValidMac(value.trim())) return "unknown";
  return canonicalMac(value.trim());
}

function text(value: unknown): string | undefined {
  let s: string;
  if (typeof value === "string") s = value;
  else if (typeof value === "number" || typeof value === "bigint" || typeof value === "boolean") {
    s = String(value);
  } else if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) return undefined;
    s = value.toISOString();
  } else return undefined; // null, undefined, and anything a driver should never hand us
  s = s.trim();
  return s === "" ? undefined : s;
}
