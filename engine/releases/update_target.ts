/**
 * One update item names one target (issue 27): of the releases the up-to-date verdicts say would
 * clear a device's status (the required version, the newest security release of its major, the
 * oldest release still serviced, the latest Android patch), the one to install now and the day it
 * is or was due by, and the words the title and the first sentence of `details` say it in. Pure:
 * the clock is an argument.
 *
 * @module
 */
import { formatDay } from "./releases.ts";
import { compareOsVersions } from "./versions.ts";
import type { PracticeTarget, Status } from "../core/types.ts";

/** A release one clause of a verdict asks for, at that clause's status. */
export interface TargetCandidate {
  /** The status of the clause that asks for it (`warn` or `nudge`). */
  status: Extract<Status, "nudge" | "warn">;
  /** As a person reads it: "macOS 15.7.7", "Windows 11 24H2 (Enterprise and Education)". */
  name: string;
  /** The version to compare candidates with (the OS's grammar); absent for "the latest patch". */
  version?: string;
  /** The day it is or was due by, when a clause gives one. */
  by?: Date;
}

/**
 * The one target of a verdict: among the candidates at the verdict's status, the highest version
 * (a release-data name wins a tie with a configured version), else a candidate with no version;
 * due by the earliest day any of them gives.
 *
 * @param status the verdict's status; only `warn` and `nudge` have a target
 * @param candidates every clause's candidate, configured versions first
 * @param os the OS name the versions are read with (`compareOsVersions`)
 * @returns the target, or `undefined` when no clause at `status` names one
 * @example macOS 15.6: the required 15.7 and the overdue security release 15.7.7
 * ```ts
 * import assert from "node:assert/strict";
 * const target = chooseTarget("warn", [
 *   { status: "warn", name: "macOS 15.7", version: "15.7" },
 *   { status: "nudge", name: "macOS 26.6", version: "26.6" },
 *   { status: "warn", name: "macOS 15.7.7", version: "15.7.7", by: new Date("2026-06-01") },
 * ], "macOS");
 * assert.deepEqual(target, { name: "macOS 15.7.7", by: new Date("2026-06-01") });
 * ```
 */
export function chooseTarget(
  status: Status,
  candidates: readonly TargetCandidate[],
  os: string,
): PracticeTarget | undefined {
  const here = candidates.filter((c) => c.status === status);
  let best: TargetCandidate | undefined;
  for (const c of here) {
    if (best === undefined) best = c;
    else if (c.version !== undefined) {
      const order = best.version === undefined ? 1 : compareOsVersions(c.version, best.version, os);
      if (order !== null && order >= 0) best = c;
    }
  }
  if (best === undefined) return undefined;
  let by: Date | undefined;
  for (const c of here) if (c.by && (!by || c.by.getTime() < by.getTime())) by = c.by;
  return by === undefined ? { name: best.name } : { name: best.name, by };
}

/** The deadline in words: ` by 1 June`, `; it was due by 1 June` (past), or nothing. */
function due(target: PracticeTarget, now: Date, overdue: (day: string) => string): string {
  const by = target.by;
  if (by === undefined) return "";
  const day = formatDay(by, now);
  return by.getTime() <= now.getTime() ? overdue(day) : ` by ${day}`;
}

/**
 * The title of an update item with a target: "Install macOS 15.7.7 by 14 December",
 * "Install macOS 15.7.7 (it was due by 1 June)", "Install macOS 26.6".
 *
 * @param target the target ({@link chooseTarget})
 * @param now the clock the deadline is read with (a past deadline says "was")
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(
 *   targetTitle({ name: "macOS 15.7.7", by: new Date("2026-06-01") }, new Date("2026-11-30")),
 *   "Install macOS 15.7.7 (it was due by 1 June)",
 * );
 * ```
 */
export function targetTitle(target: PracticeTarget, now: Date): string {
  return `Install ${target.name}${due(target, now, (day) => ` (it was due by ${day})`)}`;
}

/**
 * The first sentence of an update item's `details`: the same target and deadline as its title,
 * "Install macOS 15.7.7; it was due by 1 June."
 *
 * @param target the target ({@link chooseTarget})
 * @param now the clock the deadline is read with
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(
 *   targetSentence({ name: "Windows 11 24H2" }, new Date("2026-11-30")),
 *   "Install Windows 11 24H2.",
 * );
 * ```
 */
export function targetSentence(target: PracticeTarget, now: Date): string {
  return `Install ${target.name}${due(target, now, (day) => `; it was due by ${day}`)}.`;
}
