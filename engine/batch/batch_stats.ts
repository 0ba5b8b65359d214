/**
 * What a batch run counts (spec §10): the running totals of people, devices, ratings, platforms,
 * sources and errors, and the run summary the store keeps for the dashboard. Changes when the
 * dashboard or the command's summary wants another figure.
 *
 * @module
 */
import type { PersonOutcome } from "./batch.ts";
import type { BatchRunSummary } from "../core/store_ports.ts";
import { actionGroups, deviceRating } from "../view/rating.ts";
import type { MergedDevice } from "../core/types.ts";
import type { Headline } from "../core/severity.ts";

/**
 * The key a device counts under in a run's ratings (`BatchRunSummary.ratings`, by platform, by
 * source): its {@link Headline}.
 *
 * @param d a merged device, practices evaluated
 * @returns for a device rated `ok`: `exempt` when an exemption waives one of its practices,
 *   else `partial` when some practice cannot be checked, else `ok`; otherwise its rating
 *   (`deviceRating`)
 * @example A Mac whose screen lock cannot be read is not counted OK
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(
 *   ratingKey({ practices: { encryption: { status: "ok" }, screenlock: { status: "unknown" } } }),
 *   "partial",
 * );
 * ```
 */
export function ratingKey(d: Pick<MergedDevice, "practices">): Headline {
  const rating = deviceRating(d);
  if (rating !== "ok") return rating;
  const g = actionGroups(d);
  return g.exempt.length > 0 ? "exempt" : g.cannotCheck.length > 0 ? "partial" : "ok";
}

/**
 * Running totals of a batch: the run summary the store keeps (its `errors` are source → people for
 * whom it failed at least once), plus what only the command's own summary prints.
 */
export interface BatchStats extends Omit<BatchRunSummary, "id" | "startedAt" | "finishedAt"> {
  /** People with at least one device. */
  peopleWithDevices: number;
  /** Source → people for whom it timed out at least once. */
  timeouts: Record<string, number>;
}

/** Empty totals. */
export function createStats(): BatchStats {
  return {
    people: 0,
    peopleWithDevices: 0,
    devices: 0,
    practices: {},
    ratings: {},
    byPlatform: {},
    bySource: {},
    errors: {},
    timeouts: {},
  };
}

function bump(map: Record<string, number>, key: string, by = 1): void {
  map[key] = (map[key] ?? 0) + by;
}

/** Adds one person's outcome to the totals. */
export function addOutcome(
  stats: BatchStats,
  outcome: Pick<PersonOutcome, "devices" | "errors">,
): void {
  stats.people++;
  if (outcome.devices.length > 0) stats.peopleWithDevices++;
  for (const d of outcome.devices) {
    stats.devices++;
    const rating = ratingKey(d);
    bump(stats.ratings, rating);
    bump(stats.byPlatform[d.platform ?? d.os ?? "unknown"] ??= {}, rating);
    for (const s of new Set(d.sources)) bump(stats.bySource[s] ??= {}, rating);
    for (const [key, p] of Object.entries(d.practices)) {
      const counts = stats.practices[key] ??= {};
      const status = p.exempt ? "exempt" : p.status ?? "unknown";
      counts[status] = (counts[status] ?? 0) + 1;
    }
  }
  for (const s of new Set(outcome.errors.map((e) => e.source))) bump(stats.errors, s);
  const timedOut = outcome.errors.filter((e) => e.kind === "timeout").map((e) => e.source);
  for (const s of new Set(timedOut)) bump(stats.timeouts, s);
}

/** Sources that failed for every person of a non-empty run (the run's exit status says so). */
export function failedForEveryone(stats: Pick<BatchStats, "people" | "errors">): string[] {
  if (stats.people === 0) return [];
  return Object.entries(stats.errors).filter(([, n]) => n >= stats.people).map(([s]) => s).sort();
}

/** The aggregate the store keeps for the dashboard. */
export function toRunSummary(
  stats: BatchStats,
  run: { id: string; startedAt: Date; finishedAt: Date },
): BatchRunSummary {
  return {
    ...run,
    people: stats.people,
    devices: stats.devices,
    practices: structuredClone(stats.practices),
    ratings: { ...stats.ratings },
    byPlatform: structuredClone(stats.byPlatform),
    bySource: structuredClone(stats.bySource),
    errors: { ...stats.errors },
  };
}
