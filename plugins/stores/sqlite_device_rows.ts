/**
 * The devices of each batch run in the SQLite store (`device_rows`, issue 26): one row per device,
 * its filter columns beside the whole row as JSON text, queried by the Dashboard's lists with the
 * filters of `engine/batch/device_rows.ts` (`rowMatches`).
 *
 * @module
 */
import type { DatabaseSync, SQLInputValue } from "node:sqlite";
import type { DeviceRow, DeviceRowQuery, DeviceRowStore } from "../../engine/core/store_ports.ts";
import { searchKeys } from "../../engine/batch/device_rows.ts";
import { decodeDeviceRow, encodeDeviceRow } from "./device_row_codec.ts";
import type { Runner } from "./sqlite_runner.ts";

/** Migration 6 (issue 26): the table of the devices of each batch run. */
export const DEVICE_ROW_TABLES = `CREATE TABLE device_rows (
     run TEXT NOT NULL, seq INTEGER NOT NULL, email TEXT NOT NULL, rating TEXT NOT NULL,
     platform TEXT NOT NULL, sources TEXT NOT NULL, practices TEXT NOT NULL,
     overdue_at INTEGER NOT NULL, serial TEXT, hostname TEXT, macs TEXT NOT NULL,
     body TEXT NOT NULL, PRIMARY KEY (run, seq));
   CREATE INDEX device_rows_by_overdue ON device_rows (run, overdue_at, email, seq);
   CREATE INDEX device_rows_by_email ON device_rows (email, run);
   CREATE INDEX device_rows_by_serial ON device_rows (serial, run);
   CREATE INDEX device_rows_by_hostname ON device_rows (hostname, run);`;

/** The WHERE clause and its arguments of a query's filters (`rowMatches` in SQL). */
function where(q: Omit<DeviceRowQuery, "offset" | "limit">): [string, SQLInputValue[]] {
  const parts = ["run = ?"];
  const args: SQLInputValue[] = [q.run];
  if (q.rating !== undefined) parts.push("rating = ?"), args.push(q.rating);
  if (q.platform !== undefined) parts.push("platform = ?"), args.push(q.platform);
  if (q.source !== undefined) {
    parts.push("EXISTS (SELECT 1 FROM json_each(r.sources) WHERE value = ?)");
    args.push(q.source);
  }
  if (q.practice !== undefined) {
    const shares = q.status === undefined
      ? "value <> 'na'"
      : q.status === "failing"
      ? "value IN ('critical', 'suggested')"
      : "value = ?";
    parts.push(`EXISTS (SELECT 1 FROM json_each(r.practices) WHERE key = ? AND ${shares})`);
    args.push(q.practice);
    if (q.status !== undefined && q.status !== "failing") args.push(q.status);
  }
  return [parts.join(" AND "), args];
}

/**
 * The device-row methods of the SQLite store.
 *
 * @param db the open, migrated database
 * @param run the store's runner
 * @returns the {@link DeviceRowStore} methods
 */
export function sqliteDeviceRows(db: DatabaseSync, run: Runner): DeviceRowStore {
  const put = db.prepare(`INSERT OR REPLACE INTO device_rows (run, seq, email, rating, platform,
    sources, practices, overdue_at, serial, hostname, macs, body)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const find = db.prepare(`SELECT body FROM device_rows r WHERE run = ? AND (email = ?
    OR serial = ? OR hostname = ? OR EXISTS (SELECT 1 FROM json_each(r.macs) WHERE value = ?))
    ORDER BY email, seq LIMIT ?`);
  return {
    putDeviceRows(rows: readonly DeviceRow[]): Promise<void> {
      return run("save the devices of a batch run", () => {
        for (const r of rows) {
          put.run(
            r.run,
            r.seq,
            r.email,
            r.rating,
            r.platform,
            JSON.stringify(r.sources),
            JSON.stringify(r.practices),
            r.overdueAt,
            r.serial ?? null,
            r.hostname ?? null,
            JSON.stringify(r.macs),
            encodeDeviceRow(r),
          );
        }
      }, true);
    },

    deviceRows(q: DeviceRowQuery): Promise<{ rows: DeviceRow[]; total: number }> {
      const [clause, args] = where(q);
      const order = q.sort === "owner" ? "email, seq" : "overdue_at, email, seq";
      return run("read the devices of a batch run", () => {
        const total = Number(
          db.prepare(`SELECT COUNT(*) AS n FROM device_rows r WHERE ${clause}`).get(...args)?.n ??
            0,
        );
        const rows = db.prepare(
          `SELECT body FROM device_rows r WHERE ${clause} ORDER BY ${order} LIMIT ? OFFSET ?`,
        ).all(...args, q.limit, q.offset).map((r) => decodeDeviceRow(String(r.body)));
        return { rows, total };
      });
    },

    findDeviceRows(runId: string, term: string, limit: number): Promise<DeviceRow[]> {
      const k = searchKeys(term);
      return run(
        "find devices of a batch run",
        () =>
          find.all(runId, k.email, k.serial, k.host, k.mac, limit).map((r) =>
            decodeDeviceRow(String(r.body))
          ),
      );
    },

    pruneDeviceRows(keep: readonly string[]): Promise<number> {
      return run("forget the devices of old batch runs", () => {
        const marks = keep.map(() => "?").join(", ");
        const sql = keep.length === 0
          ? "DELETE FROM device_rows"
          : `DELETE FROM device_rows WHERE run NOT IN (${marks})`;
        return Number(db.prepare(sql).run(...keep).changes);
      });
    },
  };
}
