/**
 * "This wasn't me" reports in the SQLite store (`signin_reports`, migration 7 of
 * `sqlite_migrations.ts`): one row per person and sign-in (the id is derived from both), kept
 * when handled — who handled it, when and with what note are added to the row.
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import type { SigninReport, SigninReportStore } from "../../engine/core/signin_reports.ts";
import { decodeReport, encodeReport } from "./security_codec.ts";
import type { Runner } from "./sqlite_runner.ts";

/** The table of reports (a migration). */
export const REPORT_TABLE = `CREATE TABLE signin_reports (
     id TEXT PRIMARY KEY, email TEXT NOT NULL, reported_at INTEGER NOT NULL,
     handled_at INTEGER, body TEXT NOT NULL);
   CREATE INDEX signin_reports_open ON signin_reports (reported_at) WHERE handled_at IS NULL;
   CREATE INDEX signin_reports_handled ON signin_reports (handled_at)
     WHERE handled_at IS NOT NULL;`;

/**
 * The report methods of the SQLite store.
 *
 * @param db the open, migrated database
 * @param run the store's runner
 * @returns the {@link SigninReportStore} methods
 */
export function sqliteSigninReports(db: DatabaseSync, run: Runner): SigninReportStore {
  const q = {
    insert: db.prepare(`INSERT INTO signin_reports (id, email, reported_at, handled_at, body)
      VALUES (?, ?, ?, NULL, ?) ON CONFLICT (id) DO NOTHING`),
    get: db.prepare("SELECT body FROM signin_reports WHERE id = ?"),
    handle: db.prepare(`UPDATE signin_reports SET handled_at = ?, body = ?
      WHERE id = ? AND handled_at IS NULL`),
    open: db.prepare(`SELECT body FROM signin_reports WHERE handled_at IS NULL
      ORDER BY reported_at DESC, id DESC LIMIT ? OFFSET ?`),
    handled: db.prepare(`SELECT body FROM signin_reports WHERE handled_at IS NOT NULL
      ORDER BY handled_at DESC, id DESC LIMIT ? OFFSET ?`),
    countOpen: db.prepare("SELECT count(*) AS n FROM signin_reports WHERE handled_at IS NULL"),
    countHandled: db.prepare(
      "SELECT count(*) AS n FROM signin_reports WHERE handled_at IS NOT NULL",
    ),
  };
  return {
    reportSignIn(r: SigninReport): Promise<boolean> {
      return run("save a sign-in report", () => {
        const changes =
          q.insert.run(r.id, r.email, r.reportedAt.getTime(), encodeReport(r)).changes;
        return Number(changes) === 1;
      });
    },

    handleSignInReport(id, handling) {
      return run("handle a sign-in report", () => {
        const row = q.get.get(id);
        if (row === undefined) return null;
        const found = decodeReport(String(row.body));
        if (found.handled) return null;
        const handled: SigninReport = { ...found, handled: handling };
        const changes = q.handle.run(handling.at.getTime(), encodeReport(handled), id).changes;
        return Number(changes) === 1 ? handled : null;
      }, true);
    },

    signInReports(options) {
      const open = options.state === "open";
      const list = open ? q.open : q.handled;
      const count = open ? q.countOpen : q.countHandled;
      // one read transaction: the page and its total agree
      return run("read sign-in reports", () => ({
        reports: options.limit === 0
          ? []
          : list.all(options.limit, options.offset).map((r) => decodeReport(String(r.body))),
        total: Number(count.get()!.n),
      }), "read");
    },
  };
}
