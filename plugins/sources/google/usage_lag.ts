/**
 * Finding the latest day the Google Reports API has a usage report for. Reports lag by one to
 * several days; asked for a day too recent, the API answers HTTP 400 "Data for dates later than
 * D is not yet available" (the 30 November 2026 case file, RW-07). This module walks back from
 * yesterday to that day, bounded, and remembers the answer for the rest of the day.
 *
 * @module
 */
import { UpstreamError } from "../../../engine/core/ports.ts";

const DAY_MS = 86_400_000;
const LATER_THAN_RE = /later than (\d{4}-\d{2}-\d{2})/i;

/** How the finder is set up. */
export interface LatestDayOptions {
  now: () => Date;
  /** How many days back it looks at most (default 7). */
  maxLagDays?: number;
}

/** What one day's request is given, and how a "not yet available" refusal is recognised. */
export interface DayRequest<T> {
  /** Asks for one day (`YYYY-MM-DD`); throws the upstream error unchanged. */
  fetchDay(date: string): Promise<T>;
  /** The refusal text when `error` says the day is not available yet; `null` for any other error. */
  notYetAvailable(error: unknown): string | null;
}

/**
 * Creates a finder shared by every lookup of one plugin instance.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const latest = createLatestDayFinder({ now: () => new Date("2026-12-07T09:00:00Z") });
 * const notYet = new Error("Data for dates later than 2026-12-05 is not yet available");
 * const { value, date } = await latest({
 *   fetchDay: (day) => day > "2026-12-05" ? Promise.reject(notYet) : Promise.resolve({ day }),
 *   notYetAvailable: (error) => error === notYet ? notYet.message : null,
 * });
 * assert.deepEqual([value, date], [{ day: "2026-12-05" }, "2026-12-05"]);
 * ```
 */
export function createLatestDayFinder(
  options: LatestDayOptions,
): <T>(request: DayRequest<T>) => Promise<{ value: T; date: string }> {
  const maxLagDays = options.maxLagDays ?? 7;
  let remembered: { from: string; day: string } | null = null;
  return async function latestDay<T>(request: DayRequest<T>) {
    const today = options.now().getTime();
    const from = isoDay(today - DAY_MS);
    const oldest = isoDay(today - maxLagDays * DAY_MS);
    let date = remembered?.from === from ? remembered.day : from;
    for (;;) {
      let refusal: string | null;
      try {
        const value = await request.fetchDay(date);
        remembered = { from, day: date };
        return { value, date };
      } catch (error: unknown) {
        refusal = request.notYetAvailable(error);
        if (refusal === null) throw error;
      }
      const named = LATER_THAN_RE.exec(refusal)?.[1];
      date = named !== undefined && named < date ? named : isoDay(Date.parse(date) - DAY_MS);
      if (date < oldest) {
        throw new UpstreamError(
          `Google usage report: no report is available yet for any of the last ${maxLagDays} ` +
            `days (${oldest} to ${from})`,
          400,
        );
      }
    }
  };
}

/** `YYYY-MM-DD` (UTC) of a time in ms. */
function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** A usage report answered 200 but said the day's data is not there yet (a warning, no reports). */
export class ReportNotReadyError extends Error {
  override name = "ReportNotReadyError";
}

const NOT_READY_CODES = new Set(["DATA_NOT_AVAILABLE", "PARTIAL_DATA_AVAILABLE"]);

/**
 * The warning text of a usage-report answer that holds no report because the day's data is not
 * available yet (`warnings[].code` `DATA_NOT_AVAILABLE` or `PARTIAL_DATA_AVAILABLE`, Reports API
 * `UsageReports` resource; seen in googleworkspace/apps-script-samples#104); `null` when the
 * answer has reports or no such warning.
 */
export function notReadyWarning(answer: unknown): string | null {
  if (typeof answer !== "object" || answer === null) return null;
  const { usageReports, warnings } = answer as { usageReports?: unknown; warnings?: unknown };
  if (Array.isArray(usageReports) && usageReports.length > 0) return null;
  if (!Array.isArray(warnings)) return null;
  for (const w of warnings) {
    const { code, message } = (w ?? {}) as { code?: unknown; message?: unknown };
    if (typeof code === "string" && NOT_READY_CODES.has(code)) {
      return typeof message === "string" && message !== "" ? message : code;
    }
  }
  return null;
}
