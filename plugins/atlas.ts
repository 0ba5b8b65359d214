/**
 * `atlas` (spec §9.5): counts unexpected errors in Netflix Atlas. Each failure POSTs
 * `[{timestamp, type: "COUNTER", name: "stethoscope.api.numExceptions", tags: {exceptionName},
 * value: 1}]` to `URL`. Fire-and-forget: `logFailure` only queues (bounded; overflow is dropped and
 * counted) and returns; a background sender posts one at a time under the plugin's timeout. It
 * never throws and never slows a request. `checkConnectivity` POSTs `[]`.
 *
 * Config: `URL` (required), `TIMEOUT` (seconds), `QUEUE_SIZE` (default 100).
 *
 * @module
 */
import { z } from "zod";
import { type CallOptions, type FailureLogger, UpstreamError } from "../engine/core/ports.ts";
import { createBackgroundQueue } from "./background_queue.ts";
import { postJsonOnce } from "./http_post.ts";
import { safeUrl } from "./http_redact.ts";
import { definePlugin, timeoutSeconds } from "./plugin.ts";
import { untilAborted } from "../lib/abort.ts";
import { errorMessage } from "../lib/error_message.ts";

/** The plugin's `PLUGINS.atlas` section. */
export const schema = z.object({
  URL: z.url({ protocol: /^https?$/ }),
  TIMEOUT: timeoutSeconds,
  QUEUE_SIZE: z.number().int().min(1).max(100_000).optional(),
}).strict();

/** One Atlas counter datapoint. */
export interface AtlasCounter {
  timestamp: number;
  type: "COUNTER";
  name: "stethoscope.api.numExceptions";
  tags: { exceptionName: string };
  value: 1;
}

/** The failure logger with its counters. */
export interface AtlasFailureLogger extends FailureLogger {
  /** Failures not sent: the queue was full or Atlas did not take them. */
  readonly dropped: number;
  /** Failures waiting to be sent. */
  readonly queued: number;
  /** Resolves when everything queued so far has been sent (or dropped). */
  flush(): Promise<void>;
}

/**
 * The datapoint for one failure: the error's class name as `exceptionName`.
 *
 * @param error what was thrown
 * @param at when
 * @returns the counter
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const counter = counterFor(new TypeError("x"), new Date(0));
 * assert.equal(counter.timestamp, 0);
 * assert.equal(counter.tags.exceptionName, "TypeError");
 * ```
 */
export function counterFor(error: unknown, at: Date): AtlasCounter {
  const exceptionName = error instanceof Error
    ? error.name || error.constructor.name || "Error"
    : typeof error === "object" && error !== null
    ? error.constructor?.name ?? "Object"
    : typeof error;
  return {
    timestamp: at.getTime(),
    type: "COUNTER",
    name: "stethoscope.api.numExceptions",
    tags: { exceptionName: exceptionName.slice(0, 100) },
    value: 1,
  };
}

/** The longest `close()` waits for queued failures to be sent. */
const CLOSE_WAIT_MS = 2_000;

/** The Atlas failure logger (exception counters to Atlas); see the module doc for its config. */
export default definePlugin(schema, (config, ctx) => {
  const target = safeUrl(config.URL);

  async function post(body: unknown, signal?: AbortSignal): Promise<void> {
    const answer = await postJsonOnce(ctx.name, config.URL, body, signal ? { signal } : {});
    if (!answer.ok) {
      throw new UpstreamError(`${ctx.name}: ${target} answered ${answer.status}`, answer.status);
    }
  }

  const queue = createBackgroundQueue<AtlasCounter>({
    capacity: config.QUEUE_SIZE ?? 100,
    batchSize: 1,
    delayMs: 0,
    timeoutMs: ctx.timeoutMs,
    noun: "failures",
    send: async (batch, signal) => {
      await post(batch, signal);
      return 0;
    },
    describe: errorMessage,
    onDrop: (why, dropped) => ctx.log.warn("failure counters dropped", { why, dropped }),
  });

  const logger: AtlasFailureLogger & { checkConnectivity(o: CallOptions): Promise<void> } = {
    name: ctx.name,
    timeoutMs: ctx.timeoutMs,
    get dropped() {
      return queue.dropped;
    },
    get queued() {
      return queue.queued;
    },

    logFailure(error: unknown): void {
      try {
        queue.push(counterFor(error, ctx.now()));
      } catch {
        // a failure logger must never make things worse
      }
    },

    flush: () => queue.flush(),

    async checkConnectivity(options: CallOptions): Promise<void> {
      await post([], options.signal);
    },

    /** Sends what is queued, waiting at most {@link CLOSE_WAIT_MS}. */
    async close(): Promise<void> {
      await untilAborted(logger.flush(), AbortSignal.timeout(CLOSE_WAIT_MS));
    },
  };
  return logger;
}, { kinds: ["failure_logger"], summary: "counts unexpected errors in Netflix Atlas" });
