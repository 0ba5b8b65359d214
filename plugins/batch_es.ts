/**
 * `batch_es` (spec §9.6): indexes each person's merged devices into Elasticsearch, one document
 * per device in `<ELASTICSEARCH_INDEX_PREFIX>YYYYMM`. Each document has `email` and `report_date`
 * added and `_raw` removed, and a stable id (SHA-256 of the email and the device key — serial,
 * first MAC, Google id or UDID), so a rerun in the same month overwrites instead of duplicating.
 *
 * Documents of many people go out together in `_bulk` bodies of about `BULK_FLUSH_BYTES` (issue
 * 25: 100,000 people in a few hundred requests, not one per person); items refused with 429/503
 * are retried with doubling waits, and what is still refused is named in the run's summary, which
 * then exits non-zero (RW3-11; `es_bulk_writer.ts`).
 *
 * Config: `ELASTICSEARCH_HOSTS`, `ELASTICSEARCH_INDEX_PREFIX` (or `ELASTICSEARCH_INDEX`, as the
 * original's docs said), optional `ELASTICSEARCH_KWARGS`, `ELASTICSEARCH_DOCTYPE` (ignored),
 * `TIMEOUT` (each `_bulk` request), `BULK_FLUSH_BYTES` (default 5,000,000, as Elastic's bulk
 * helper), `BULK_CONCURRENCY` (requests in flight, default 2), `BULK_RETRIES` (default 3) and
 * `BULK_RETRY_WAIT` (seconds before the first retry, doubled for each later one; default 5, as the
 * helper's `wait`).
 *
 * @module
 */
import { z } from "zod";
import { batchDocument } from "../engine/batch/batch_sinks.ts";
import { type BatchResult, type CallOptions, type SinkReport } from "../engine/core/ports.ts";
import { deviceKey } from "../engine/view/since.ts";
import type { MergedDevice } from "../engine/core/types.ts";
import {
  createEsClient,
  esBaseShape,
  esPrefixShape,
  indexPrefixOf,
  monthlyIndex,
  pingEs,
  requirePrefix,
} from "./elasticsearch.ts";
import { createBulkWriter } from "./es_bulk_writer.ts";
import { definePlugin } from "./plugin.ts";
import { foldEmail } from "../engine/identity/emails.ts";
import { sha256HexSync } from "../lib/sha256.ts";

/** `PLUGINS.batch_es`. */
export const schema = z.object({
  ...esBaseShape,
  ...esPrefixShape,
  BULK_FLUSH_BYTES: z.number().int().min(1_000).max(100_000_000).default(5_000_000),
  BULK_CONCURRENCY: z.number().int().min(1).max(32).default(2),
  BULK_RETRIES: z.number().int().min(0).max(10).default(3),
  BULK_RETRY_WAIT: z.number().min(0).max(300).default(5),
}).strict().superRefine(requirePrefix);

/** How many lost documents the summary names (the log names every one). */
const NAMED_LOST = 10;

/**
 * The document id of a person's device: SHA-256 (hex) of the lower-cased email and the device's
 * key; a device with no serial, MAC, Google id or UDID is keyed by its other identifiers, its
 * sources and its name.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const mac = { identifiers: { serial: "C02X" }, sources: ["jamf"] };
 * const id = await documentId("fry@example.com", mac);
 * assert.match(id, /^[0-9a-f]{64}$/);
 * assert.equal(await documentId("Fry@Example.com", mac), id); // the email is lower-cased
 * ```
 */
export function documentId(
  email: string,
  device: Pick<MergedDevice, "identifiers" | "sources" | "name">,
): string {
  const key = deviceKey(device) ??
    `other:${JSON.stringify([device.identifiers, [...device.sources].sort(), device.name ?? ""])}`;
  return sha256HexSync(`${foldEmail(email)}\u0000${key}`);
}

/** The batch sink indexing one document per device into Elasticsearch; see the module doc. */
export default definePlugin(schema, async (config, ctx) => {
  const client = await createEsClient(config, { timeoutMs: ctx.timeoutMs });
  const prefix = indexPrefixOf(config)!;
  const lostNamed: string[] = [];
  let lostLogged = 0;
  const writer = createBulkWriter(client, {
    flushBytes: config.BULK_FLUSH_BYTES,
    concurrency: config.BULK_CONCURRENCY,
    retries: config.BULK_RETRIES,
    waitMs: config.BULK_RETRY_WAIT * 1000,
    onLost: ({ label, id, why }) => {
      const line = `${label} ${id.slice(0, 12)}: ${why}`;
      if (lostNamed.length < NAMED_LOST) lostNamed.push(line);
      if (lostLogged++ < 1000) ctx.log.warn("document not indexed", { email: label, id, why });
    },
  });
  return {
    name: ctx.name,
    // each _bulk request has this deadline (the client's requestTimeout)
    timeoutMs: ctx.timeoutMs,

    async post(result: BatchResult, _options: CallOptions): Promise<void> {
      if (result.devices.length === 0) return;
      const reportDate = ctx.now();
      const index = monthlyIndex(prefix, reportDate);
      for (const d of result.devices) {
        const id = documentId(result.email, d);
        await writer.add(index, id, batchDocument(result.email, d, reportDate), result.email);
      }
    },

    async finish(): Promise<SinkReport> {
      await writer.flush();
      return { ...writer.tally(), lostNamed: [...lostNamed] };
    },

    tally: () => writer.tally(),

    checkConnectivity: (options: CallOptions) =>
      pingEs(client, { name: ctx.name, signal: options.signal }),

    async close(): Promise<void> {
      await client.close();
    },
  };
}, {
  kinds: ["batch"],
  summary: "batch: each person's devices to monthly Elasticsearch indices, in _bulk bodies by size",
});
