/**
 * `batch_restful_summary` (spec §9.6, decision 4): after a batch run, POSTs once the snapshot of
 * the last 14 days — every device, of every person, whose `last_sync` is at most 14 days old, as
 * one JSON array of batch documents (`email` and `report_date` added, `_raw` removed) — and
 * reports the response status. It never raises after sending: whatever the endpoint answers is
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
 * The snapshot: documents of every device seen (`last_sync`) within `maxAgeDays` of `now`;
 * devices with no `last_sync` are left out, as in the original.
 *
 * @param results every person's devices
 * @param options the current time and the window in days
 * @returns the flattened list of documents
 */
export function snapshot(
  results: readonly BatchResult[],
  options: { now: Date; maxAgeDays: number },
): BatchDocument[] {
  const cutoff = options.now.getTime() - options.maxAgeDays * DAY_MS;
  const out: BatchDocument[] = [];
  for (const r of results) {
    for (const d of r.devices) {
      const seen = d.last_sync?.getTime();
      if (seen !== undefined && !Number.isNaN(seen) && seen >= cutoff) {
        out.push(batchDocument(r.email, d, options.now));
      }
    }
  }
  return out;
}

/** The batch sink posting a summary of recent devices over HTTP; see the module doc. */
export default definePlugin(schema, (config, ctx) => {
  const target = safeUrl(config.URL);
  return {
    name: ctx.name,
    timeoutMs: ctx.timeoutMs,

    async summary(results: BatchResult[], options: CallOptions): Promise<string> {
      const docs = snapshot(results, { now: ctx.now(), maxAgeDays: config.MAX_AGE_DAYS });
      // Sent once: from here on, report, never raise (spec §15.4).
      const answer = await postJsonOnce(ctx.name, config.URL, docs, options);
      const verdict = answer.ok ? "accepted" : "REFUSED";
      return `posted ${docs.length} devices to ${target}: HTTP ${answer.status} (${verdict})`;
    },
  };
}, {
  kinds: ["batch"],
  summary: "batch: POSTs the last-14-days device snapshot once to a REST endpoint",
});
