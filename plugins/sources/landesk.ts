/**
 * LANDESK / Ivanti Endpoint Manager source (spec §3.3): Windows computers read straight from the
 * inventory's MS SQL database with parameterised statements. Every computer a lookup matches is
 * returned (decision 12). Naive SQL timestamps are wall-clock times in `TIME_ZONE`. This module
 * is the plugin (config and lookups); the statements and the pool are `landesk_sql.ts`, what rows
 * mean is `landesk_parse.ts`, like JAMF's `jamf.ts` / `jamf_parse.ts`.
 *
 * Registry: `landesk` — kind `devices`; timeout key `TIMEOUT`.
 *
 * @module
 */
import { z } from "zod";
import { isValidMac } from "../../engine/identity/identifiers.ts";
import { type DeviceSource, NotFoundError } from "../../engine/core/ports.ts";
import { definePlugin, type PluginContext, timeoutSeconds } from "../plugin.ts";
import { isTimeZone } from "./landesk_format.ts";
import { groupComputers, processComputer } from "./landesk_parse.ts";
import { LOGIN_SQL, poolQuery, type QueryFn, type Row, SQL, sqlError } from "./landesk_sql.ts";
import { loginDomains, loginDomainsSchema, loginsFor } from "./landesk_owner.ts";

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
  /**
   * NetBIOS domain → email domain (`{ "CORP": "corp.example.com" }`): a computer whose
   * `EMAILADDR` holds no address but whose owner is recorded as `CORP\fry` (in `EMAILADDR`, or
   * as `Computer.LoginName`, then read too) belongs to `fry@corp.example.com`. Unset: sign-in
   * names are never read as owners (see `landesk_owner.ts`).
   */
  LANDESK_LOGIN_DOMAINS: loginDomainsSchema,
  TIMEOUT: timeoutSeconds,
  DEBUG: z.boolean().default(false),
}).strict();

/** The validated `PLUGINS.landesk` section. */
export type LandeskConfig = z.infer<typeof schema>;

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
  const domains = loginDomains(config.LANDESK_LOGIN_DOMAINS);
  const sql = domains.size > 0 ? LOGIN_SQL : SQL;

  async function run(sql: string, params: Record<string, string | number>, signal: AbortSignal) {
    signal.throwIfAborted();
    try {
      return await query(sql, params, signal);
    } catch (error: unknown) {
      if (signal.aborted) throw signal.reason;
      throw sqlError(error, password);
    }
  }

  /** One record per computer of the rows (several rows per computer: one per volume). */
  async function records(rows: Row[], signal: AbortSignal) {
    return await Promise.all(
      groupComputers(rows).map(async (group) => {
        const idn = Number(group[0]!.Computer_Idn);
        const [vulns, adapters, software] = await Promise.all([
          run(SQL.vulnerabilities, { idn }, signal),
          run(SQL.adapters, { idn }, signal),
          run(SQL.software, { idn }, signal),
        ]);
        return processComputer({ rows: group, vulns, adapters, software }, {
          source: ctx.name,
          timeZone: config.TIME_ZONE,
          screenlockVulnId: config.LANDESK_SCREENLOCK_VULN_ID,
          debug: config.DEBUG,
          loginDomains: domains,
        });
      }),
    );
  }

  async function devices(statement: string, params: Record<string, string>, signal: AbortSignal) {
    return await records(await run(statement, params, signal), signal);
  }

  /**
   * The person's computers: those whose `EMAILADDR` is the address, and, with
   * `LANDESK_LOGIN_DOMAINS`, those recorded under `DOMAIN\local-part` for each NetBIOS domain
   * mapped to the address's domain (each computer once).
   */
  async function devicesByEmail(email: string, signal: AbortSignal) {
    const logins = loginsFor(email, domains);
    const answers = await Promise.all([
      run(sql.byEmail, { email }, signal),
      ...logins.map((login) => run(LOGIN_SQL.byLogin, { login }, signal)),
    ]);
    return await records(answers.flat(), signal);
  }

  function notFound(identifier: string): NotFoundError {
    return new NotFoundError(`${ctx.name}: device (${identifier}) not found`);
  }

  return {
    name: ctx.name,
    timeoutMs: ctx.timeoutMs,
    devicesByEmail: (email, { signal }) => devicesByEmail(email, signal),
    async devicesBySerial(serial, { signal }) {
      const found = await devices(sql.bySerial, { serial }, signal);
      if (found.length === 0) throw notFound(`serial: '${serial}'`);
      return found;
    },
    async devicesByMac(mac, { signal }) {
      if (!isValidMac(mac)) throw notFound(`macaddr: '${mac}'`);
      const found = await devices(sql.byMac, {
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

/** The LANDESK plugin: the real pool-backed source. */
export default definePlugin(schema, async (config, ctx) => {
  const { query, close } = await poolQuery(config, ctx);
  return { ...createLandeskSource(config, ctx, query), close };
}, {
  kinds: ["devices"],
  summary: "LANDESK/Ivanti over MS SQL: Windows computers by owner, serial and MAC",
});
