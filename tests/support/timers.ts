/**
 * Timers that fire only when a test says so, for code that takes a timer port: a test runs each
 * scheduled callback itself, in order, and waits for it to finish, so what happens between two
 * runs depends on the test's steps, never on how fast the machine is.
 *
 * @module
 */

/** A timer port (`set`/`clear`) whose callbacks wait until the test calls `fire()`. */
export interface ManualTimers {
  set(run: () => unknown, ms: number): unknown;
  clear(handle: unknown): void;
  /** The delays (ms) of the callbacks scheduled and not yet fired or cleared, oldest first. */
  pending(): number[];
  /**
   * Runs the oldest scheduled callback and waits for it (and for the promise it returns).
   *
   * @throws {Error} when nothing is scheduled
   */
  fire(): Promise<void>;
}

/** Creates a {@link ManualTimers}. */
export function manualTimers(): ManualTimers {
  const scheduled = new Map<number, { run: () => unknown; ms: number }>();
  let last = 0;
  return {
    set(run, ms) {
      scheduled.set(++last, { run, ms });
      return last;
    },
    clear(handle) {
      scheduled.delete(handle as number);
    },
    pending: () => [...scheduled.values()].map((t) => t.ms),
    async fire() {
      const next = scheduled.entries().next();
      if (next.done) throw new Error("no timer is scheduled");
      const [handle, { run }] = next.value;
      scheduled.delete(handle);
      await run();
    },
  };
}
