/**
 * Calendar days in a time zone, written `YYYY-MM-DD`: which day an instant falls on there, when a
 * day begins there, days later, and whether a typed day exists at all. Exemptions (issue 26) end
 * at the end of the day a granter chose, in `UI.timeZone`; these are the only clock arithmetic
 * they need. Daylight saving follows the runtime's time-zone database (through `Intl`).
 *
 * @module
 */

const DAY_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const formats = new Map<string, Intl.DateTimeFormat>();

function format(timeZone: string): Intl.DateTimeFormat {
  let f = formats.get(timeZone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      hourCycle: "h23",
    });
    formats.set(timeZone, f);
  }
  return f;
}

/**
 * The wall-clock time of `at` (ms since the epoch) in `timeZone` (an IANA name), read as if it were
 * UTC: ms, whole seconds; `wallClock(t, z) - t` is the zone's offset at `t` (to the second).
 * Daylight saving follows the runtime's time-zone database (`Intl.DateTimeFormat`). Throws a
 * `RangeError` for a zone the runtime does not know.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const noon = Date.UTC(2027, 6, 1, 12);
 * assert.equal(wallClock(noon, "Europe/Berlin") - noon, 2 * 3_600_000);
 * ```
 */
export function wallClock(at: number, timeZone: string): number {
  const parts = format(timeZone).formatToParts(new Date(at));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return Date.UTC(
    get("year"),
    get("month") - 1,
    get("day"),
    get("hour"),
    get("minute"),
    get("second"),
  );
}

/**
 * The calendar day an instant falls on in a time zone.
 *
 * @param at the instant
 * @param timeZone an IANA name (`UI.timeZone`, e.g. `Europe/Berlin`) or `UTC`
 * @returns `YYYY-MM-DD`
 * @throws {RangeError} when the runtime does not know `timeZone`
 * @example 23:30 UTC on 28 February is already 1 March in Berlin
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(dayIn(new Date("2027-02-28T23:30:00Z"), "Europe/Berlin"), "2027-03-01");
 * assert.equal(dayIn(new Date("2027-02-28T23:30:00Z"), "UTC"), "2027-02-28");
 * ```
 */
export function dayIn(at: Date, timeZone: string): string {
  return new Date(wallClock(at.getTime(), timeZone)).toISOString().slice(0, 10);
}

/**
 * The first instant of a calendar day in a time zone (midnight there; on a day whose midnight
 * daylight saving skips, the first hour that exists).
 *
 * @param day `YYYY-MM-DD`, a day that exists ({@link parseDay})
 * @param timeZone an IANA name or `UTC`
 * @returns the instant
 * @example 1 March begins at 23:00 UTC on 28 February in Berlin, at 08:00 UTC in Los Angeles
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(dayStart("2027-03-01", "Europe/Berlin").toISOString(), "2027-02-28T23:00:00.000Z");
 * assert.equal(dayStart("2027-03-01", "America/Los_Angeles").toISOString(), "2027-03-01T08:00:00.000Z");
 * ```
 */
export function dayStart(day: string, timeZone: string): Date {
  const midnight = Date.parse(`${day}T00:00:00Z`);
  let at = midnight;
  for (let i = 0; i < 2; i++) at = midnight - (wallClock(at, timeZone) - at);
  while (dayIn(new Date(at), timeZone) < day) at += 3_600_000;
  return new Date(at);
}

/**
 * The day `days` calendar days after `day` (before, when negative).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(addDays("2026-12-01", 90), "2027-03-01");
 * ```
 */
export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * A typed day, only when it exists in the calendar: `2027-02-31` is not 3 March, it is no day.
 *
 * @param text what was typed (a form's `<input type=date>` sends `YYYY-MM-DD`)
 * @returns the same `YYYY-MM-DD`, or `null` when it is not one or names no day
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(parseDay("2028-02-29"), "2028-02-29");
 * assert.equal(parseDay("2027-02-31"), null);
 * assert.equal(parseDay("1 March"), null);
 * ```
 */
export function parseDay(text: string): string | null {
  if (!DAY_RE.test(text)) return null;
  const at = Date.parse(`${text}T00:00:00Z`);
  return Number.isNaN(at) || new Date(at).toISOString().slice(0, 10) !== text ? null : text;
}

/**
 * The last day an end-of-day boundary belongs to: an exemption ending at the first instant of
 * 2 March (in its time zone) is in force the whole of 1 March.
 *
 * @param end the first instant no longer included
 * @param timeZone an IANA name or `UTC`
 * @returns `YYYY-MM-DD` of the instant just before `end`
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(lastDayBefore(new Date("2027-03-01T23:00:00Z"), "Europe/Berlin"), "2027-03-01");
 * ```
 */
export function lastDayBefore(end: Date, timeZone: string): string {
  return dayIn(new Date(end.getTime() - 1), timeZone);
}
