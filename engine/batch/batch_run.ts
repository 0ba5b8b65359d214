/**
 * The company-wide batch as one use case (spec §10, issues 6, 7, 16, 23): its people (the given
 * list, the people directories, the listings' owners, one shard of them) → each person's view
 * through the engine the pages use (`devicesForBatch`: `personView()` with the statuses as
 * evaluated) → the batch sinks as each person's result arrives → the totals, the run summary in
 * the store and the exit status. Progress can be read at any time. The `batch` command only
 * reads its options and its people file, keeps the log file and prints.
 *
 * @module
 */
import { runBatch } from "./batch.ts";
import { listingAndPeople } from "./batch_listing.ts";
import type { TextShelf } from "./listing.ts";
import { selectShard, type Shard } from "./batch_people.ts";
import { createSinkFanOut } from "./batch_sinks.ts";
import { createDeviceRowWriter } from "./device_rows.ts";
import {
  addOutcome,
  type BatchStats,
  createStats,
  failedForEveryone,
  toRunSummary,
} from "./batch_stats.ts";
import type { Engine } from "../engine.ts";
import { limitSources } from "./limiter.ts";
import type { Logger } from "../core/log.ts";
import {
  type BatchSink,
  isListingSource,
  isPeopleSource,
  type PeopleSource,
} from "../core/ports.ts";
import type { BatchRunSummary, Store } from "../core/store_ports.ts";
import { createObservationWriter } from "./status_writer.ts";
import type { PersonSnapshot } from "../view/snapshots.ts";
import { createBatchedWriter } from "../../lib/batched_writer.ts";
import { addGaps, type SourceGap, type TalliedPlugin, tallyGaps } from "../view/gaps.ts";

/**
 * People's snapshots per store call (one transaction in SQLite, which blocks the run's one
 * thread: 500 took 30–80 ms at 100,000 people, delaying every other person's timers).
 */
const SNAPSHOTS_PER_WRITE = 100;

export { type EmailList, parseEmailList, parseShard, type Shard } from "./batch_people.ts";
export type { BatchStats } from "./batch_stats.ts";

/** Where a run stands. */
export interface BatchProgress {
  /** People are being looked up (the listings and directories have been read). */
  started: boolean;
  done: number;
  total: number;
  devices: number;
  /** People for whom at least one source failed. */
  errors: number;
  elapsedMs: number;
  /** Documents of the buffering sinks (batch_es) so far, when the run has such a sink. */
  documents?: { written: number; retried: number; lost: number };
}

/** What a run is made of: the app's engine and plugins, the store, the log and the clock. */
export interface BatchRunParts {
  /** The engine the pages use; the run uses it over its listings, behind per-source limits. */
  engine: Engine;
  /** Every configured plugin instance (people directories are found among them). */
  plugins: readonly object[];
  /** The batch sinks (none with `--collect-only`). */
  sinks: readonly BatchSink[];
  store: Pick<Store, "statuses" | "batchRuns" | "snapshots" | "deviceRows">;
  log: Logger;
  now: () => Date;
  /** Clock for elapsed times, in ms (default `performance.now`). */
  clock?: () => number;
  /**
   * A new shelf for one listing's records: the `batch` command hands a spill file (a temporary
   * file), so memory does not grow with the inventories; default in memory.
   */
  shelf?: () => TextShelf;
}

/** Options of one run. */
export interface BatchRunOptions {
  /**
   * The people file's addresses, or `undefined` when none was given. A list given is exactly the
   * run's people, unless `allOwners`; without one, the people are every owner the listings and
   * the people directories name.
   */
  given: readonly string[] | undefined;
  /** `--all-owners`: the listings' and directories' owners join a given list. */
  allOwners?: boolean;
  /** No listings: every source is asked per person. */
  perPerson: boolean;
  shard: Shard;
  /** People at once, and calls at once per source (≥ 1). */
  concurrency: number;
  /** Told one line per listing or directory page (`intune: page 3, 3000 devices`). */
  onPage?: (line: string) => void;
  /** Stops taking new people when aborted. */
  signal?: AbortSignal;
  /** The listings' ceilings (`BUDGETS.LISTING_MAX_PAGES`, `LISTING_MAX_RECORDS`). */
  budget?: { maxPages: number; maxRecords: number };
}

/** What a finished run reports. */
export interface BatchReport {
  stats: BatchStats;
  /** The summary saved in the store for the dashboard. */
  run: BatchRunSummary;
  /** One line per directory and listing source. */
  listings: string[];
  /** One line (or more) per sink. */
  sinks: string[];
  /** Sources that failed for every person. */
  failedForEveryone: string[];
  /**
   * What the sources could not deliver this run, per source, kind and reason: each plugin's
   * skipped-record tally (distinct records), then the gaps of people's lookups no tally counts.
   */
  gaps: SourceGap[];
  /** The run's people, folded, in the order they were looked up (the nudges after the run). */
  people: string[];
  /** 1 when a source or a sink failed for everyone, or a sink lost a document; else 0. */
  exitCode: 0 | 1;
  seconds: number;
}

/** A running batch. */
export interface BatchRun {
  /** Where it stands now. */
  progress(): BatchProgress;
  /** The report, once every person went through and the sinks finished. */
  finished: Promise<BatchReport>;
}

/**
 * Why a run cannot start without a people file, or `null` when it can: a file is needed unless a
 * people directory is configured or a device source can list its inventory (not `--per-person`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(
 *   batchNeedsPeople({ deviceSources: [] }, [], { perPerson: false }),
 *   "no configured source lists its inventory",
 * );
 * ```
 */
export function batchNeedsPeople(
  parts: Pick<Engine["parts"], "deviceSources">,
  plugins: readonly object[],
  options: { perPerson: boolean },
): string | null {
  const canList = parts.deviceSources.some(isListingSource);
  if (plugins.some(isPeopleSource)) return null;
  if (canList && !options.perPerson) return null;
  return `no configured source lists its inventory${
    options.perPerson && canList ? " with --per-person" : ""
  }`;
}

/**
 * What a run could not deliver: each plugin's skipped-record tally (distinct records, however
 * many people's lookups met them), then the gaps of people's lookups that no tally counts
 * (records cut short or read in part, skips a source reported only per lookup).
 */
function runGaps(plugins: readonly TalliedPlugin[], people: readonly SourceGap[]): SourceGap[] {
  const tallied = tallyGaps(plugins);
  const counted = (g: SourceGap) =>
    g.kind === "skipped" && tallied.some((t) => t.source === g.source && t.reason === g.reason);
  return addGaps(tallied, people.filter((g) => !counted(g)));
}

/** How many runs keep their device rows (the Dashboard's trend shows as many). */
const KEEP_DEVICE_ROWS_RUNS = 12;

/**
 * Starts a run: reads the listings and directories, takes the shard, then looks every person up
 * (at most `concurrency` at once, and at once per source), hands each result to the sinks as it
 * arrives, records the statuses in the background, and saves the run's summary. Never rejects
 * for a person, a source or a sink: they are counted and named in the report.
 *
 * @param parts the engine, plugins, sinks, store, log and clock
 * @param options the people, listings, shard and concurrency
 * @returns the running batch: its progress now, and its report when finished
 */
export function startBatchRun(parts: BatchRunParts, options: BatchRunOptions): BatchRun {
  const clock = parts.clock ?? (() => performance.now());
  const { log, now } = parts;
  const started = clock(); // the run's time includes reading the listings
  const startedAt = now();
  const runId = crypto.randomUUID();
  const stats = createStats();
  const sinks = createSinkFanOut(parts.sinks, log);
  const tallied = parts.sinks.some((s) => s.tally);
  let total = 0;
  let failedPeople = 0;
  const personGaps: SourceGap[] = [];

  let peopleKnown = false;
  const progress = (): BatchProgress => ({
    started: peopleKnown,
    done: stats.people,
    total,
    devices: stats.devices,
    errors: failedPeople,
    elapsedMs: clock() - started,
    ...(tallied ? { documents: sinks.tally() } : {}),
  });

  const finished = (async (): Promise<BatchReport> => {
    const directories = parts.plugins.filter(isPeopleSource) as PeopleSource[];
    const listed = await listingAndPeople(parts.engine.parts, {
      perPerson: options.perPerson,
      directories,
      given: options.given ?? [],
      owners: options.given === undefined || options.allOwners === true,
      write: (line) => options.onPage?.(line),
      log,
      ...(options.budget ? { budget: options.budget } : {}),
      ...(parts.shelf ? { shelf: parts.shelf } : {}),
    });
    const emails = await selectShard(listed.people, options.shard);
    total = emails.length;
    peopleKnown = true;
    // the pages' engine over the listings, each source behind the run's limit
    const engine = parts.engine.withParts(limitSources(listed.parts, options.concurrency));
    const history = createObservationWriter(parts.store.statuses, {
      onError: (error) => log.warn("cannot record practice statuses", { error: String(error) }),
    });
    const store = parts.store;
    const snapshots = createBatchedWriter(
      (batch: PersonSnapshot[]) =>
        store.snapshots.putSnapshots
          ? store.snapshots.putSnapshots(batch)
          : Promise.all(batch.map((s) => store.snapshots.putSnapshot(s))),
      {
        batchSize: SNAPSHOTS_PER_WRITE,
        onError: (error) => log.warn("cannot save snapshots", { error: String(error) }),
      },
    );
    const putSnapshot = (s: PersonSnapshot) => snapshots.add([s]);
    // the devices behind the Dashboard's numbers (issue 26), from the same results it counts
    const rows = createDeviceRowWriter(parts.store, {
      run: runId,
      onError: (error) =>
        log.error("cannot save the devices of the batch run", { error: String(error) }),
    });
    try {
      await runBatch(emails, {
        concurrency: options.concurrency,
        collect: (email) => engine.devicesForBatch(email, { history, putSnapshot }),
        onOutcome: async (outcome) => {
          addOutcome(stats, outcome);
          // every writer below waits while its store or sink is behind: the run slows, memory not
          await rows.add(outcome);
          if (outcome.errors.length > 0) failedPeople++;
          if (outcome.gaps) addGaps(personGaps, outcome.gaps);
          for (const e of outcome.errors) {
            log.debug("source failed", {
              email: outcome.email,
              source: e.source,
              kind: e.kind,
              error: e.message,
            });
          }
          await sinks.post({ email: outcome.email, devices: outcome.devices });
        },
        clock,
        ...(options.signal ? { signal: options.signal } : {}),
      });
    } finally {
      listed.close();
      await Promise.all([history.flush(), snapshots.flush(), rows.flush()]);
    }
    // buffered documents are sent before the report, so the last progress counts them
    const fannedOut = await sinks.finish(stats.people);
    const run = toRunSummary(stats, { id: runId, startedAt, finishedAt: now() });
    try {
      await parts.store.batchRuns.saveBatchRun(run);
      // device rows are kept for the runs the Dashboard's trend shows
      const kept = await parts.store.batchRuns.batchRuns(KEEP_DEVICE_ROWS_RUNS);
      await parts.store.deviceRows.pruneDeviceRows(kept.map((r) => r.id));
    } catch (error: unknown) {
      log.error("cannot save the batch run", { error: String(error) });
    }
    const everyone = failedForEveryone(stats);
    log.info("batch finished", { people: stats.people, devices: stats.devices, run: run.id });
    return {
      stats,
      run,
      listings: listed.lines,
      sinks: fannedOut.lines,
      failedForEveryone: everyone,
      gaps: runGaps(parts.plugins as TalliedPlugin[], personGaps),
      people: emails,
      exitCode: everyone.length > 0 || fannedOut.failedForEveryone || fannedOut.lost > 0 ? 1 : 0,
      seconds: (clock() - started) / 1000,
    };
  })();
  return { progress, finished };
}
