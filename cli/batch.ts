/**
 * `batch [EMAILS_FILE|-] [--concurrency N] [--timeout S] [--collect-only] [--shard I/N]
 * [--log-file F] [--skip-nudges]`: every person of the list through the same engine as the web page (staged
 * lookup → transforms → practices → merge, spec §10), at most N people at a time and N calls per
 * source, then the batch sinks, the status history ("failing since") and the run's summary in the
 * store. Progress on stderr; the summary on stdout; exit 1 when a source (or sink) failed for
 * everyone, or a sink lost documents (named in the summary). Its flags are read in `batch_options.ts`, its sinks fed by `engine/batch/batch_sinks.ts`,
 * its output written by `batch_format.ts`.
 *
 * Statuses are recorded in the store's history in the background (many people per write), so
 * "failing since" on the pages counts from the first sighting by a page view or a batch; the
 * batch itself reports the true statuses (a `warn` inside a `GRACE_DAYS` grace period is shown to
 * the employee as a nudge, but counts as critical on the dashboard).
 *
 * With a nudge channel configured, the run ends with the nudges of its people, as `main.ts nudges`
 * would send them (`NUDGES.ENABLED`), or as a dry run saved for the Dashboard (not enabled: it
 * never changes the exit status); `--skip-nudges` (or `--collect-only`) leaves them out.
 *
 * People come from a file (one address per line) or standard input (`-`): a list given is
 * exactly the run's people (a pilot group, a department). Without one — or with `--all-owners` —
 * the people are also the owners found by the listing sources (intune, jamf_pro, file…) and the
 * people of Google's user directory when its scope is granted. Listing sources are read once per
 * run either way, page by page, before anyone is looked up, and answer every person's lookups
 * from memory (see `engine/batch/batch_listing.ts`). `--per-person` turns listings off (every source
 * asked once per person, as before), e.g. to compare both paths.
 *
 * @module
 */
import { createLogger, type Logger } from "../config/log.ts";
import {
  batchNeedsPeople,
  type EmailList,
  parseEmailList,
  startBatchRun,
} from "../engine/batch/batch_run.ts";
import type { BatchRunSummary, Store } from "../engine/core/store_ports.ts";
import { assemble } from "../plugins/assemble.ts";
import { REGISTRY, type RegistryEntry } from "../plugins/registry.ts";
import { type BatchOptions, parseBatchOptions, withBatchTimeout } from "./batch_options.ts";
import { formatProgress, formatSummary, teeLogger } from "./batch_format.ts";
import type { CommandContext } from "./command.ts";
import { planAndDeliver } from "./nudges.ts";
import { createSpillFile } from "../lib/spill_file.ts";

/** What tests (and the bench) may replace. */
export interface BatchDeps {
  registry?: Readonly<Record<string, RegistryEntry>>;
  store?: Store;
  now?: () => Date;
  /** Standard input as text (for `-`). */
  readStdin?: () => Promise<string>;
  /** Whether stderr is a terminal (progress bar) or not (plain lines). */
  isTerminal?: boolean;
  /** How often progress is shown, in ms (default 250 on a terminal, 10 000 otherwise). */
  progressMs?: number;
  /** Writes progress without a newline (default: stderr). */
  writeProgress?: (text: string) => void;
}

const USAGE_HINT = "give a file of email addresses, one per line, or - to read standard input";

async function readStdin(): Promise<string> {
  return await new Response(Deno.stdin.readable).text();
}

/** Runs a batch; returns the exit code. */
export function batch(ctx: CommandContext): Promise<number> {
  return runBatchCommand(ctx);
}

/**
 * Runs a batch with replaceable parts (tests).
 *
 * @returns 0 when done, 1 when a source or sink failed for everyone or a sink lost documents,
 *   2 for a usage error
 */
export async function runBatchCommand(ctx: CommandContext, deps: BatchDeps = {}): Promise<number> {
  const options = parseBatchOptions(ctx);
  if (typeof options === "string") {
    ctx.printErr(`batch: ${options}`);
    return 2;
  }
  let list: EmailList = { emails: [], invalid: [], duplicates: 0 };
  if (options.input !== undefined) {
    let text: string;
    try {
      text = options.input === "-"
        ? await (deps.readStdin ?? readStdin)()
        : await Deno.readTextFile(options.input);
    } catch (error: unknown) {
      ctx.printErr(`batch: cannot read "${options.input}": ${(error as Error).message}`);
      return 2;
    }
    list = parseEmailList(text);
    for (const bad of list.invalid) ctx.printErr(`batch: skipped "${bad}": not an email address`);
  }

  let logFile: Deno.FsFile | undefined;
  let log: Logger = ctx.log.child({ command: "batch" });
  if (options.logFile !== undefined) {
    logFile = await Deno.open(options.logFile, { append: true, create: true });
    const encoder = new TextEncoder();
    const file = logFile;
    log = teeLogger(
      log,
      createLogger({
        level: "debug",
        sink: (_, line) => void file.writeSync(encoder.encode(line + "\n")),
        fields: { command: "batch" },
      }),
    );
  }
  const registry = deps.registry ?? REGISTRY;
  const config = options.timeout === undefined
    ? ctx.config
    : withBatchTimeout(ctx.config, options.timeout, registry);
  const now = deps.now ?? (() => new Date());
  const services = await assemble(config, {
    log,
    now,
    registry,
    ...(deps.store ? { store: deps.store } : {}),
  });
  try {
    const needs = options.input === undefined
      ? batchNeedsPeople(services.engine.parts, services.plugins.map((p) => p.instance), options)
      : null;
    if (needs !== null) {
      ctx.printErr(`batch: an emails file is required: ${USAGE_HINT} (${needs})`);
      return 2;
    }
    return await run({ ctx, deps, options, log, services, now, list });
  } finally {
    await services.close();
    logFile?.close();
  }
}

async function run(a: {
  ctx: CommandContext;
  deps: BatchDeps;
  options: BatchOptions;
  list: EmailList;
  log: Logger;
  services: Awaited<ReturnType<typeof assemble>>;
  now: () => Date;
}): Promise<number> {
  const { ctx, deps, options, log, services, now } = a;
  const terminal = deps.isTerminal ?? Deno.stderr.isTerminal();
  const write = deps.writeProgress ??
    ((t: string) => void Deno.stderr.writeSync(new TextEncoder().encode(t)));
  const batch = startBatchRun({
    engine: services.engine,
    plugins: services.plugins.map((p) => p.instance),
    sinks: options.collectOnly ? [] : services.batchSinks,
    store: services.store,
    log,
    now,
    // the listings' records wait on disk (an unlinked temporary file), not in memory
    shelf: () => createSpillFile(),
  }, {
    given: options.input === undefined ? undefined : a.list.emails,
    allOwners: options.allOwners,
    perPerson: options.perPerson,
    shard: options.shard,
    concurrency: options.concurrency,
    onPage: (line) => write(line + "\n"),
    budget: {
      maxPages: ctx.config.BUDGETS.LISTING_MAX_PAGES,
      maxRecords: ctx.config.BUDGETS.LISTING_MAX_RECORDS,
    },
  });
  const show = () => {
    if (!batch.progress().started) return; // the listings' pages have their own lines
    const line = formatProgress(batch.progress(), terminal);
    write(terminal ? `\r${line}\x1b[K` : line + "\n");
  };
  const timer = setInterval(show, deps.progressMs ?? (terminal ? 250 : 10_000));
  let report;
  try {
    report = await batch.finished;
  } finally {
    clearInterval(timer);
  }
  show();
  if (terminal) write("\n");
  ctx.print(formatSummary(report.stats, {
    seconds: report.seconds,
    sinks: report.sinks,
    failedForEveryone: report.failedForEveryone,
    invalid: a.list.invalid.length,
    duplicates: a.list.duplicates,
    shard: options.shard,
    collectOnly: options.collectOnly,
    listings: report.listings,
    gaps: report.gaps,
  }));
  const nudged = await nudgesAfter(a, report);
  return report.exitCode === 1 ? 1 : nudged;
}

/**
 * The nudges after a run (issue 27), unless `--collect-only` or `--skip-nudges`: with
 * `NUDGES.ENABLED`, the run's people are planned, queued and delivered exactly as `main.ts nudges`
 * does (`planAndDeliver`); without it, the same plan is a dry run, so the security team sees who
 * would get what before turning nudges on. Either way the counts, the first listed messages and
 * the follow-up (items nudged in the week before, how many fixed) are saved on the run for the
 * Dashboard. Returns its exit status: 1 when a person's view or a channel failed in a real run; 0
 * for a dry run (a rehearsal never fails the batch) and when nudges do not run.
 */
async function nudgesAfter(
  a: {
    ctx: CommandContext;
    options: BatchOptions;
    services: Awaited<ReturnType<typeof assemble>>;
    now: () => Date;
  },
  report: { people: readonly string[]; run: BatchRunSummary },
): Promise<0 | 1> {
  const { ctx, options, services } = a;
  if (options.collectOnly || options.skipNudges) return 0;
  const dryRun = !ctx.config.NUDGES.ENABLED;
  if (services.nudgeChannels.size === 0) {
    if (!dryRun) {
      ctx.printErr("batch: NUDGES.ENABLED but no nudge channel is configured; no nudges sent");
    }
    return 0;
  }
  ctx.print(dryRun ? "nudges (dry run: NUDGES.ENABLED is false):\n" : "nudges:\n");
  const { code, summary } = await planAndDeliver(ctx, services, report.people, {
    dryRun,
    now: a.now(),
    batch: true,
  });
  const run: BatchRunSummary = {
    ...report.run,
    nudges: {
      dryRun,
      queued: summary.queued,
      alreadyQueued: summary.alreadyQueued,
      held: summary.held,
      failed: summary.failed.length,
      listed: summary.listed,
      followUp: summary.followUp,
    },
  };
  try {
    await services.store.batchRuns.saveBatchRun(run);
  } catch (error: unknown) {
    ctx.log.error("cannot save the run's nudges", { error: String(error) });
  }
  return dryRun ? 0 : code;
}
