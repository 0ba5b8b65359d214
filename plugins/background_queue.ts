/**
 * A bounded queue drained in the background, for plugins that must never slow or fail a request
 * (audit records, failure counters): `push` returns at once, a full queue or a failed send drops
 * items and counts them, and one warning is logged per burst of drops.
 *
 * @module
 */
import { timeoutSignal } from "../lib/abort.ts";

/** What a queue is built from. */
export interface BackgroundQueueOptions<T> {
  /** Items held at most; more are dropped. */
  capacity: number;
  /** Items handed to one `send`. */
  batchSize: number;
  /** Wait after the first queued item before sending, to batch; 0 sends at once. */
  delayMs: number;
  /** Deadline of one `send`, in ms; null for none. */
  timeoutMs: number | null;
  /** Delivers a batch; answers how many items the receiver refused (dropped, not retried). */
  send(batch: T[], signal: AbortSignal | undefined): Promise<number>;
  /** Plain words for a failed send. */
  describe(error: unknown): string;
  /** The first drop of a burst (the plugin logs a warning). */
  onDrop(why: string, dropped: number): void;
  /** What the items are called in messages, e.g. "audit records". */
  noun: string;
}

/** A running queue. */
export interface BackgroundQueue<T> {
  /** Queues an item; never throws, never waits. */
  push(item: T): void;
  /** Sends everything queued now; resolves when the queue is empty. */
  flush(): Promise<void>;
  /** Items dropped so far. */
  readonly dropped: number;
  /** Items waiting. */
  readonly queued: number;
}

/**
 * Creates a background queue.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const sent: object[][] = [];
 * const queue = createBackgroundQueue<object>({
 *   capacity: 2, batchSize: 500, delayMs: 20, timeoutMs: 5000, noun: "audit records",
 *   send: async (batch) => (sent.push(batch), 0), // 0: the receiver refused none
 *   describe: String, onDrop: () => {},
 * });
 * for (const status of [200, 404, 500]) queue.push({ path: "/devices", status });
 * await queue.flush();
 * assert.deepEqual(sent, [[{ path: "/devices", status: 200 }, { path: "/devices", status: 404 }]]);
 * assert.equal(queue.dropped, 1); // over capacity: dropped, never waited for
 * ```
 */
export function createBackgroundQueue<T>(options: BackgroundQueueOptions<T>): BackgroundQueue<T> {
  const items: T[] = [];
  let dropped = 0;
  let warned = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let draining: Promise<void> | null = null;

  function drop(count: number, why: string): void {
    dropped += count;
    if (warned) return;
    warned = true;
    options.onDrop(why, dropped);
  }

  async function drain(): Promise<void> {
    while (items.length > 0) {
      const batch = items.splice(0, options.batchSize);
      try {
        const signal = options.timeoutMs === null ? undefined : timeoutSignal(options.timeoutMs);
        const refused = await options.send(batch, signal);
        if (refused > 0) drop(refused, `the receiver refused ${refused} ${options.noun}`);
        else warned = false;
      } catch (error: unknown) {
        drop(batch.length, options.describe(error));
      }
    }
  }

  function flush(): Promise<void> {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    draining ??= drain().finally(() => {
      draining = null;
      if (items.length > 0) schedule();
    });
    return draining;
  }

  function schedule(): void {
    if (timer !== undefined || draining !== null) return;
    if (options.delayMs === 0) void flush();
    else timer = setTimeout(() => void flush(), options.delayMs);
  }

  return {
    push(item) {
      if (items.length >= options.capacity) {
        drop(1, `the queue of ${options.capacity} ${options.noun} is full`);
        return;
      }
      items.push(item);
      schedule();
    },
    async flush() {
      while (draining !== null || items.length > 0) await flush();
    },
    get dropped() {
      return dropped;
    },
    get queued() {
      return items.length;
    },
  };
}
