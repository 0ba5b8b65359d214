/**
 * What is said about the release data in use: each feed's origin and age, the least fresh of
 * them, and the same in words for `connectivity`, `check-config` and logs. Changes when that
 * report changes; the data itself is `mod.ts`.
 *
 * @module
 */
import {
  daysBetween,
  formatDay,
  type ReleaseOrigin,
  type ReleaseSnapshot,
} from "../../engine/releases/releases.ts";
import type { FeedName } from "./codec.ts";
import { SHIPPED } from "./shipped.ts";

/** One feed's state. */
export interface FeedState {
  name: FeedName;
  origin: ReleaseOrigin;
  /** When the data in use was fetched (shipped: when the file was checked). */
  asOf: Date;
  /** The last refresh error, in plain words, until a refresh succeeds. */
  error?: string;
  /**
   * Set when the last refresh got a copy older than the one in use (a mirror that stopped
   * syncing): a warning with both dates, not a failure; the newer copy is kept.
   */
  behind?: string;
}

/** What the dashboard, `check-config` and `connectivity` say about the release data. */
export interface ReleaseStatus {
  /** The least fresh origin in use (`shipped` if any feed is the shipped copy). */
  origin: ReleaseOrigin;
  /** The oldest feed's date. */
  asOf: Date;
  /** Whole days since `asOf`. */
  ageDays: number;
  /** Older than `WARN_AFTER_DAYS`. */
  stale: boolean;
  feeds: FeedState[];
}

/**
 * The status of the release data: the least fresh origin in use and the oldest feed's date (the
 * shipped file's check date when nothing is loaded), its age in whole days, and whether that is
 * more than `warnAfterDays`.
 *
 * @param feeds every feed's state (extra fields such as the feed's value are left out)
 * @param snapshot the data in use, `null` when nothing is loaded
 * @param now the clock's time
 * @param warnAfterDays `RELEASE_DATA.WARN_AFTER_DAYS`
 * @returns the status
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const s = releaseStatus([], null, new Date("2026-11-30"), 7);
 * assert.equal(s.origin, "shipped");
 * ```
 */
export function releaseStatus(
  feeds: readonly FeedState[],
  snapshot: ReleaseSnapshot | null,
  now: Date,
  warnAfterDays: number,
): ReleaseStatus {
  const asOf = snapshot?.asOf ?? SHIPPED.checked;
  const ageDays = daysBetween(asOf, now);
  return {
    origin: snapshot?.origin ?? "shipped",
    asOf,
    ageDays,
    stale: ageDays > warnAfterDays,
    feeds: feeds.map((f) => {
      const { name, origin, asOf, error, behind } = f;
      return {
        name,
        origin,
        asOf,
        ...(error === undefined ? {} : { error }),
        ...(behind === undefined ? {} : { behind }),
      };
    }),
  };
}

const ORIGIN_WORDS: Record<ReleaseOrigin, string> = {
  feed: "the feeds",
  store: "the store's last copy",
  shipped: "the shipped file",
};

/**
 * The release data's origin and age in words, for `connectivity`, `check-config` and logs.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const status = {
 *   origin: "shipped" as const, asOf: new Date("2026-05-11"), ageDays: 203, stale: true,
 *   feeds: [],
 * };
 * assert.equal(
 *   describeReleaseStatus(status, new Date("2026-11-30"), 7),
 *   "release data from the shipped file, current to 11 May (203 days old; older than 7 days)",
 * );
 * ```
 */
export function describeReleaseStatus(
  status: ReleaseStatus,
  now: Date,
  warnAfterDays: number,
): string {
  const age = `${status.ageDays} ${status.ageDays === 1 ? "day" : "days"} old`;
  const stale = status.stale ? `; older than ${warnAfterDays} days` : "";
  return `release data from ${ORIGIN_WORDS[status.origin]}, current to ${
    formatDay(status.asOf, now)
  } (${age}${stale})`;
}
