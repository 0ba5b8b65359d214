/**
 * `batch_es` (spec §9.6): indexes each person's merged devices into Elasticsearch, one document
 * per device in `<ELASTICSEARCH_INDEX_PREFIX>YYYYMM`, as one `_bulk` request per person. Each
 * document has `email` and `report_date` added and `_raw` removed, and a stable id (SHA-256 of
 * the email and the device key — serial, first MAC, Google id or UDID), so a rerun in the same
 * month overwrites instead of duplicating. Unlike the original, refused documents are reported.
 *
 * Config: `ELASTICSEARCH_HOSTS`, `ELASTICSEARCH_INDEX_PREFIX` (or `ELASTICSEARCH_INDEX`, as the
 * original's docs said), optional `ELASTICSEARCH_KWARGS`, `ELASTICSEARCH_DOCTYPE` (ignored),
 * `TIMEOUT`.
 *
 * @module
 */
import { z } from "zod";
import { batchDocument } from "../engine/batch_sinks.ts";
import { type BatchResult, type CallOptions, UpstreamError } from "../engine/ports.ts";
import { deviceKey } from "../engine/since.ts";
import type { MergedDevice } from "../engine/types.ts";
import {
  createEsClient,
  describeEsError,
  esBaseShape,
  esPrefixShape,
  indexPrefixOf,
  monthlyIndex,
  requirePrefix,
} from "./elasticsearch.ts";
import { definePlugin } from "./plugin.ts";
import { foldEmail } from "../engine/emails.ts";
import { sha256Hex } from "../lib/sha256.ts";

/** `PLUGINS.batch_es`. */
export const schema = z.object({
  ...esBaseShape,
  ...esPrefixShape,
}).strict().superRefine(requirePrefix);

/**
 * The document id of a person's device: SHA-256 (hex) of the lower-cased email and the device's
 * key; a device with no serial, MAC, Google id or UDID is keyed by its other identifiers, its
 * sources and its name.
 *
 * @example
 * ```ts
 * await documentId("fry@example.com", { identifiers: { serial: "C02X" }, sources: ["jamf"] });
 * ```
 */
export function documentId(
  email: string,
  device: Pick<MergedDevice, "identifiers" | "sources" | "name">,
): Promise<string> {
  const key = deviceKey(device) ??
    `other:${JSON.stringify([device.identifiers, [...device.sources].sort(), device.name ?? ""])}`;
  return sha256Hex(`${foldEmail(email)}\u0000${key}`);
}

/** The batch sink indexing one document per device into Elasticsearch; see the module doc. */
export default definePlugin(schema, async (config, ctx) => {
  const client = await createEsClient(config, { timeoutMs: ctx.timeoutMs });
  const prefix = indexPrefixOf(config)!;
  return {
    name: ctx.name,
    timeoutMs: ctx.timeoutMs,

    async post(result: BatchResult, options: CallOptions): Promise<void> {
      if (result.devices.length === 0) return;
      const reportDate = ctx.now();
      const index = monthlyIndex(prefix, reportDate);
      const operations: unknown[] = [];
      for (const d of result.devices) {
        operations.push(
          { index: { _index: index, _id: await documentId(result.email, d) } },
          batchDocument(result.email, d, reportDate),
        );
      }
      let response;
      try {
        response = await client.bulk({ operations }, { signal: options.signal });
      } catch (error: unknown) {
        if (options.signal.aborted) throw options.signal.reason ?? error;
        throw new UpstreamError(`${ctx.name}: ${describeEsError(error)}`);
      }
      const refused = response.items.filter((it) => it.index?.error !== undefined);
      if (refused.length > 0) {
        const first = refused[0]!.index!.error!;
        throw new UpstreamError(
          `${ctx.name}: Elasticsearch refused ${refused.length} of ${result.devices.length} ` +
            `documents (${first.type}: ${first.reason ?? ""})`,
        );
      }
    },

    async checkConnectivity(options: CallOptions): Promise<void> {
      const ok = await client.ping({}, { signal: options.signal }).catch((error: unknown) => {
        throw new UpstreamError(`${ctx.name}: ${describeEsError(error)}`);
      });
      if (!ok) throw new UpstreamError(`${ctx.name}: Elasticsearch did not answer the ping`);
    },

    async close(): Promise<void> {
      await client.close();
    },
  };
}, {
  kinds: ["batch"],
  summary: "batch: each person's devices to monthly Elasticsearch indices (stable ids)",
});
