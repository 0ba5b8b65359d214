/**
 * The LANDESK / Ivanti inventory's side of the plugin (spec §3.3): the SQL statements it runs
 * (values only ever travel as `@` parameters), the `mssql` pool they run on, and plain words for
 * driver errors. Changes when the database schema or the driver changes; what rows mean is
 * `landesk_parse.ts`.
 *
 * @module
 */
import { UpstreamError } from "../../engine/core/ports.ts";
import type { PluginContext } from "../plugin.ts";
import { abortable } from "../../lib/abort.ts";

/** One result row, column name → value. */
export type Row = Record<string, unknown>;

/** Runs one parameterised statement (`@name` placeholders filled from `params`). */
export type QueryFn = (
  sql: string,
  params: Record<string, string | number>,
  signal: AbortSignal,
) => Promise<Row[]>;

/** The original's devices statement; `login` adds `Computer.LoginName` (`DOMAIN\\user`). */
const devicesSql = (login: boolean) =>
  `SELECT DISTINCT A0.DISPLAYNAME AS name,
                A0.DEVICEID,${login ? "\n                A0.LOGINNAME AS login_name," : ""}
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

/** The lookups of computers, with or without `LoginName`. */
function lookups(login: boolean) {
  const devices = devicesSql(login);
  return {
    byEmail: `${devices}WHERE A1.EMAILADDR = @email${ORDER}`,
    bySerial: `${devices}WHERE A2.SERIALNUM = @serial${ORDER}`,
    byMac: `${devices}WHERE A0.Computer_Idn IN ` +
      `(SELECT Computer_Idn FROM BoundAdapter (nolock) WHERE PhysAddress = @mac)${ORDER}`,
  };
}

/**
 * The lookups when `LANDESK_LOGIN_DOMAINS` is set: the original's, also reading
 * `Computer.LoginName`, and `byLogin` — the computers recorded under a `DOMAIN\user` sign-in name
 * (in `LoginName` with `EMAILADDR` NULL or blank — SQL Server compares `''` equal to any run of
 * spaces — or in `EMAILADDR` itself).
 */
export const LOGIN_SQL = {
  ...lookups(true),
  byLogin: `${devicesSql(true)}WHERE ((A1.EMAILADDR IS NULL OR A1.EMAILADDR = '') ` +
    `AND A0.LOGINNAME = @login) ` +
    `OR A1.EMAILADDR = @login${ORDER}`,
} as const;

/** Every statement the plugin runs by default; values only ever travel as `@` parameters. */
export const SQL = {
  ...lookups(false),
  vulnerabilities: "SELECT * FROM CVDetectedV (nolock) WHERE Computer_Idn = @idn",
  adapters: "SELECT * FROM BoundAdapter (nolock) WHERE Computer_Idn = @idn",
  software: "SELECT DISTINCT InstallDate, Publisher, SuiteName, Version " +
    "FROM AppSoftwareSuites (nolock) WHERE Computer_Idn = @idn",
  connectivity: "SELECT 1 AS ok",
} as const;

/** What the pool is opened with: the `PLUGINS.landesk` connection keys. */
export interface LandeskConnection {
  LANDESK_SQL_HOSTNAME: string;
  LANDESK_SQL_HOSTPORT: number;
  LANDESK_SQL_USERNAME: string;
  LANDESK_SQL_PASSWORD: string;
  LANDESK_SQL_DATABASE: string;
  LANDESK_SQL_ENCRYPT: boolean;
  LANDESK_SQL_TRUST_SERVER_CERTIFICATE: boolean;
}

/**
 * Plain words for a driver error, with the password blanked should a driver ever echo it.
 *
 * @param error what the `mssql` driver threw (`ELOGIN` code: wrong credentials)
 * @param password the configured password, replaced by `***` in the message
 * @returns an `UpstreamError` naming the keys to check or the driver's code and message
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(
 *   sqlError({ code: "ETIMEOUT", message: "timed out" }, "pw").message,
 *   "LANDESK query failed (ETIMEOUT): timed out",
 * );
 * // the password never appears in the message
 * assert.equal(
 *   sqlError({ message: "login failed for pw" }, "pw").message,
 *   "LANDESK query failed: login failed for ***",
 * );
 * ```
 */
export function sqlError(error: unknown, password: string): UpstreamError {
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

/**
 * A query function over one lazily connected `mssql` pool (loaded only when LANDESK is
 * configured). A failed connection is retried by the next query; an aborted signal cancels the
 * running request.
 *
 * @param config the connection keys of `PLUGINS.landesk`
 * @param ctx the plugin context (deadline for connection and request timeouts, logger)
 * @returns the query function and the pool's `close`
 */
export async function poolQuery(
  config: LandeskConnection,
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
