/**
 * How urgent a merged device is, as the UI shows it (spec §12.2), and the order devices are shown in.
 *
 * @module
 */
import { type Rating, URGENCY } from "../core/severity.ts";
import type { MergedDevice, PracticeData } from "../core/types.ts";

/** A device's practices split by what the person should do, hidden ones left out. */
export interface ActionGroups {
  critical: [string, PracticeData][];
  suggested: [string, PracticeData][];
  done: [string, PracticeData][];
  /** Practices no source could judge on this device (`unknown`), shown as "can't check". */
  cannotCheck: [string, PracticeData][];
  /**
   * Practices an exemption waives now (`PracticeData.exempt`), whatever their status: on no
   * to-do list, in no badge and no rating.
   */
  exempt: [string, PracticeData][];
}

/**
 * Splits a device's practices into critical (warn), suggested (nudge), done (ok), can't-check
 * (unknown) and exempt (`exempt` set); practices with `display: false` or `na` are left out.
 */
export function actionGroups(device: Pick<MergedDevice, "practices">): ActionGroups {
  const groups: ActionGroups = {
    critical: [],
    suggested: [],
    done: [],
    cannotCheck: [],
    exempt: [],
  };
  for (const entry of Object.entries(device.practices)) {
    const p = entry[1];
    if (p.display === false) continue;
    if (p.exempt !== undefined) groups.exempt.push(entry);
    else if (p.status === "warn") groups.critical.push(entry);
    else if (p.status === "nudge") groups.suggested.push(entry);
    else if (p.status === "ok") groups.done.push(entry);
    else if (p.status === "unknown") groups.cannotCheck.push(entry);
  }
  return groups;
}

/**
 * The device's rating: `critical` if any shown practice is critical (`warn`), else `suggested`
 * (any `nudge`), else `ok` (any `ok` or exempt practice), else `unknown` (nothing known).
 */
export function deviceRating(device: Pick<MergedDevice, "practices">): Rating {
  // one pass without building the groups: pages and sorting ask this several times per device
  let suggested = false;
  let ok = false;
  for (const key in device.practices) {
    const p = device.practices[key]!;
    if (p.display === false) continue;
    if (p.exempt !== undefined) ok = true;
    else if (p.status === "warn") return "critical";
    else if (p.status === "nudge") suggested = true;
    else if (p.status === "ok") ok = true;
  }
  return suggested ? "suggested" : ok ? "ok" : "unknown";
}

/**
 * The rating of a device whose practices are already split ({@link actionGroups}): the same
 * answer as {@link deviceRating}, without a second pass.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const d = { practices: { firewall: { status: "nudge" as const } } };
 * assert.equal(ratingOfGroups(actionGroups(d)), deviceRating(d));
 * ```
 */
export function ratingOfGroups(g: ActionGroups): Rating {
  if (g.critical.length > 0) return "critical";
  if (g.suggested.length > 0) return "suggested";
  if (g.done.length > 0 || g.exempt.length > 0) return "ok";
  return "unknown";
}

/**
 * Orders devices most urgent first and, within a rating, most recently seen first (decision 15).
 * Returns a new array.
 */
export function sortDevices<T extends Pick<MergedDevice, "practices" | "last_sync">>(
  list: T[],
): T[] {
  if (list.length < 2) return list.slice(); // one device or none: no rating to work out
  return list
    .map((d) => ({ d, rank: URGENCY[deviceRating(d)], seen: d.last_sync?.getTime() ?? 0 }))
    .sort((a, b) => b.rank - a.rank || b.seen - a.seen)
    .map((x) => x.d);
}
