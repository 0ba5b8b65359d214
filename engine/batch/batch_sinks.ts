/**
 * A batch run's sinks (spec §10 step 4): each person's result posted to every sink under its
 * deadline, a failing sink counted (and logged once) but never stopping the run, each sink's
 * summary at the end, and the document of one device as sinks write it. Changes when the way a
 * run talks to its sinks changes.
 *
 * @module
 */
import { callWithDeadline } from "../view/deadline.ts";
import type { Logger } from "../core/log.ts";
import type { BatchResult, BatchSink, SinkReport, SinkTally } from "../core/ports.ts";
import type { MergedDevice } from "../core/types.ts";
import { toWire, type Wire } from "../core/wire.ts";

/** Hands a run's results to its sinks; see {@link createSinkFanOut}. */
export interface SinkFanOut {
  /** Posts one person's result to every sink that takes posts; never rejects. */
  post(result: BatchResult): Promise<void>;
  /**
   * Asks every sink with a summary for it, once, after the last post.
   *
   * @param people the people of the run (a sink that failed for all of them failed the run)
   * @returns one line per sink (`NAME: N people posted, M failed`, `NAME: <summary>` or
   *   `NAME: FAILED: <why>`; for a buffering sink its documents written, retried and lost, and
   *   the first lost ones named), whether a sink failed for everyone, and the documents lost
   */
  finish(people: number): Promise<{ lines: string[]; failedForEveryone: boolean; lost: number }>;
  /** The documents of the buffering sinks so far, summed (progress). */
  tally(): SinkTally;
}

/**
 * A buffering sink's report in words: `N documents written in R _bulk requests (B MB), X retried,
 * Y lost`, then one line per named lost document.
 */
export function sinkReportLines(name: string, r: SinkReport): string[] {
  const mb = (r.bytes / 1e6).toFixed(1);
  const lines = [
    `${name}: ${r.written} documents written in ${r.requests} requests (${mb} MB), ` +
    `${r.retried} retried, ${r.lost} lost`,
  ];
  for (const named of r.lostNamed) lines.push(`  lost: ${named}`);
  if (r.lost > r.lostNamed.length) {
    lines.push(`  … and ${r.lost - r.lostNamed.length} more lost (each is in the log)`);
  }
  return lines;
}

/**
 * The fan-out of a run to `sinks`: posts go to each sink in turn under its deadline
 * (`callWithDeadline`); no result is kept here (a sink keeps what its summary needs).
 *
 * @param sinks the configured batch sinks (none with `--collect-only`)
 * @param log where the first failure of each sink is logged (`batch sink failed`)
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { silentLogger } from "../../config/log.ts";
 * const csv = { name: "csv", timeoutMs: null, post: () => Promise.reject(new Error("disk full")) };
 * const fanOut = createSinkFanOut([csv], silentLogger);
 * await fanOut.post({ email: "fry@example.com", devices: [] });
 * assert.deepEqual(await fanOut.finish(1), {
 *   lines: ["csv: 0 people posted, 1 failed"],
 *   failedForEveryone: true,
 *   lost: 0,
 * });
 * ```
 */
export function createSinkFanOut(sinks: readonly BatchSink[], log: Logger): SinkFanOut {
  const sinkFailures: Record<string, number> = {};
  return {
    async post(result) {
      for (const sink of sinks) {
        const post = sink.post;
        if (!post) continue;
        // a buffering sink's post() only waits for room; its own requests carry the deadline
        const guard = sink.finish ? { name: sink.name, timeoutMs: null } : sink;
        const out = await callWithDeadline(guard, "post", (o) => post.call(sink, result, o), {
          empty: undefined,
        });
        if (!out.ok) {
          if ((sinkFailures[sink.name] ?? 0) === 0) {
            log.warn("batch sink failed", { sink: sink.name, error: out.error.message });
          }
          sinkFailures[sink.name] = (sinkFailures[sink.name] ?? 0) + 1;
        }
      }
    },
    async finish(people) {
      const sinkLines: string[] = [];
      let sinkFailedForEveryone = false;
      let lost = 0;
      for (const sink of sinks) {
        if (sink.post) {
          const failed = sinkFailures[sink.name] ?? 0;
          sinkLines.push(`${sink.name}: ${people - failed} people posted, ${failed} failed`);
          if (failed > 0 && failed >= people) sinkFailedForEveryone = true;
        }
        if (sink.finish) {
          try {
            const report = await sink.finish();
            sinkLines.push(...sinkReportLines(sink.name, report));
            lost += report.lost;
          } catch (error: unknown) {
            sinkLines.push(`${sink.name}: FAILED: ${String(error)}`);
            sinkFailedForEveryone = true;
          }
        }
        const summary = sink.summary;
        if (summary) {
          const out = await callWithDeadline(sink, "summary", (o) => summary.call(sink, o), {
            empty: "",
          });
          sinkLines.push(`${sink.name}: ${out.ok ? out.value : `FAILED: ${out.error.message}`}`);
          if (!out.ok) sinkFailedForEveryone = true;
        }
      }
      return { lines: sinkLines, failedForEveryone: sinkFailedForEveryone, lost };
    },
    tally() {
      const sum: SinkTally = { written: 0, retried: 0, lost: 0, requests: 0, bytes: 0 };
      for (const sink of sinks) {
        const t = sink.tally?.();
        if (t === undefined) continue;
        for (const k of Object.keys(sum) as (keyof SinkTally)[]) sum[k] += t[k];
      }
      return sum;
    },
  };
}

/** A merged device as a batch sink writes it: `_raw` removed, `email` and `report_date` added. */
export type BatchDocument = Wire<Omit<MergedDevice, "_raw">> & {
  email: string;
  report_date: string;
};

/**
 * The document of one device (spec §10 step 4): `_raw` removed, `email` set to the person and
 * `report_date` to the run's time (ISO-8601, UTC), dates as ISO strings.
 */
export function batchDocument(
  email: string,
  device: MergedDevice,
  reportDate: Date,
): BatchDocument {
  const { _raw: _, ...rest } = device;
  return { ...toWire(rest), email, report_date: reportDate.toISOString() } as BatchDocument;
}
