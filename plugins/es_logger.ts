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
import type { AccessRecord, CallOptions, RequestLogger } from "../engine/ports.ts";
import { UpstreamError } from "../engine/ports.ts";
import {
  createEsClient,
  describeEsError,
  esBaseShape,
  indexPrefixOf,
  MISSING_PREFIX,
  monthlyIndex,
} from "./elasticsearch.ts";
import { definePlugin } from "./plugin.ts";

/** The plugin's `PLUGINS.es_logger` section. */
export const schema = z.object({
  ...esBaseShape,
  ELASTICSEARCH_INDEX_PREFIX: z.string().min(1).optional(),
  ELASTICSEARCH_INDEX: z.string().min(1).optional(),
  QUEUE_SIZE: z.number().int().min(1).max(1_000_000).optional(),
}).strict().superRefine((config, ctx) => {
  if (indexPrefixOf(config) === null) {
    ctx.addIssue({ code: "custom", path: ["ELASTICSEARCH_INDEX_PREFIX"], message: MISSING_PREFIX });
  }
});

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
 * withoutRaw([{ serial: "X", _raw: {...} }]); // [{ serial: "X" }]
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

export default definePlugin(schema, async (config, ctx) => {
  const client = await createEsClient(config, { timeoutMs: ctx.timeoutMs });
  const prefix = indexPrefixOf(config)!;
  const capacity = config.QUEUE_SIZE ?? 1000;
  const queue: { index: string; doc: Record<string, unknown> }[] = [];
  let dropped = 0;
  let warned = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let flushing: Promise<void> | null = null;

  function drop(count: number, why: string): void {
    dropped += count;
    if (warned) return;
    warned = true;
    ctx.log.warn("audit records dropped", { why, dropped });
  }

  async function writeAll(): Promise<void> {
    while (queue.length > 0) {
      const batch = queue.splice(0, BULK_SIZE);
      try {
        const signal = ctx.timeoutMs === null ? undefined : AbortSignal.timeout(ctx.timeoutMs);
        const result = await client.bulk({
          operations: batch.flatMap((r) => [{ index: { _index: r.index } }, r.doc]),
        }, signal ? { signal } : {});
        const refused = result.items.filter((it) => it.index?.error !== undefined).length;
        if (refused > 0) drop(refused, "Elasticsearch refused some records");
        else warned = false;
      } catch (error: unknown) {
        drop(batch.length, describeEsError(error));
      }
    }
  }

  function flush(): Promise<void> {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    if (flushing === null) {
      flushing = writeAll().finally(() => {
        flushing = null;
        if (queue.length > 0 && timer === undefined) {
          timer = setTimeout(() => void flush(), FLUSH_DELAY_MS);
        }
      });
    }
    return flushing;
  }

  const logger: EsRequestLogger & { checkConnectivity(o: CallOptions): Promise<void> } = {
    name: ctx.name,
    timeoutMs: ctx.timeoutMs,
    get dropped() {
      return dropped;
    },
    get queued() {
      return queue.length;
    },

    log(record: AccessRecord): void {
      if (queue.length >= capacity) {
        drop(1, `the queue of ${capacity} records is full`);
        return;
      }
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
      if (timer === undefined && flushing === null) {
        timer = setTimeout(() => void flush(), FLUSH_DELAY_MS);
      }
    },

    flush,

    async checkConnectivity(options: CallOptions): Promise<void> {
      const ok = await client.ping({}, { signal: options.signal }).catch((error: unknown) => {
        throw new UpstreamError(`${ctx.name}: ${describeEsError(error)}`);
      });
      if (!ok) throw new UpstreamError(`${ctx.name}: Elasticsearch did not answer the ping`);
    },

    async close(): Promise<void> {
      await flush();
      await client.close();
    },
  };
  return logger;
});
