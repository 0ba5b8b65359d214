/**
 * The feedback outbox worker (decision 14): feedback is written to the store first, then this
 * worker delivers each queued item to its sink under the sink's deadline, marks it delivered only
 * when the sink accepted it, and otherwise schedules a retry with exponential back-off. Nothing is
 * lost when a sink is down or the process restarts: the queue lives in the store.
 *
 * @module
 */
import type { Logger } from "./log.ts";
import { callWithDeadline } from "../view/deadline.ts";
import { type FeedbackSink, NotFoundError } from "./ports.ts";
import type { OutboxItem, OutboxStore } from "./store_ports.ts";
import { errorMessage } from "../../lib/error_message.ts";

/** How long to wait before the next attempt. */
export interface BackoffOptions {
  /** Delay after the first failure, in ms. Default 2000. */
  baseMs?: number;
  /** Longest delay, in ms. Default 600 000 (10 min). */
  capMs?: number;
  /** Fraction of the delay taken off at random, 0–1, so processes spread out. Default 0.2. */
  jitter?: number;
  /** Source of randomness in [0, 1); tests inject a constant. */
  random?: () => number;
}

/** Options of {@link createOutboxWorker}. */
export interface OutboxWorkerOptions {
  /** The store's outbox (`Store.outbox`). */
  outbox: Pick<OutboxStore, "dueOutbox" | "markDelivered" | "markFailed">;
  /** The configured feedback sinks by registry name. */
  sinks: ReadonlyMap<string, FeedbackSink>;
  log: Logger;
  now?: () => Date;
  /** Pause between runs when started, in ms. Default 1000. */
  intervalMs?: number;
  backoff?: BackoffOptions;
  /** Items taken per run. Default 20. */
  batch?: number;
  /** Schedules the runs of a started worker. Default: `setTimeout`; tests fire runs by hand. */
  timers?: OutboxTimers;
}

/** A timer port: `set` calls `run` once after `ms` milliseconds and returns a handle for `clear`. */
export interface OutboxTimers {
  set(run: () => Promise<void>, ms: number): unknown;
  clear(handle: unknown): void;
}

const REAL_TIMERS: OutboxTimers = {
  set: (run, ms) => setTimeout(run, ms),
  clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** What one run did. */
export interface OutboxRunReport {
  delivered: number;
  failed: number;
}

/** The running worker. */
export interface OutboxWorker {
  /** Runs now and then every `intervalMs` until stopped. */
  start(): void;
  /** Stops the loop and waits for the run in progress. */
  stop(): Promise<void>;
  /** Delivers what is due now; a call during a run joins that run instead of starting another. */
  runOnce(): Promise<OutboxRunReport>;
}

/**
 * The delay before attempt `attempts + 1`: `base · 2^attempts`, capped, minus up to `jitter` of it.
 *
 * @param attempts failed attempts so far, before this failure (0 for the first failure)
 * @param options base, cap, jitter and randomness
 * @returns milliseconds to wait
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(backoffDelay(0, { jitter: 0 }), 2000);
 * assert.equal(backoffDelay(3, { jitter: 0 }), 16000);
 * assert.equal(backoffDelay(3, { jitter: 0.5, random: () => 1 }), 8000);
 * ```
 */
export function backoffDelay(attempts: number, options: BackoffOptions = {}): number {
  const base = options.baseMs ?? 2000;
  const cap = options.capMs ?? 600_000;
  const jitter = Math.min(1, Math.max(0, options.jitter ?? 0.2));
  const random = options.random ?? Math.random;
  const full = Math.min(cap, base * 2 ** Math.min(attempts, 40));
  return Math.round(full * (1 - jitter * random()));
}

/**
 * Creates the outbox worker.
 *
 * @param options store, sinks, logger, clock, interval, back-off, batch size
 * @returns the worker (not started)
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { silentLogger } from "../../config/log.ts";
 * const feedback = { id: "f1", feedback: "wrong device", notes: "" };
 * const item = { id: "o1", sink: "restful_feedback", email: "fry@example.com", feedback,
 *   createdAt: new Date(0), attempts: 0, nextAttemptAt: new Date(0) };
 * const delivered: string[] = [];
 * const outbox = { dueOutbox: () => Promise.resolve([item]),
 *   markDelivered: (id: string) => (delivered.push(id), Promise.resolve()),
 *   markFailed: () => Promise.resolve() };
 * const sink = { name: "restful_feedback", timeoutMs: 1000, postFeedback: async () => {} };
 * const sinks = new Map([[sink.name, sink]]);
 * const worker = createOutboxWorker({ outbox, sinks, log: silentLogger });
 * assert.deepEqual(await worker.runOnce(), { delivered: 1, failed: 0 });
 * assert.deepEqual(delivered, ["o1"]);
 * ```
 */
export function createOutboxWorker(options: OutboxWorkerOptions): OutboxWorker {
  const { outbox: store, sinks, log } = options;
  const now = options.now ?? (() => new Date());
  const intervalMs = options.intervalMs ?? 1000;
  const batch = options.batch ?? 20;
  let running: Promise<OutboxRunReport> | null = null;
  const timers = options.timers ?? REAL_TIMERS;
  let timer: unknown;
  let started = false;
  // Delivered to the sink but not yet recorded as such: never sent again by this process.
  const unmarked = new Map<string, Date>();
  // A store failure burst: logged at error level once, then at debug until a run succeeds.
  let storeFailures = 0;

  function storeFailed(msg: string, fields: Record<string, unknown>): void {
    if (storeFailures++ === 0) log.error(msg, fields);
    else log.debug(msg, fields);
  }

  function storeRecovered(): void {
    if (storeFailures === 0) return;
    log.info("outbox store recovered; delivering again", { failures: storeFailures });
    storeFailures = 0;
  }

  async function deliver(item: OutboxItem): Promise<boolean> {
    const sink = sinks.get(item.sink);
    if (sink === undefined) {
      const error = `Feedback sink "${item.sink}" is not configured; add it to PLUGINS to deliver`;
      await fail(item, error);
      return false;
    }
    const outcome = await callWithDeadline(sink, "postFeedback", async (o) => {
      try {
        return await sink.postFeedback(item.email, item.feedback, {
          ...o,
          idempotencyKey: item.id,
        });
      } catch (error: unknown) {
        // "Nothing found" is not a delivery.
        if (error instanceof NotFoundError) throw new Error(error.message || "not found");
        throw error;
      }
    }, { empty: undefined });
    if (!outcome.ok) {
      await fail(item, outcome.error.message);
      return false;
    }
    const at = now();
    unmarked.set(item.id, at);
    await store.markDelivered(item.id, at);
    unmarked.delete(item.id);
    return true;
  }

  async function fail(item: OutboxItem, error: string): Promise<void> {
    const delay = backoffDelay(item.attempts, options.backoff);
    const nextAttemptAt = new Date(now().getTime() + delay);
    log.warn("feedback delivery failed; will retry", {
      item: item.id,
      sink: item.sink,
      attempts: item.attempts + 1,
      retryInMs: delay,
      error,
    });
    await store.markFailed(item.id, { nextAttemptAt, error });
  }

  async function run(): Promise<OutboxRunReport> {
    const report = { delivered: 0, failed: 0 };
    let storeOk = true;
    for (const [id, at] of unmarked) {
      await store.markDelivered(id, at);
      unmarked.delete(id);
    }
    const due = await store.dueOutbox(now(), batch);
    for (const item of due) {
      if (unmarked.has(item.id)) continue;
      try {
        if (await deliver(item)) report.delivered++;
        else report.failed++;
      } catch (error: unknown) {
        report.failed++;
        storeOk = false;
        storeFailed("outbox item could not be updated in the store", {
          item: item.id,
          sink: item.sink,
          error: errorMessage(error),
        });
      }
    }
    if (storeOk) storeRecovered();
    return report;
  }

  function runOnce(): Promise<OutboxRunReport> {
    if (running === null) {
      running = run().finally(() => {
        running = null;
      });
    }
    return running;
  }

  async function tick(): Promise<void> {
    timer = undefined;
    try {
      await runOnce();
    } catch (error: unknown) {
      storeFailed("outbox run failed", {
        error: errorMessage(error),
      });
    }
    if (started) timer = timers.set(tick, intervalMs);
  }

  return {
    start() {
      if (started) return;
      started = true;
      timer = timers.set(tick, 0);
    },
    async stop() {
      started = false;
      if (timer !== undefined) timers.clear(timer);
      timer = undefined;
      if (running !== null) await running.catch(() => {});
    },
    runOnce,
  };
}
