/**
 * A "this wasn't me" report of a Duo sign-in, for tests that need many: the sign-in is a Duo
 * authentication log entry as Duo's Admin API documents it (`/admin/v2/logs/authentication`:
 * `txid`, `access_device.ip`, `access_device.location`), as the duo plugin normalises it.
 *
 * @module
 */
import type { SigninReport } from "../../engine/core/signin_reports.ts";

/**
 * Report number `i`: its id is `i` in 32 hex digits, its reporter `p<i>@example.com`, reported
 * when the sign-in happened.
 *
 * @param i the report's number (0 or more)
 * @param at when the sign-in happened and was reported
 * @returns the report, open
 */
export function duoReport(i: number, at: Date): SigninReport {
  return {
    id: i.toString(16).padStart(32, "0"),
    email: `p${i}@example.com`,
    reportedAt: at,
    signInKey: `event:duo:txid-${i}`,
    signIn: {
      source: "duo",
      id: `txid-${i}`,
      type: "authentication",
      success: true,
      reason: "user_approved",
      ip_address: "198.51.100.23",
      place: "Lisbon, Portugal",
      timestamp: at,
      username: `p${i}`,
    },
  };
}
