/**
 * What the `batch` command shows: the progress bar (terminal) or plain progress lines, the final
 * summary, and a logger writing to two places (`--log-file`).
 *
 * @module
 */
import type { Logger } from "../engine/core/log.ts";
import type { BatchProgress } from "../engine/batch/batch_run.ts";
import type { Shard } from "../engine/batch/batch_people.ts";
import type { BatchStats } from "../engine/batch/batch_stats.ts";
import { STATUSES } from "../engine/core/types.ts";
import { operatorGaps, type SourceGap } from "../engine/view/gaps.ts";

/** Where a run stands (the engine's batch progress). */
export type Progress = BatchProgress;

const BAR_WIDTH = 24;

/** `1h02m`, `3m07s`, `12s`. */
export function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s >= 3600) {
    return `${Math.floor(s / 3600)}h${String(Math.floor(s / 60) % 60).padStart(2, "0")}m`;
  }
  if (s >= 60) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${s}s`;
}

/**
 * One line of progress: people done of total, devices, errors, rate and ETA; with a bar for a
 * terminal.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const progress = {
 *   started: true, done: 50, total: 100, devices: 80, errors: 1, elapsedMs: 10_000,
 * };
 * assert.equal(
 *   formatProgress(progress, false),
 *   "batch: 50/100 people (50%), 80 devices, 1 with errors, 5.0 people/s, ETA 10s",
 * );
 * ```
 */
export function formatProgress(p: Progress, bar: boolean): string {
  const share = p.total === 0 ? 1 : p.done / p.total;
  const rate = p.elapsedMs > 0 ? p.done / (p.elapsedMs / 1000) : 0;
  const eta = rate > 0 ? duration((p.total - p.done) / rate) : "?";
  const text = `${p.done}/${p.total} people (${Math.floor(share * 100)}%), ${p.devices} devices, ` +
    `${p.errors} with errors, ${rate.toFixed(1)} people/s, ETA ${eta}` + documentsText(p);
  if (!bar) return `batch: ${text}`;
  const filled = Math.round(share * BAR_WIDTH);
  return `[${"#".repeat(filled)}${".".repeat(BAR_WIDTH - filled)}] ${text}`;
}

function documentsText(p: Progress): string {
  const d = p.documents;
  if (d === undefined) return "";
  return `; documents ${d.written} written, ${d.retried} retried, ${d.lost} lost`;
}

/** What the summary says beyond the statistics. */
export interface SummaryExtras {
  seconds: number;
  sinks: string[];
  failedForEveryone: string[];
  invalid: number;
  duplicates: number;
  shard: Shard;
  collectOnly: boolean;
  /** One line per listing source and people directory read this run (issue 16). */
  listings?: string[];
  /**
   * What the sources could not deliver this run (records skipped, cut short, read in part),
   * counted per source, kind and reason: one `Not delivered:` line per source when any.
   */
  gaps?: readonly SourceGap[];
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + " ".repeat(width - text.length);
}

/**
 * The end-of-run summary: people, devices, ratings, per-practice statuses, per-source errors,
 * records not delivered.
 */
export function formatSummary(stats: BatchStats, x: SummaryExtras): string {
  const lines: string[] = [];
  const shard = x.shard.count > 1 ? ` (shard ${x.shard.index}/${x.shard.count})` : "";
  lines.push(
    `Batch finished in ${duration(x.seconds)}${shard}: ${stats.people} people ` +
      `(${stats.peopleWithDevices} with devices), ${stats.devices} devices`,
  );
  if (x.listings && x.listings.length > 0) {
    lines.push("Listings:", ...x.listings.map((l) => `  ${l}`));
  }
  if (x.invalid > 0 || x.duplicates > 0) {
    lines.push(`Skipped: ${x.invalid} invalid addresses, ${x.duplicates} duplicates`);
  }
  const r = stats.ratings;
  lines.push(
    `Devices: ${r.critical ?? 0} critical, ${r.suggested ?? 0} suggested, ${r.ok ?? 0} ok, ` +
      `${r.partial ?? 0} partly checked, ${r.unknown ?? 0} unknown` +
      (r.exempt ? `, ${r.exempt} exempt` : ""),
  );
  const names = Object.keys(stats.practices).sort();
  if (names.length > 0) {
    const width = Math.max(8, ...names.map((n) => n.length)) + 2;
    lines.push(
      "Practices:",
      `  ${pad("practice", width)}${STATUSES.map((s) => pad(s, 8)).join("")}`.trimEnd(),
    );
    for (const n of names) {
      const c = stats.practices[n]!;
      lines.push(
        `  ${pad(n, width)}${STATUSES.map((s) => pad(String(c[s] ?? 0), 8)).join("")}`.trimEnd(),
      );
    }
  }
  const sources = Object.keys(stats.errors).sort();
  if (sources.length === 0) lines.push("Source errors: none");
  else {
    lines.push("Source errors (people affected):");
    for (const s of sources) {
      const t = stats.timeouts[s] ?? 0;
      const all = x.failedForEveryone.includes(s) ? " — FAILED FOR EVERYONE" : "";
      lines.push(`  ${s}: ${stats.errors[s]}${t > 0 ? ` (${t} timed out)` : ""}${all}`);
    }
  }
  if (x.gaps && x.gaps.length > 0) {
    lines.push("Not delivered (records):");
    for (const source of [...new Set(x.gaps.map((g) => g.source))]) {
      lines.push(`  ${source}: ${operatorGaps(x.gaps.filter((g) => g.source === source))}`);
    }
  }
  if (x.collectOnly) lines.push("Sinks: skipped (--collect-only)");
  else if (x.sinks.length > 0) lines.push("Sinks:", ...x.sinks.map((s) => `  ${s}`));
  return lines.join("\n") + "\n";
}

/** A logger that writes every line to both `a` and `b` (each keeps its own level). */
export function teeLogger(a: Logger, b: Logger): Logger {
  return {
    debug: (m, f) => (a.debug(m, f), b.debug(m, f)),
    info: (m, f) => (a.info(m, f), b.info(m, f)),
    warn: (m, f) => (a.warn(m, f), b.warn(m, f)),
    error: (m, f) => (a.error(m, f), b.error(m, f)),
    child: (fields) => teeLogger(a.child(fields), b.child(fields)),
  };
}
