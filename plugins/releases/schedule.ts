/**
 * The release data's refresh schedule: refresh at once, then `REFRESH_HOURS` after each refresh
 * ends, until stopped; timers are injectable so tests drive the schedule. Changes when the
 * schedule changes.
 *
 * @module
 */
import type { Logger } from "../../config/log.ts";

/** The timer functions the refresh schedule uses. */
export interface Timers {
  /** Runs `fn` after `ms`; `fn` returns the refresh's promise (tests may await it). */
  set(fn: () => Promise<void>, ms: number): unknown;
  clear(id: unknown): void;
}

/** The timers of the running process. */
export const SYSTEM_TIMERS: Timers = {
  set: (fn, ms) => setTimeout(() => void fn(), ms),
  clear: (id) => clearTimeout(id as ReturnType<typeof setTimeout>),
};

/** How {@link refreshEvery} schedules. */
export interface ScheduleOptions {
  /** Time from the end of one refresh to the start of the next, in ms. */
  everyMs: number;
  timers: Timers;
  /** Where a failed refresh is logged (`release data refresh failed`). */
  log: Logger;
  /** Once aborted, no further refresh is scheduled. */
  stopping: AbortSignal;
  /** Told each timer id as it is set, so the owner can clear the current one. */
  scheduled: (id: unknown) => void;
}

/**
 * Runs `refresh` at once (a 0 ms timer) and again `everyMs` after each run ends, failed or not.
 *
 * @param refresh one refresh; a rejection is logged, never thrown
 * @param options interval, timers, logger, stop signal and the timer-id callback
 * @returns the first timer's id
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { silentLogger } from "../../config/log.ts";
 * const due: { tick: () => Promise<void>; ms: number }[] = [];
 * const set = (tick: () => Promise<void>, ms: number) => due.push({ tick, ms });
 * const stop = new AbortController();
 * let refreshes = 0;
 * refreshEvery(async () => void refreshes++, {
 *   everyMs: 3_600_000, timers: { set, clear() {} }, log: silentLogger, stopping: stop.signal,
 *   scheduled: () => {},
 * });
 * await due[0]!.tick(); // the first refresh, at once
 * stop.abort();
 * await due[1]!.tick(); // an hour later; once stopped nothing more is scheduled
 * assert.deepEqual([refreshes, due.map((d) => d.ms)], [2, [0, 3_600_000]]);
 * ```
 */
export function refreshEvery(refresh: () => Promise<unknown>, options: ScheduleOptions): unknown {
  const { timers, log, stopping } = options;
  const tick = (): Promise<void> =>
    refresh().then(
      () => undefined,
      (error: unknown) => log.error("release data refresh failed", { error: String(error) }),
    ).finally(() => {
      if (!stopping.aborted) options.scheduled(timers.set(tick, options.everyMs));
    });
  return timers.set(tick, 0);
}
