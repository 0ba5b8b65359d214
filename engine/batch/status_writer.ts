/**
 * The batch's status history (issue 25): each person is answered "since when" from a read of
 * the history, and the observations are recorded behind them, many people per store call. A
 * person never waits for a write (a commit blocked the run's one thread for each person), only
 * for room while the store is behind. Changes when the way a batch records statuses changes.
 *
 * @module
 */
import type { StatusObservation, StatusStore } from "../core/store_ports.ts";
import { observationKey } from "../view/since.ts";

/** Records statuses for the batch; see {@link createObservationWriter}. */
export interface ObservationWriter {
  /**
   * Per `device\u0000practice`, when each observed status began (as `StatusStore.observe()`
   * answers), and queues the observations to be recorded. Resolves once answered — or, while a
   * full batch already waits behind the write in progress, once that write is done. Never
   * rejects: when the history cannot be read the answer is empty (told to `onError`).
   */
  observe(observations: StatusObservation[]): Promise<Map<string, Date>>;
  /** Records everything queued; resolves when every write is done. */
  flush(): Promise<void>;
}

/** An observation answered and not yet known to be in the store. */
type Held = { status: string; since: number };

/**
 * The batch's writer: answers from `store.began()` (one read per person), with the observations
 * queued or being written laid over it, so two people sharing a device are answered as if each
 * observation had been recorded in turn; records with `store.observe()` at most `batchSize`
 * observations per call, one call at a time, one full batch waiting at most. A failed write is
 * retried once, then told to `onError` with the number of observations not recorded.
 *
 * @param store where the history lives
 * @param options observations per write (default 1000: a SQLite transaction of a few ms, which
 *   blocks the run's thread); told about failed reads and writes
 * @returns the writer; `flush()` it at the end of the run
 * @example Two people answered, then recorded in one write
 * ```ts
 * import assert from "node:assert/strict";
 * import type { StatusObservation } from "../core/store_ports.ts";
 * const writes: StatusObservation[][] = [];
 * const at = new Date("2026-12-07T09:00:00Z");
 * const writer = createObservationWriter({
 *   began: (o) => Promise.resolve(new Map(o.map((x) => [`${x.device}\u0000${x.practice}`, x.since]))),
 *   observe: (o) => (writes.push(o), Promise.resolve(new Map())),
 * });
 * const a = await writer.observe([{ device: "serial:A", practice: "firewall", status: "ok", since: at }]);
 * await writer.observe([{ device: "serial:B", practice: "firewall", status: "warn", since: at }]);
 * assert.deepEqual(a, new Map([["serial:A\u0000firewall", at]]));
 * assert.equal(writes.length, 0); // nobody waited for a write
 * await writer.flush();
 * assert.equal(writes.length, 1);
 * assert.equal(writes[0]?.length, 2);
 * ```
 */
export function createObservationWriter(
  store: Pick<StatusStore, "observe" | "began">,
  options: { batchSize?: number; onError?: (error: unknown) => void } = {},
): ObservationWriter {
  const max = options.batchSize ?? 1000;
  /** Answered observations not known to be in the store, by key: laid over every read. */
  const held = new Map<string, Held>();
  let queue: StatusObservation[] = [];
  let chain: Promise<void> = Promise.resolve();
  const writing: Promise<void>[] = []; // writes started and not finished, oldest first
  // a write that ends while a read is out may be missing from that read: its observations stay
  // held until every read that began before it has answered
  let writesDone = 0;
  const readsFrom = new Map<number, number>(); // writesDone when a read began → reads out
  const finished: { seq: number; items: [string, Held][] }[] = [];
  const release = () => {
    const oldest = readsFrom.size === 0 ? Infinity : Math.min(...readsFrom.keys());
    while (finished.length > 0 && finished[0]!.seq < oldest) {
      for (const [key, h] of finished.shift()!.items) if (held.get(key) === h) held.delete(key);
    }
  };
  const write = async (batch: StatusObservation[], items: [string, Held][]) => {
    try {
      await store.observe(batch).catch(() => store.observe(batch));
    } catch (error: unknown) {
      options.onError?.(
        new Error(`${batch.length} practice statuses not recorded: ${String(error)}`, {
          cause: error,
        }),
      );
    }
    finished.push({ seq: writesDone++, items });
    release();
  };
  const start = () => {
    const batch = queue;
    queue = [];
    if (batch.length === 0) return chain;
    const items = batch.map((o): [string, Held] => {
      const key = observationKey(o.device, o.practice);
      return [key, held.get(key)!];
    });
    const done: Promise<void> = chain = chain.then(() => write(batch, items)).finally(() =>
      void writing.splice(writing.indexOf(done), 1)
    );
    writing.push(done);
    return chain;
  };
  return {
    async observe(observations) {
      const out = new Map<string, Date>();
      if (observations.length === 0) return out;
      const seq = writesDone;
      readsFrom.set(seq, (readsFrom.get(seq) ?? 0) + 1);
      try {
        const recorded = await store.began(observations);
        for (const o of observations) {
          const key = observationKey(o.device, o.practice);
          const prior = held.get(key);
          const since = prior
            ? (prior.status === o.status ? prior.since : o.since.getTime())
            : recorded.get(key)?.getTime() ?? o.since.getTime();
          held.set(key, { status: o.status, since });
          out.set(key, new Date(since));
          queue.push(o);
        }
      } catch (error: unknown) {
        const n = observations.length;
        options.onError?.(
          new Error(`${n} practice statuses neither read nor recorded: ${String(error)}`, {
            cause: error,
          }),
        );
      } finally {
        // only now: this read's answer was laid over with what it may have missed
        const left = readsFrom.get(seq)! - 1;
        if (left === 0) readsFrom.delete(seq);
        else readsFrom.set(seq, left);
        release();
      }
      if (queue.length >= max) {
        // one write at work and one full batch waiting at most: beyond that, the run waits
        if (writing.length >= 2) await writing[0];
        void start();
      }
      return out;
    },
    async flush() {
      await start();
      await chain;
    },
  };
}
