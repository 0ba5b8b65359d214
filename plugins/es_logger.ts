/**
 * `es_logger` (spec §9.5): one audit document per data access, written to Elasticsearch in the
 * background. `log()` only pushes onto a bounded queue and returns, so it never slows or fails a
 * request; a flusher bulk-indexes the queue into `<prefix>YYYYMM`. Records that do not fit in
 * the queue, or that ES refuses, are dropped and counted (`dropped`), with one warning per burst.
 *
 * Config: `ELASTICSEARCH_HOSTS`, `ELASTICSEARCH_INDEX_PREFIX` (or `ELASTICSEARCH_INDEX`, as the
 * original's docs said), optional `ELASTICSEARCH_KWARGS`, `ELASTICSEARCH_DOCTYPE` (ignored),
 * `TIMEOUT`, `QUEUE_SIZE` (default 1000).
 *
 * @module
 */
import { z } from "zod";
import type { AccessRecord, CallOptions, RequestLogger } from "../engine/core/ports.ts";
import {
  createEsClient,
  describeEsError,
  esBaseShape,
  esPrefixShape,
  indexPrefixOf,
  monthlyIndex,
  pingEs,
  requirePrefix,
} from "./elasticsearch.ts";
import { createBackgroundQueue } from "./background_queue.ts";
import { definePlugin } from "./plugin.ts";

/** The plugin's `PLUGINS.es_logger` section. */
export const schema = z.object({
  ...esBaseShape,
  ...esPrefixShape,
  QUEUE_SIZE: z.number().int().min(1).max(1_000_000).optional(),
}).strict().superRefine(requirePrefix);

/** Records sent in one `_bulk` request. */
const BULK_SIZE = 500;
/** Wait before flushing, so records arriving together go in one request. */
const FLUSH_DELAY_MS = 20;

/** The request logger with its drop counter. */
export interface EsRequestLogger extends RequestLogger {
  /** Records dropped because the queue was full or Elasticsearch failed. */
  readonly dropped: number;
  /** Records waiting to be written. */
  readonly queued: number;
  /** Writes what is queued now (also done by `close()`). */
  flush(): Promise<void>;
}

/**
 * A deep copy of `data` without any `_raw` key (upstream payloads never reach the audit log).
 *
 * @param data any JSON-like value
 * @returns the copy
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.deepEqual(withoutRaw([{ serial: "X", _raw: { udid: "…" } }]), [{ serial: "X" }]);
 * ```
 */
export function withoutRaw(data: unknown): unknown {
  if (Array.isArray(data)) return data.map(withoutRaw);
  if (data instanceof Date) return data.toISOString();
  if (data !== null && typeof data === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(data)) if (k !== "_raw") out[k] = withoutRaw(v);
    return out;
  }
  return data;
}

/** The request logger writing audit records to Elasticsearch; see the module doc for its config. */
export default definePlugin(schema, async (config, ctx) => {
  const client = await createEsClient(config, { timeoutMs: ctx.timeoutMs });
  const prefix = indexPrefixOf(config)!;
  const queue = createBackgroundQueue<{ index: string; doc: Record<string, unknown> }>({
    capacity: config.QUEUE_SIZE ?? 1000,
    batchSize: BULK_SIZE,
    delayMs: FLUSH_DELAY_MS,
    timeoutMs: ctx.timeoutMs,
    noun: "records",
    send: async (batch, signal) => {
      const result = await client.bulk({
        operations: batch.flatMap((r) => [{ index: { _index: r.index } }, r.doc]),
      }, signal ? { signal } : {});
      return result.items.filter((it) => it.index?.error !== undefined).length;
    },
    describe: describeEsError,
    onDrop: (why, dropped) => ctx.log.warn("audit records dropped", { why, dropped }),
  });
  const flush = () => queue.flush();

  const logger: EsRequestLogger & { checkConnectivity(o: CallOptions): Promise<void> } = {
    name: ctx.name,
    timeoutMs: ctx.timeoutMs,
    get dropped() {
      return queue.dropped;
    },
    get queued() {
      return queue.queued;
    },

    log(record: AccessRecord): void {
      queue.push({
        index: monthlyIndex(prefix, record.retrieved),
        doc: {
          accessing_user: record.accessing_user,
          target: record.target,
          record_type: record.record_type,
          context: record.context,
          retrieved: record.retrieved.toISOString(),
          data: withoutRaw(record.data),
        },
      });
    },

    flush,

    checkConnectivity: (options: CallOptions) =>
      pingEs(client, { name: ctx.name, signal: options.signal }),

    async close(): Promise<void> {
      await flush();
      await client.close();
    },
  };
  return logger;
}, { kinds: ["request_logger"], summary: "audit records of every data access to Elasticsearch" });
