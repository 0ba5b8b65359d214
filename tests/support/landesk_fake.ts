/**
 * A LANDESK inventory database in memory: answers the plugin's statements (`SQL`, `LOGIN_SQL`)
 * over rows shaped like the devices statement's result (one per computer and BitLocker volume),
 * as SQL Server would — `EMAILADDR` compared without letter case, `LoginName` only in the
 * statements that read it — and records every call. Sub-queries (vulnerabilities, adapters,
 * software) answer nothing.
 *
 * @module
 */
import { LOGIN_SQL, type QueryFn, type Row, SQL } from "../../plugins/sources/landesk_sql.ts";

/** A `PLUGINS.landesk` section for a made-up server (times in UTC), before `schema.parse`. */
export const LANDESK_SECTION = {
  LANDESK_SQL_HOSTNAME: "landesk.example.com",
  LANDESK_SQL_HOSTPORT: 1433,
  LANDESK_SQL_USERNAME: "stethoscope",
  LANDESK_SQL_PASSWORD: "made-up-Pa55",
  LANDESK_SQL_DATABASE: "LDMS",
  TIME_ZONE: "UTC",
} as const;

/** The fake's query function and the statements it was asked, with their parameters. */
export function landeskDatabase(rows: readonly Row[]): {
  query: QueryFn;
  calls: [string, Record<string, string | number>][];
} {
  const calls: [string, Record<string, string | number>][] = [];
  const same = (a: unknown, b: unknown) =>
    typeof a === "string" && typeof b === "string" && a.toLowerCase() === b.toLowerCase();
  const query: QueryFn = (sql, params) => {
    calls.push([sql, params]);
    const read = Object.values(LOGIN_SQL).includes(sql as never)
      ? rows
      : rows.map(({ login_name: _, ...r }) => r);
    const pick = (f: (r: Row) => boolean) => Promise.resolve(read.filter(f));
    switch (sql) {
      case SQL.byEmail:
      case LOGIN_SQL.byEmail:
        return pick((r) => same(r.email, params.email));
      case LOGIN_SQL.byLogin:
        return pick((r) =>
          (String(r.email ?? "").trim() === "" && same(r.login_name, params.login)) ||
          same(r.email, params.login)
        );
      case SQL.bySerial:
      case LOGIN_SQL.bySerial:
        return pick((r) => same(r.serial, params.serial));
    }
    return Promise.resolve([]);
  };
  return { query, calls };
}
