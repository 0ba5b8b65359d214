/**
 * The company-wide batch (spec §10, issue 6/7), its run loop: every person through the engine
 * with at most `concurrency` people at a time, each person's outcome handed on as it arrives. No
 * I/O except through the functions it is handed. The people of a run come from
 * `batch_people.ts`, per-source limits from `limiter.ts`, the totals from `batch_stats.ts` and
 * the sinks' documents from `batch_sinks.ts`.
 *
 * @module
 */
import type { Collected, MergedDevice, SourceError } from "../core/types.ts";
import { errorMessage } from "../../lib/error_message.ts";
import type { SourceGap } from "../view/gaps.ts";

/** What one person's run produced. */
export interface PersonOutcome {
  email: string;
  devices: MergedDevice[];
  errors: SourceError[];
  /** What the sources that answered could not deliver for this person (`engine/view/gaps.ts`). */
  gaps?: SourceGap[];
  /** Wall time of the lookup, in ms. */
  ms: number;
}

/** Options of {@link runBatch}. */
export interface RunOptions {
  /** People looked up at once (≥ 1). */
  concurrency: number;
  /** One person's devices (the engine's `devicesForBatch`); should not throw. */
  collect: (email: string) => Promise<Collected<MergedDevice>>;
  /** Called once per person, awaited before that worker takes the next person. */
  onOutcome?: (outcome: PersonOutcome) => void | Promise<void>;
  /** Stops taking new people when aborted. */
  signal?: AbortSignal;
  /** Clock for `ms` (default `performance.now`). */
  clock?: () => number;
}

/**
 * Runs every person through `collect`, at most `concurrency` at a time, taking people from
 * `emails` only as workers free up (a list, or an async iterable read as the run goes, so a run
 * of any size holds only the people in flight). A `collect` that throws becomes that person's
 * `engine` error, never the run's.
 *
 * @returns the number of people processed
 * @example Three people, two at a time
 * ```ts
 * import assert from "node:assert/strict";
 * const seen: string[] = [];
 * const done = await runBatch(["a@example.com", "b@example.com", "c@example.com"], {
 *   concurrency: 2,
 *   collect: () => Promise.resolve({ items: [], errors: [] }),
 *   onOutcome: (o) => void seen.push(o.email),
 * });
 * assert.equal(done, 3);
 * assert.deepEqual(seen.sort(), ["a@example.com", "b@example.com", "c@example.com"]);
 * ```
 */
export async function runBatch(
  emails: Iterable<string> | AsyncIterable<string>,
  options: RunOptions,
): Promise<number> {
  const clock = options.clock ?? (() => performance.now());
  const people = Symbol.asyncIterator in emails
    ? emails[Symbol.asyncIterator]()
    : emails[Symbol.iterator]();
  let ended = false;
  let done = 0;
  async function worker(): Promise<void> {
    while (!ended && !options.signal?.aborted) {
      const next = await people.next();
      if (next.done) {
        ended = true;
        return;
      }
      const email = next.value;
      const started = clock();
      let result: Collected<MergedDevice>;
      try {
        result = await options.collect(email);
      } catch (error: unknown) {
        const message = errorMessage(error);
        result = {
          items: [],
          errors: [{ source: "engine", operation: "devicesForBatch", kind: "error", message }],
        };
      }
      done++;
      await options.onOutcome?.({
        email,
        devices: result.items,
        errors: result.errors,
        ...(result.gaps && result.gaps.length > 0 ? { gaps: result.gaps } : {}),
        ms: clock() - started,
      });
    }
  }
  const known = Array.isArray(emails) ? emails.length : Infinity;
  const n = Math.max(1, Math.min(options.concurrency, known));
  await Promise.all(Array.from({ length: n }, worker));
  return done;
}
