/**
 * `nudges [FILE|-] [--dry-run]` (issue 27): for every person of the list, plans the messages the
 * configured nudge channels (`slack`, `email`) would carry now — only new or overdue items, in the
 * person's window, within the weekly cap — from the person's view (the snapshot the last batch
 * wrote, or a fresh lookup). `--dry-run` prints who would get what and sends nothing; without it
 * (and with `NUDGES.ENABLED`) the messages are queued in the store's ledger and delivered at once,
 * each exactly once (retries are left to the server's delivery worker). A person whose sources
 * failed is named on stderr (their message may miss items). Exit 0 when done, 1 when a person's
 * view, a source or a channel failed, 2 for a usage error.
 *
 * @module
 */
import { parseEmailList } from "../engine/batch/batch_people.ts";
import { deliverNudges } from "../engine/nudges/nudge_outbox.ts";
import { type NudgeOutcome, type NudgeRunSummary, runNudges } from "../engine/nudges/nudge_run.ts";
import type { NudgeSettings } from "../engine/nudges/nudges.ts";
import type { Config, NudgesConfig } from "../config/schema.ts";
import { assemble, type Services } from "../plugins/assemble.ts";
import type { CommandContext } from "./command.ts";

/** The settings of the planner from the `NUDGES` section. */
export function nudgeSettings(n: NudgesConfig): NudgeSettings & { staleDays: number } {
  return {
    window: { days: n.DAYS, fromHour: n.FROM_HOUR, toHour: n.TO_HOUR },
    timeZone: n.TIME_ZONE,
    weeklyCap: n.WEEKLY_CAP,
    remindAfterDays: n.REMIND_AFTER_DAYS,
    staleDays: n.STALE_DAYS,
  };
}

/** Where the links of a message point: `PUBLIC_ORIGIN`, else the local demo address. */
export function nudgeOrigin(config: Config): string {
  return config.PUBLIC_ORIGIN ?? "http://127.0.0.1:8000";
}

/** One line per person and channel, as the dry run prints it. */
export function outcomeLine(o: NudgeOutcome): string {
  if (o.error !== undefined) return `${o.email}  ${o.channel}  failed: ${o.error}`;
  if (!o.plan.send) return `${o.email}  ${o.channel}  nothing now (${o.plan.hold})`;
  const items = o.plan.items.map((i) => `${i.title} — ${i.where}`).join("; ");
  const verb = o.queued === undefined ? "would send" : o.queued ? "queued" : "already queued";
  return `${o.email}  ${o.channel}  ${verb}: "${o.message?.subject}" (${items})`;
}

/**
 * Runs the subcommand; returns the exit code.
 *
 * @param ctx the command's configuration, flags (`--dry-run`), the file of people, outputs
 * @param deps `now`: the clock the plans, the practices' deadlines and the store read (tests pin
 *   it; the real clock otherwise)
 */
export async function nudges(
  ctx: CommandContext,
  deps: { now?: () => Date } = {},
): Promise<number> {
  const now = deps.now ?? (() => new Date());
  const dryRun = ctx.values["dry-run"] === true;
  const input = ctx.positionals[1];
  if (input === undefined) {
    ctx.printErr(
      "nudges: give a file of email addresses, one per line, or - to read standard input",
    );
    return 2;
  }
  if (!dryRun && !ctx.config.NUDGES.ENABLED) {
    ctx.printErr(
      "nudges: NUDGES.ENABLED is false; run with --dry-run to see who would get what, then enable it",
    );
    return 2;
  }
  let text: string;
  try {
    text = input === "-"
      ? await new Response(Deno.stdin.readable).text()
      : await Deno.readTextFile(input);
  } catch (error: unknown) {
    ctx.printErr(`nudges: cannot read ${input}: ${(error as Error).message}`);
    return 2;
  }
  const list = parseEmailList(text);
  for (const bad of list.invalid) ctx.printErr(`nudges: not an email address, skipped: ${bad}`);
  const services = await assemble(ctx.config, { log: ctx.log, now });
  try {
    if (services.nudgeChannels.size === 0) {
      ctx.printErr("nudges: no nudge channel is configured; add slack or email to PLUGINS");
      return 2;
    }
    return (await planAndDeliver(ctx, services, list.emails, { dryRun, now: now() })).code;
  } finally {
    await services.close();
  }
}

/**
 * Plans (and unless a dry run, queues and delivers) the nudges of `emails`, printing one line per
 * person and channel, the summary, and what was delivered: the `nudges` command, and the end of a
 * `batch` run (a dry run when `NUDGES.ENABLED` is false). Each person's view is `engine.view()`:
 * the snapshot within the freshness window (after a batch, the one it just wrote), else one
 * lookup.
 *
 * @param ctx the command's configuration, output and log
 * @param services the assembled services (channels, store, engine)
 * @param emails the people, folded
 * @param options dry run, the clock the plans are made at, and `batch` (the end of a batch run:
 *   follow-up counts; a dry run then prints only its summary and asks no channel for time zones)
 * @returns `code` 0 when done, 1 when a person's view, a source or a channel failed; `summary`
 *   the run's counts and listed plans
 */
export async function planAndDeliver(
  ctx: Pick<CommandContext, "config" | "print" | "printErr" | "log">,
  services: Pick<Services, "nudgeChannels" | "store" | "engine">,
  emails: Iterable<string> | AsyncIterable<string>,
  options: { dryRun: boolean; now: Date; batch?: boolean },
): Promise<{ code: 0 | 1; summary: NudgeRunSummary }> {
  const { dryRun, now } = options;
  const planned = Date.now();
  // After a batch: the follow-up counts for the Dashboard, and a dry run that asks the channels
  // nothing and prints only its summary (the whole company's plans are on the Dashboard).
  const quiet = options.batch === true && dryRun;
  const channels = services.nudgeChannels;
  const summary = await runNudges(
    emails,
    (email) => services.engine.view(email, { need: "accounts" }),
    {
      channels,
      ledger: services.store.nudges,
      settings: nudgeSettings(ctx.config.NUDGES),
      sender: {
        appName: ctx.config.UI?.appName ?? "Stethoscope",
        origin: nudgeOrigin(ctx.config),
        ...(ctx.config.UI?.contactEmail ? { contactEmail: ctx.config.UI.contactEmail } : {}),
      },
      now,
      dryRun,
      ...(options.batch ? { followUp: true } : {}),
      ...(quiet ? { askTimeZone: false } : {
        onOutcome: (outcomes: NudgeOutcome[]) =>
          outcomes.forEach((o) => ctx.print(`${outcomeLine(o)}\n`)),
      }),
    },
  );
  const held = Object.entries(summary.held).map(([k, n]) => `${n} ${k}`).join(", ") || "none";
  for (const i of summary.incomplete) {
    ctx.printErr(
      `nudges: ${i.email}: ${
        i.sources.join(", ")
      } failed; planned from what the other sources said`,
    );
  }
  ctx.print(
    `${summary.people} people: ${summary.queued} ${dryRun ? "would be sent" : "queued"}, ` +
      `${summary.alreadyQueued} already queued, held: ${held}, ${summary.failed.length} failed, ` +
      `${summary.incomplete.length} with failed sources\n`,
  );
  if (!dryRun) {
    const report = await deliverNudges({
      ledger: services.store.nudges,
      channels,
      log: ctx.log,
      limit: 1000,
      // the plans' clock, running on: a pinned clock (tests) delivers on it too
      now: () => new Date(now.getTime() + (Date.now() - planned)),
    });
    ctx.print(
      `delivered: ${report.sent} sent, ${report.failed} to retry, ${report.refused} refused\n`,
    );
  }
  const code = summary.failed.length > 0 || summary.incomplete.length > 0 ? 1 : 0;
  return { code, summary };
}
