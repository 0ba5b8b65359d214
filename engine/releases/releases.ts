/**
 * Release data: which OS releases exist, which still get security updates and until when. The
 * engine reads it through the {@link ReleaseDataSource} port; `plugins/releases/` fills it from
 * the SOFA feeds (Apple) and the endoflife.date API (every platform), with a store copy and a
 * shipped file as fallbacks. Everything here is plain data: dates are `Date`, versions strings.
 *
 * @module
 */

/** One Apple security release (a SOFA `SecurityReleases` entry). */
export interface SecurityRelease {
  /** `ProductVersion`, e.g. `15.7.2`. */
  version: string;
  /** `ReleaseDate`. */
  released: Date;
  /** `ActivelyExploitedCVEs`: the CVE ids Apple says were exploited; empty when none. */
  exploited: string[];
}

/** One major Apple OS version (a SOFA `OSVersions` entry), e.g. macOS 15. */
export interface AppleMajor {
  /** The major number, from `OSVersion` (`"Sequoia 15"` → 15, `"26"` → 26). */
  major: number;
  /** `Latest.ProductVersion`. */
  latest: string;
  /** `Latest.ReleaseDate`. */
  latestReleased: Date;
  /** Its security releases, newest first. */
  securityReleases: SecurityRelease[];
}

/** One release cycle of the endoflife.date API (`/api/{product}.json`). */
export interface LifecycleCycle {
  /** `cycle`, e.g. `15` (macOS), `16` (Android), `11-24h2-e` (Windows). */
  cycle: string;
  /** `releaseLabel` when given (`11 24H2 (E)`), else the cycle. */
  label: string;
  /** `releaseDate`. */
  released: Date | null;
  /** `eol`: the date security updates end, `true` (ended, date unknown) or `false` (no end yet). */
  eol: Date | boolean;
  /** `latest`: the newest version of the cycle (for Windows, the build `10.0.26100`). */
  latest: string | null;
  /** `latestReleaseDate`. */
  latestReleased: Date | null;
  /** `extendedSupport` (paid extended updates such as Windows ESU): a date, or true/false. */
  extendedSupport?: Date | boolean;
}

/** Apple OS feeds the data has. */
export type AppleOs = "macOS" | "iOS";

/** Everything the verdicts use. */
export interface ReleaseData {
  /** SOFA, per Apple OS: its major versions, newest first. */
  apple: Partial<Record<AppleOs, AppleMajor[]>>;
  /** endoflife.date, per product name (`macos`, `ios`, `ipados`, `android`, `windows`). */
  lifecycles: Partial<Record<string, LifecycleCycle[]>>;
}

/** Where the data in use came from. */
export type ReleaseOrigin = "feed" | "store" | "shipped";

/** The release data in use and how old it is. */
export interface ReleaseSnapshot {
  data: ReleaseData;
  origin: ReleaseOrigin;
  /** When the data was fetched from the feeds (for the shipped file: the date it was checked). */
  asOf: Date;
}

/** The port: the release data to judge with right now, or `null` when there is none. */
export interface ReleaseDataSource {
  /** Synchronous: practices are evaluated synchronously; the plugin refreshes in the background. */
  snapshot(): ReleaseSnapshot | null;
}

const DAY_MS = 86_400_000;
const MONTHS = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
] as const;

/** Whole days from `from` to `to` (negative when `to` is earlier), by UTC calendar date. */
export function daysBetween(from: Date, to: Date): number {
  const a = Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate());
  const b = Date.UTC(to.getUTCFullYear(), to.getUTCMonth(), to.getUTCDate());
  return Math.round((b - a) / DAY_MS);
}

/** `at` plus `days` whole days. */
export function addDays(at: Date, days: number): Date {
  return new Date(at.getTime() + days * DAY_MS);
}

/**
 * A date in words, UTC: `14 December`, with the year when it differs from `now`'s.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(formatDay(new Date("2026-12-14"), new Date("2026-11-30")), "14 December");
 * assert.equal(formatDay(new Date("2027-01-04"), new Date("2026-11-30")), "4 January 2027");
 * ```
 */
export function formatDay(at: Date, now: Date): string {
  const day = `${at.getUTCDate()} ${MONTHS[at.getUTCMonth()]}`;
  return at.getUTCFullYear() === now.getUTCFullYear() ? day : `${day} ${at.getUTCFullYear()}`;
}

/** `March 2026`. */
export function formatMonth(at: Date): string {
  return `${MONTHS[at.getUTCMonth()]} ${at.getUTCFullYear()}`;
}

/** Whole calendar months from `from` to `to` (a month counts once its day is reached). */
export function monthsBetween(from: Date, to: Date): number {
  let months = (to.getUTCFullYear() - from.getUTCFullYear()) * 12 + to.getUTCMonth() -
    from.getUTCMonth();
  if (to.getUTCDate() < from.getUTCDate()) months--;
  return months;
}

/** The leading number of a version or cycle (`15.7.2` → 15, `Sequoia 15` → 15), else NaN. */
export function majorOf(version: string): number {
  const m = /(\d+)/.exec(version);
  return m ? Number(m[1]) : NaN;
}

/** The newest security release of a major, or undefined. */
export function newestSecurityRelease(major: AppleMajor): SecurityRelease | undefined {
  let best: SecurityRelease | undefined;
  for (const r of major.securityReleases) {
    if (!best || r.released.getTime() > best.released.getTime()) best = r;
  }
  return best;
}

/** Whether a cycle's security updates have ended at `now`. */
export function hasEnded(cycle: Pick<LifecycleCycle, "eol">, now: Date): boolean {
  return cycle.eol === true || (cycle.eol instanceof Date && cycle.eol.getTime() <= now.getTime());
}
