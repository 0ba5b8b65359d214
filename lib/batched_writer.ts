/**
 * A background writer of items in batches (issue 25): items are queued and handed to `write`
 * `batchSize` at a time, one write at a time, so a run of thousands of people neither waits for
 * its store per person nor floods it, and memory stays bounded: while one full batch waits
 * behind the write in progress, `add()` waits for that write. Used by the batch for the status
 * history and the people's snapshots.
 *
 * @module
 */

/** See {@link createBatchedWriter}. */
export interface BatchedWriter<T> {
  /**
   * Queues items; resolves at once, or — while a full batch already waits behind the write in
   * progress — once that write is done. Never rejects (failures go to `onError`).
   */
  add(items: readonly T[]): Promise<void>;
  /** Writes everything queued; resolves when every write is done. */
  flush(): Promise<void>;
}

/**
 * A writer handing `write` at most one batch at a time.
 *
 * @param write stores one batch (e.g. in one transaction)
 * @param options items per batch; told about failed writes (the items are then dropped)
 * @returns the writer; `flush()` it at the end
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const batches: number[][] = [];
 * const writer = createBatchedWriter<number>((b) => (batches.push(b), Promise.resolve()), {
 *   batchSize: 2,
 * });
 * await writer.add([1]);
 * await writer.add([2, 3]);
 * await writer.flush();
 * assert.deepEqual(batches, [[1, 2, 3]]);
 * ```
 */
export function createBatchedWriter<T>(
  write: (batch: T[]) => Promise<unknown>,
  options: { batchSize: number; onError?: (error: unknown) => void },
): BatchedWriter<T> {
  let pending: T[] = [];
  let chain: Promise<void> = Promise.resolve();
  let queued = 0; // writes started and not finished
  const start = () => {
    const batch = pending;
    pending = [];
    if (batch.length === 0) return chain;
    queued++;
    chain = chain.then(() => write(batch)).then(
      () => {},
      (error: unknown) => options.onError?.(error),
    ).finally(() => queued--);
    return chain;
  };
  return {
    async add(items) {
      for (const item of items) pending.push(item);
      if (pending.length < options.batchSize) return;
      // one write at work and one waiting at most: beyond that, the caller waits for the store
      if (queued >= 2) await chain;
      void start();
    },
    flush: () => start(),
  };
}
