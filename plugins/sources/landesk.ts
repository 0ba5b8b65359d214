/**
 * LANDESK / Ivanti Endpoint Manager source (spec §3.3): Windows computers read straight from the
 * inventory's MS SQL database with parameterised statements. Every computer a lookup matches is
 * returned (decision 12). Naive SQL timestamps are wall-clock times in `TIME_ZONE`.
 *
 * Registry: `landesk` — kind `devices`; timeout key `TIMEOUT`.
 *
 * @module
 */
import { z } from "zod";
import { canonicalMac, isValidMac, macsFrom } from "../../engine/identifiers.ts";
import { type DeviceSource, NotFoundError, UpstreamError } from "../../engine/ports.ts";
import type { DeviceRecord, PracticeData, SoftwareEntry } from "../../engine/types.ts";
import { definePlugin, type PluginContext, timeoutSeconds } from "../plugin.ts";
import { formatScreenSaverReason, isTimeZone, zonedTime } from "./landesk_format.ts";
import { abortable } from "../../lib/abort.ts";

export { formatScreenSaverReason, zonedTime };

/** One result row, column name → value. */
export type Row = Record<string, unknown>;

/** Runs one parameterised statement (`@name` placeholders filled from `params`). */
export type QueryFn = (
  sql: string,
  params: Record<string, string | number>,
  signal: AbortSignal,
) => Promise<Row[]>;

/** `PLUGINS.landesk`: the original's keys, plus TLS switches and `TIME_ZONE`. */
export const schema = z.object({
  LANDESK_SQL_HOSTNAME: z.string().min(1),
  LANDESK_SQL_HOSTPORT: z.coerce.number().int().min(1).max(65535),
  LANDESK_SQL_USERNAME: z.string().min(1),
  LANDESK_SQL_PASSWORD: z.string().min(1),
  LANDESK_SQL_DATABASE: z.string().min(1),
  LANDESK_SCREENLOCK_VULN_ID: z.string().min(1).default("ST000202"),
  /** Encrypt the connection (TDS over TLS); on by default. */
  LANDESK_SQL_ENCRYPT: z.boolean().default(true),
  /** Accept a self-signed server certificate (common for on-premises SQL Server). */
  LANDESK_SQL_TRUST_SERVER_CERTIFICATE: z.boolean().default(false),
  /** The IANA zone the database's naive timestamps are written in. */
  TIME_ZONE: z.string().default("America/Los_Angeles").refine(isTimeZone, {
    message: "expected an IANA time zone such as America/Los_Angeles",
  }),
  TIMEOUT: timeoutSeconds,
  DEBUG: z.boolean().default(false),
}).strict();

/** The validated `PLUGINS.landesk` section. */
export type LandeskConfig = z.infer<typeof schema>;

const AUTOUPDATE_VULN_ID = "ST000003v2";
const CRITICAL = new Set(["Critical", "High"]);

const DEVICES_SQL = `SELECT DISTINCT A0.DISPLAYNAME AS name,
                A0.DEVICEID,
                A0.LASTUPDINVSVR AS last_seen,
                A0.HWLASTSCANDATE AS hw_last_scan_date,
                A0.SWLASTSCANDATE AS sw_last_scan_date,
                A0.Computer_Idn,
                A0.TYPE AS type,
                A1.EMAILADDR AS email,
                A2.MODEL AS model,
                A2.MANUFACTURER AS manufacturer,
                A2.SERIALNUM AS serial,
                A2.SYSTEMVERSION AS systemversion,
                A3.PROTECTIONSTATUS,
                A3.CONVERSIONSTATUS,
                A3.GENENCRYPT,
                A3.ENCRYPTIONPERCENTAGE,
                A4.CURRENTBUILD AS os_build,
                A4.CURRENTVERSION AS os_version,
                A4.RELEASEID AS os_release,
                A5.OSTYPE AS os
FROM Computer A0 (nolock)
LEFT OUTER JOIN LDAPUserAttrV A1 (nolock) ON A0.Computer_Idn = A1.Computer_Idn
LEFT OUTER JOIN CompSystem A2 (nolock) ON A0.Computer_Idn = A2.Computer_Idn
LEFT OUTER JOIN BitLocker A3 (nolock) ON A0.Computer_Idn = A3.Computer_Idn
LEFT OUTER JOIN OSNT A4 (nolock) ON A0.Computer_Idn = A4.Computer_Idn
LEFT OUTER JOIN Operating_System A5 (nolock) ON A0.Computer_Idn = A5.Computer_Idn
`;
const ORDER = "\nORDER BY A0.LASTUPDINVSVR DESC";

/** Every statement the plugin runs; values only ever travel as `@` parameters. */
export const SQL = {
  byEmail: `${DEVICES_SQL}WHERE A1.EMAILADDR = @email${ORDER}`,
  bySerial: `${DEVICES_SQL}WHERE A2.SERIALNUM = @serial${ORDER}`,
  byMac: `${DEVICES_SQL}WHERE A0.Computer_Idn IN ` +
    `(SELECT Computer_Idn FROM BoundAdapter (nolock) WHERE PhysAddress = @mac)${ORDER}`,
  vulnerabilities: "SELECT * FROM CVDetectedV (nolock) WHERE Computer_Idn = @idn",
  adapters: "SELECT * FROM BoundAdapter (nolock) WHERE Computer_Idn = @idn",
  software: "SELECT DISTINCT InstallDate, Publisher, SuiteName, Version " +
    "FROM AppSoftwareSuites (nolock) WHERE Computer_Idn = @idn",
  connectivity: "SELECT 1 AS ok",
} as const;

/**
 * Builds the LANDESK source over any query function (tests pass a fake one).
 *
 * @param config the validated `PLUGINS.landesk` section
 * @param ctx the plugin context
 * @param query runs one parameterised statement
 * @returns a device source with serial and MAC lookups
 */
export function createLandeskSource(
  config: LandeskConfig,
  ctx: PluginContext,
  query: QueryFn,
): DeviceSource & { checkConnectivity: NonNullable<DeviceSource["checkConnectivity"]> } {
  const password = config.LANDESK_SQL_PASSWORD;

  async function run(sql: string, params: Record<string, string | number>, signal: AbortSignal) {
    signal.throwIfAborted();
    try {
      return await query(sql, params, signal);
    } catch (error: unknown) {
      if (signal.aborted) throw signal.reason;
      throw sqlError(error, password);
    }
  }

  async function devices(sql: string, params: Record<string, string>, signal: AbortSignal) {
    const seen = new Set<unknown>();
    const rows = (await run(sql, params, signal)).filter((row) => {
      if (seen.has(row.Computer_Idn)) return false; // one row per computer (e.g. several volumes)
      seen.add(row.Computer_Idn);
      return true;
    });
    return await Promise.all(rows.map(async (row) => {
      const idn = Number(row.Computer_Idn);
      const [vulns, adapters, software] = await Promise.all([
        run(SQL.vulnerabilities, { idn }, signal),
        run(SQL.adapters, { idn }, signal),
        run(SQL.software, { idn }, signal),
      ]);
      return processComputer({ row, vulns, adapters, software }, {
        source: ctx.name,
        timeZone: config.TIME_ZONE,
        screenlockVulnId: config.LANDESK_SCREENLOCK_VULN_ID,
        debug: config.DEBUG,
      });
    }));
  }

  function notFound(identifier: string): NotFoundError {
    return new NotFoundError(`${ctx.name}: device (${identifier}) not found`);
  }

  return {
    name: ctx.name,
    timeoutMs: ctx.timeoutMs,
    devicesByEmail: (email, { signal }) => devices(SQL.byEmail, { email }, signal),
    async devicesBySerial(serial, { signal }) {
      const found = await devices(SQL.bySerial, { serial }, signal);
      if (found.length === 0) throw notFound(`serial: '${serial}'`);
      return found;
    },
    async devicesByMac(mac, { signal }) {
      if (!isValidMac(mac)) throw notFound(`macaddr: '${mac}'`);
      const found = await devices(SQL.byMac, {
        mac: mac.replace(/[:-]/g, "").toUpperCase(),
      }, signal);
      if (found.length === 0) throw notFound(`macaddr: '${mac}'`);
      return found;
    },
    async checkConnectivity({ signal }) {
      await run(SQL.connectivity, {}, signal);
    },
  };
}

/** A computer row with its sub-query results. */
export interface ComputerRows {
  row: Row;
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
  "email",
] as const;

/** A normalised record for one LANDESK computer (spec §3.3). */
export function processComputer(raw: ComputerRows, options: ProcessOptions): DeviceRecord {
  const { row, vulns, adapters } = raw;
  const at = (value: unknown) => zonedTime(value, options.timeZone);
  const device: DeviceRecord = { source: options.source, platform: "Windows" };
  for (const key of COPIED) {
    const value = text(row[key]);
    if (value !== undefined) device[key] = value;
  }
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
  const percentage = row.ENCRYPTIONPERCENTAGE;
  const encryption: PracticeData = {
    value: Number(percentage) === 100 && text(row.PROTECTIONSTATUS) === "1 - on",
    ...hw,
  };
  if (percentage !== null && percentage !== undefined) {
    encryption.details = `Encryption Percentage: ${percentage}\n`;
  }
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
    device._raw = { ...row, vulns, adapters, software: raw.software };
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

/** Plain words for a driver error, with the password blanked should a driver ever echo it. */
function sqlError(error: unknown, password: string): UpstreamError {
  const e = error as { code?: unknown; message?: unknown } | null;
  if (e?.code === "ELOGIN") {
    return new UpstreamError(
      "LANDESK authentication failure; check LANDESK_SQL_USERNAME and LANDESK_SQL_PASSWORD",
    );
  }
  const message = typeof e?.message === "string" ? e.message : String(error);
  const code = typeof e?.code === "string" ? ` (${e.code})` : "";
  return new UpstreamError(
    `LANDESK query failed${code}: ${message.split(password).join("***")}`,
  );
}

/** The parts of the `mssql` module the plugin uses. */
interface Mssql {
  ConnectionPool: new (config: Record<string, unknown>) => MssqlPool;
  Int: unknown;
  NVarChar: unknown;
}
interface MssqlPool {
  connect(): Promise<MssqlPool>;
  request(): MssqlRequest;
  close(): Promise<void>;
  on(event: "error", listener: (error: unknown) => void): void;
}
interface MssqlRequest {
  input(name: string, type: unknown, value: unknown): MssqlRequest;
  query(sql: string): Promise<{ recordset?: Row[] }>;
  cancel(): void;
}

/** A query function over one lazily connected `mssql` pool (loaded only when LANDESK is configured). */
async function poolQuery(
  config: LandeskConfig,
  ctx: PluginContext,
): Promise<{ query: QueryFn; close: () => Promise<void> }> {
  const module = await import("mssql") as unknown as { default?: Mssql } & Mssql;
  const sql: Mssql = module.default ?? module;
  const timeout = ctx.timeoutMs ?? 15_000;
  const pool = new sql.ConnectionPool({
    server: config.LANDESK_SQL_HOSTNAME,
    port: config.LANDESK_SQL_HOSTPORT,
    user: config.LANDESK_SQL_USERNAME,
    password: config.LANDESK_SQL_PASSWORD,
    database: config.LANDESK_SQL_DATABASE,
    connectionTimeout: timeout,
    requestTimeout: timeout,
    options: {
      encrypt: config.LANDESK_SQL_ENCRYPT,
      trustServerCertificate: config.LANDESK_SQL_TRUST_SERVER_CERTIFICATE,
      useUTC: true, // naive DATETIMEs arrive with their wall-clock time in the UTC fields
    },
  });
  pool.on("error", (error) => {
    ctx.log.error("LANDESK pool error", {
      plugin: ctx.name,
      error: sqlError(error, config.LANDESK_SQL_PASSWORD).message,
    });
  });
  let connected: Promise<MssqlPool> | null = null;
  const connect = () =>
    connected ??= pool.connect().catch((error: unknown) => {
      connected = null;
      throw error;
    });
  const query: QueryFn = async (text, params, signal) => {
    const ready = await abortable(connect(), signal);
    const request = ready.request();
    for (const [name, value] of Object.entries(params)) {
      request.input(name, typeof value === "number" ? sql.Int : sql.NVarChar, value);
    }
    const cancel = () => request.cancel();
    signal.addEventListener("abort", cancel, { once: true });
    try {
      return (await request.query(text)).recordset ?? [];
    } finally {
      signal.removeEventListener("abort", cancel);
    }
  };
  return { query, close: () => pool.close() };
}

/** The LANDESK plugin: the real pool-backed source. */
export default definePlugin(schema, async (config, ctx) => {
  const { query, close } = await poolQuery(config, ctx);
  return { ...createLandeskSource(config, ctx, query), close };
});
