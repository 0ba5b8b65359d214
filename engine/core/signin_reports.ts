/**
 * "This wasn't me" reports (issue 26): when a person answers that a sign-in was not theirs, the
 * security team's queue gets who, when, and which sign-in (as the person was shown it: source,
 * time, address, place, VPN label), open until someone handles it. Besides the feedback sinks,
 * which still get the answer through the outbox.
 *
 * @module
 */
import { sha256Hex } from "../../lib/sha256.ts";
import type { AccessEvent } from "./types.ts";

/** Who handled a report, when, and what they noted. */
export interface ReportHandling {
  by: string;
  at: Date;
  /** What was done (may be empty). */
  note: string;
}

/** One report in the queue. */
export interface SigninReport {
  /** Stable per person and sign-in: reporting the same sign-in twice keeps the first report. */
  id: string;
  /** Who reported it (folded email). */
  email: string;
  reportedAt: Date;
  /** The sign-in's answer key (`eventAnswerKey()`: `event:<source>:<id or time>`). */
  signInKey: string;
  /** The sign-in as the person was shown it. */
  signIn: AccessEvent;
  /** Absent while the report is open. */
  handled?: ReportHandling;
}

/** One page of a report list, and how many reports the whole list holds. */
export interface ReportPage {
  reports: SigninReport[];
  total: number;
}

/** Which reports a list shows. */
export type ReportState = "open" | "handled";

/** Where reports live: both stores implement it (SQLite `signin_reports`, ES `*-signin_reports`). */
export interface SigninReportStore {
  /**
   * Adds a report. `false` when the person had already reported this sign-in (the first report
   * is kept as it was, handled or not).
   */
  reportSignIn(report: SigninReport): Promise<boolean>;
  /**
   * Marks a report handled.
   *
   * @returns the report as handled; `null` when there is no such id or it was handled already
   */
  handleSignInReport(id: string, handling: ReportHandling): Promise<SigninReport | null>;
  /**
   * One page of the reports in one state, newest first — open ones by when they were reported,
   * handled ones by when they were handled (equal times in an order of the store's own, the same
   * on every page) — and how many reports are in that state. Every report of the state is on some page: a store that cannot answer the
   * page its total promises throws.
   *
   * @param options `offset` reports skipped; `limit` at most this many (0: only the total)
   * @returns the page (empty past the end) and the exact total
   */
  signInReports(
    options: { state: ReportState; offset: number; limit: number },
  ): Promise<ReportPage>;
}

/**
 * The report's id: 32 hex digits from the person and the sign-in's key, so the same sign-in
 * reported twice (two tabs, a retried form) is one report in every store.
 *
 * @param email the reporter (folded)
 * @param signInKey the sign-in's answer key
 * @returns 32 lower-case hex digits
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const id = await reportId("fry@example.com", "event:duo:a1");
 * assert.equal(id.length, 32);
 * assert.equal(id, await reportId("fry@example.com", "event:duo:a1"));
 * ```
 */
export async function reportId(email: string, signInKey: string): Promise<string> {
  return (await sha256Hex(`${email}\u0000${signInKey}`)).slice(0, 32);
}
