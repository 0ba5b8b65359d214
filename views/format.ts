/**
 * Dates and times in words, for pages. Pure functions of their inputs (the clock is passed in).
 *
 * @module
 */

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["year", 365 * 86_400_000],
  ["month", 30 * 86_400_000],
  ["week", 7 * 86_400_000],
  ["day", 86_400_000],
  ["hour", 3_600_000],
  ["minute", 60_000],
];

const relative = new Intl.RelativeTimeFormat("en", { numeric: "auto" });
const dayMonth = new Intl.DateTimeFormat("en-GB", {
  day: "numeric",
  month: "long",
  timeZone: "UTC",
});
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
 * timeAgo(new Date("2026-01-01T10:00Z"), new Date("2026-01-01T13:00Z")); // "3 hours ago"
 * ```
 */
export function timeAgo(then: Date, now: Date): string {
  const diff = then.getTime() - now.getTime();
  for (const [unit, ms] of UNITS) {
    if (Math.abs(diff) >= ms) return relative.format(Math.round(diff / ms), unit);
  }
  return "just now";
}

/** "12 March" (UTC). */
export function dayAndMonth(date: Date): string {
  return dayMonth.format(date);
}

/** "Thursday 26 November 2026 at 22:41 UTC". */
export function fullDate(date: Date): string {
  return full.format(date).replace(/, (\d\d:\d\d)/, " at $1").replace(/,/g, "");
}

/** `1 device`, `2 devices`. */
export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}
