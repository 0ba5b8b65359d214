/**
 * Dates and times in words, for pages. Pure functions of their inputs (the clock is passed in).
 *
 * @module
 */
import { formatDay, formatMonth } from "../engine/releases/releases.ts";
import type { Html } from "./html.ts";

/**
 * Each unit of {@link timeAgo} with its length and `relative`'s words by count ("3 hours ago"): a
 * device card and the age line ask for them on every page view, and ICU's formatting was 3 % of
 * rendering a Devices page (issue 24). A pure function of unit and count, so the memo can never
 * show anything but what `relative` says; keyed by the count (a number, no key string made per
 * call); bounded all the same.
 */
const UNITS: { unit: Intl.RelativeTimeFormatUnit; ms: number; words: Map<number, string> }[] = [
  { unit: "year", ms: 365 * 86_400_000, words: new Map() },
  { unit: "month", ms: 30 * 86_400_000, words: new Map() },
  { unit: "week", ms: 7 * 86_400_000, words: new Map() },
  { unit: "day", ms: 86_400_000, words: new Map() },
  { unit: "hour", ms: 3_600_000, words: new Map() },
  { unit: "minute", ms: 60_000, words: new Map() },
];

const relative = new Intl.RelativeTimeFormat("en", { numeric: "auto" });
/** How many counts of one unit {@link UNITS} keeps. */
const RELATIVE_WORDS_MAX = 512;
const full = new Intl.DateTimeFormat("en-GB", {
  weekday: "long",
  day: "numeric",
  month: "long",
  year: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  timeZone: "UTC",
  timeZoneName: "short",
});

/**
 * "3 hours ago", "yesterday", "just now".
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const now = new Date("2026-01-01T13:00Z");
 * assert.equal(timeAgo(new Date("2026-01-01T10:00Z"), now), "3 hours ago");
 * ```
 */
export function timeAgo(then: Date, now: Date): string {
  const diff = then.getTime() - now.getTime();
  const size = Math.abs(diff);
  for (const u of UNITS) {
    if (size < u.ms) continue;
    const n = Math.round(diff / u.ms);
    let words = u.words.get(n);
    if (words === undefined) {
      words = relative.format(n, u.unit);
      if (u.words.size < RELATIVE_WORDS_MAX) u.words.set(n, words);
    }
    return words;
  }
  return "just now";
}

const pad2 = (n: number): string => (n < 10 ? "0" : "") + n;

/**
 * The time as an HTML `datetime`: exactly `Date.prototype.toISOString()`
 * (`2026-11-26T09:00:00.000Z`), with nothing in it to escape. Written from the UTC fields for the
 * years 0–9999 because `toISOString` cost ~470 ns a call against ~130 here (issue 24: every device
 * card and every page's age line write one); other years (`+010000-…`) are `toISOString`'s.
 *
 * @param date a valid date
 * @returns the ISO 8601 UTC time, to the millisecond
 * @throws {RangeError} for an invalid date, as `toISOString` does
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(isoTime(new Date("2026-11-26T09:05:03.007Z")), "2026-11-26T09:05:03.007Z");
 * ```
 */
export function isoTime(date: Date): Html {
  const year = date.getUTCFullYear();
  if (!(year >= 0 && year <= 9999)) return date.toISOString() as Html;
  const ms = date.getUTCMilliseconds();
  return `${year < 1000 ? String(year).padStart(4, "0") : year}-${pad2(date.getUTCMonth() + 1)}-${
    pad2(date.getUTCDate())
  }T${pad2(date.getUTCHours())}:${pad2(date.getUTCMinutes())}:${pad2(date.getUTCSeconds())}.${
    ms < 10 ? "00" : ms < 100 ? "0" : ""
  }${ms}Z` as Html;
}

/** "12 March" (UTC). */
export function dayAndMonth(date: Date): string {
  return formatDay(date, date);
}

/**
 * "12 March", with the year when it is not `now`'s year ("1 December 2027"), so that a date a
 * year ahead never reads as today (UTC).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const now = new Date("2026-12-01T09:00Z");
 * assert.equal(dayOf(new Date("2027-12-01T09:00Z"), now), "1 December 2027");
 * assert.equal(dayOf(new Date("2026-12-21T00:00Z"), now), "21 December");
 * ```
 */
export function dayOf(date: Date, now: Date): string {
  return formatDay(date, now);
}

/**
 * A calendar day (`YYYY-MM-DD`, already in the organisation's time zone) as `dayOf()` says it:
 * "1 March", with the year when it is not `now`'s year.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const now = new Date("2026-12-01T09:00Z");
 * assert.equal(calendarDay("2027-03-01", now), "1 March 2027");
 * assert.equal(calendarDay("2026-12-31", now), "31 December");
 * ```
 */
export function calendarDay(day: string, now: Date): string {
  return dayOf(new Date(`${day}T00:00:00Z`), now);
}

const WEEKDAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const twoDigits = (n: number) => (n < 10 ? `0${n}` : String(n));

/**
 * "Thursday 26 November 2026 at 22:41 UTC", as ICU's en-GB long date says it, without ICU for
 * years 1000–9999 (ICU's formatting of a date was 1 % of a Devices view, issue 24; an unknown
 * device's card says it); ICU itself for others.
 *
 * @throws {RangeError} for an invalid date, as `Intl.DateTimeFormat` does
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(fullDate(new Date("2026-11-26T22:41:09Z")), "Thursday 26 November 2026 at 22:41 UTC");
 * ```
 */
export function fullDate(date: Date): string {
  const year = date.getUTCFullYear();
  if (!(year >= 1000 && year <= 9999)) return fullDateByIcu(date);
  const time = `${twoDigits(date.getUTCHours())}:${twoDigits(date.getUTCMinutes())}`;
  return `${WEEKDAYS[date.getUTCDay()]} ${date.getUTCDate()} ${formatMonth(date)} at ${time} UTC`;
}

/**
 * {@link fullDate}'s words from ICU (`Intl.DateTimeFormat` en-GB, long, UTC): what it says for
 * years outside 1000–9999, and what its own words are tested against.
 *
 * @throws {RangeError} for an invalid date
 */
export function fullDateByIcu(date: Date): string {
  return full.format(date).replace(/, (\d\d:\d\d)/, " at $1").replace(/,/g, "");
}

/** `1 device`, `2 devices`. */
export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

/** The formats of {@link shortTime} in one time zone: made once per zone, not once per call. */
interface ShortFormat {
  time: Intl.DateTimeFormat;
  day: Intl.DateTimeFormat;
  /** "Mon 23 Nov" (ICU's "Mon, 23 Nov" without the comma). */
  weekday: Intl.DateTimeFormat;
  /**
   * The zone's today and yesterday (`day`'s words) for the last clock reading asked: a list of
   * sign-ins asks with one reading, so they are worked out once per list rather than per item.
   */
  days?: { now: number; today: string; yesterday: string };
}

const shortFormats = new Map<string, ShortFormat>();

function shortFormat(timeZone: string): ShortFormat {
  let f = shortFormats.get(timeZone);
  if (f === undefined) {
    f = {
      time: new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit", timeZone }),
      day: new Intl.DateTimeFormat("en-CA", {
        year: "numeric",
        month: "2-digit",
        day: "2-digit",
        timeZone,
      }),
      weekday: new Intl.DateTimeFormat("en-GB", {
        weekday: "short",
        day: "numeric",
        month: "short",
        timeZone,
      }),
    };
    shortFormats.set(timeZone, f);
  }
  return f;
}

/**
 * A short time in a time zone: "today 16:57", "yesterday 09:05", else "Mon 23 Nov 14:05".
 *
 * @param date the instant
 * @param options `now` (the clock) and `timeZone` (an IANA name; the days are that zone's days)
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const options = { now: new Date("2026-11-30T18:00Z"), timeZone: "Europe/Berlin" };
 * assert.equal(shortTime(new Date("2026-11-30T15:57Z"), options), "today 16:57");
 * ```
 */
export function shortTime(date: Date, options: { now: Date; timeZone: string }): string {
  const f = shortFormat(options.timeZone);
  const time = f.time.format(date);
  const day = f.day.format(date);
  const now = options.now.getTime();
  if (f.days?.now !== now) {
    const yesterday = f.day.format(new Date(now - 86_400_000));
    f.days = { now, today: f.day.format(options.now), yesterday };
  }
  if (day === f.days.today) return `today ${time}`;
  if (day === f.days.yesterday) return `yesterday ${time}`;
  return `${f.weekday.format(date).replace(",", "")} ${time}`;
}
