/**
 * `batch_restful_summary` (spec §9.6, decision 4): after a batch run, POSTs once the snapshot of
 * the last 14 days — every device, of every person, whose `last_sync` is at most 14 days old, as
 * one JSON array of batch documents (`email` and `report_date` added, `_raw` removed) — and
 * reports the response status. The documents are written to a spill file as people's results
 * arrive and streamed from it as the request body, so the run keeps none of them in memory
 * (issue 25). It never raises after sending: whatever the endpoint answers is
 * reported in the returned line (the original crashed here).
 *
 * Config: `URL` (required), `TIMEOUT` (seconds), `MAX_AGE_DAYS` (default 14).
 *
 * @module
 */
import { z } from "zod";
import { type BatchDocument, batchDocument } from "../engine/batch/batch_sinks.ts";
import type { BatchResult, CallOptions } from "../engine/core/ports.ts";
import { postJsonOnce } from "./http_post.ts";
import { createSpillFile, type SpillFile } from "../lib/spill_file.ts";
import { safeUrl } from "./http_redact.ts";
import { definePlugin, timeoutSeconds } from "./plugin.ts";

const DAY_MS = 86_400_000;

/** `PLUGINS.batch_restful_summary`. */
export const schema = z.object({
  URL: z.url({ protocol: /^https?$/ }),
  TIMEOUT: timeoutSeconds,
  MAX_AGE_DAYS: z.number().positive().max(3650).default(14),
}).strict();

/**
 * One person's documents for the snapshot: every device seen (`last_sync`) within `maxAgeDays`
 * of `now`; devices with no `last_sync` are left out, as in the original.
 *
 * @param result one person's devices
 * @param options the run's time and the window in days
 * @returns the documents, `report_date` set to `now`
 */
export function recentDocuments(
  result: BatchResult,
  options: { now: Date; maxAgeDays: number },
): BatchDocument[] {
  const cutoff = options.now.getTime() - options.maxAgeDays * DAY_MS;
  const out: BatchDocument[] = [];
  for (const d of result.devices) {
    const seen = d.last_sync?.getTime();
    if (seen !== undefined && !Number.isNaN(seen) && seen >= cutoff) {
      out.push(batchDocument(result.email, d, options.now));
    }
  }
  return out;
}

/**
 * The snapshot of several people at once: {@link recentDocuments} of each, in order.
 *
 * @param results people's devices
 * @param options the run's time and the window in days
 * @returns the flattened list of documents
 */
export function snapshot(
  results: readonly BatchResult[],
  options: { now: Date; maxAgeDays: number },
): BatchDocument[] {
  return results.flatMap((r) => recentDocuments(r, options));
}

/** `[`, the spilled documents (each after the first preceded by a comma), `]`. */
function arrayBody(spill: SpillFile | undefined): ReadableStream<Uint8Array> {
  const bytes = (text: string) => new TextEncoder().encode(text);
  const parts = [bytes("["), spill?.stream(), bytes("]")];
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      while (parts.length > 0) {
        const part = parts[0];
        if (part === undefined) {
          parts.shift();
        } else if (part instanceof Uint8Array) {
          parts.shift();
          return controller.enqueue(part);
        } else {
          const reader = part.getReader();
          const next = await reader.read();
          reader.releaseLock();
          if (!next.done) return controller.enqueue(next.value);
          parts.shift();
        }
      }
      controller.close();
    },
  });
}

/** The batch sink posting a summary of recent devices over HTTP; see the module doc. */
export default definePlugin(schema, (config, ctx) => {
  const target = safeUrl(config.URL);
  let spill: SpillFile | undefined;
  let documents = 0;
  let runTime: Date | undefined;
  return {
    name: ctx.name,
    timeoutMs: ctx.timeoutMs,

    post(result: BatchResult, _options: CallOptions): Promise<void> {
      runTime ??= ctx.now();
      for (
        const doc of recentDocuments(result, { now: runTime, maxAgeDays: config.MAX_AGE_DAYS })
      ) {
        spill ??= createSpillFile();
        spill.put((documents++ === 0 ? "" : ",") + JSON.stringify(doc));
      }
      return Promise.resolve();
    },

    async summary(options: CallOptions): Promise<string> {
      // Sent once: from here on, report, never raise (spec §15.4).
      try {
        const answer = await postJsonOnce(ctx.name, config.URL, arrayBody(spill), options);
        const verdict = answer.ok ? "accepted" : "REFUSED";
        return `posted ${documents} devices to ${target}: HTTP ${answer.status} (${verdict})`;
      } finally {
        spill?.close();
      }
    },

    close(): void {
      spill?.close();
    },
  };
}, {
  kinds: ["batch"],
  summary: "batch: POSTs the last-14-days device snapshot once to a REST endpoint",
});
