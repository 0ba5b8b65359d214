/**
 * Single flight: one run of a shared piece of work at a time (a token request, a version
 * question), whoever asks. Changes only if how shared work is started and forgotten changes.
 *
 * @module
 */

/** How a {@link singleFlight} keeps what it got. */
export interface SingleFlightOptions {
  /**
   * Keep a successful result for every later call (a fact that does not change, e.g. a server's
   * version). Default `false`: once a run settles the next call starts a new one (a token that
   * the caller caches and renews itself).
   */
  keepResult?: boolean;
}

/** A shared run of one piece of work; see {@link singleFlight}. */
export interface SingleFlight<T> {
  /** The running (or kept) run's promise, starting one when there is none. */
  run(): Promise<T>;
  /** Forgets a kept result, so the next call starts a new run. */
  forget(): void;
}

/**
 * Shares one run of `work` among every caller that asks while it runs. The work is given no
 * caller's signal on purpose: it serves them all, so one caller giving up must not cancel it for
 * the others. Each caller waits with its own signal (`abortable` or `untilAborted` in
 * `./abort.ts`). A failed run is forgotten once it has failed every caller that shared it, so the
 * next call tries again.
 *
 * @param work starts the shared work; called again only when no run is kept or running
 * @param options whether a successful result is kept
 * @returns the shared run
 * @example One token request for three concurrent callers
 * ```ts
 * import assert from "node:assert/strict";
 * import { singleFlight } from "./single_flight.ts";
 * let requests = 0;
 * const token = singleFlight(() => Promise.resolve(`token ${++requests}`));
 * const tokens = await Promise.all([token.run(), token.run(), token.run()]);
 * assert.deepEqual(tokens, ["token 1", "token 1", "token 1"]);
 * assert.equal(await token.run(), "token 2"); // the first flight has landed
 * ```
 */
export function singleFlight<T>(
  work: () => Promise<T>,
  options: SingleFlightOptions = {},
): SingleFlight<T> {
  let current: Promise<T> | null = null;
  return {
    run() {
      if (current !== null) return current;
      const started = work();
      current = started;
      started.then(
        () => {
          if (!options.keepResult && current === started) current = null;
        },
        () => {
          if (current === started) current = null;
        },
      );
      return started;
    },
    forget() {
      current = null;
    },
  };
}
