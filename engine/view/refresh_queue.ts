/**
 * The upstream refresh budget (issue 24): after a nightly batch every snapshot is older than the
 * freshness window, so every first view of the morning would start a lookup that asks every
 * source. Instead, a stale view is served at once (with its age) and its person is queued; the
 * queue refreshes people only as fast as every source's budget allows. Each source's budget is a
 * token bucket kept in the store (`CoordinationStore.takeToken`), so every process sharing the
 * store spends from the same budget. One token is one person's lookup at that source; the
 * configured request rate is divided by the requests one lookup makes there (see
 * `plugins/refresh_budgets.ts` for the defaults taken from each vendor's published quota).
 *
 * @module
 */
import type { CoordinationStore, Rate } from "../core/store_ports.ts";

/** One source's refresh budget, in person lookups. */
export interface SourceBudget {
  /** The source's name (its plugin's name): the bucket's key is `refresh` + this name. */
  source: string;
  /** Lookups of one person at this source allowed per `perSeconds` (a bucket of `requests`). */
  rate: Rate;
}

/** What {@link createRefreshQueue} needs. */
export interface RefreshQueueParts {
  /** Every source a lookup asks, with its budget. No budget: refreshes are not limited. */
  budgets: readonly SourceBudget[];
  /** The store's token buckets (shared by every process on the store). */
  tokens: Pick<CoordinationStore, "takeToken">;
  now: () => Date;
  /**
   * Waits `ms` milliseconds, or rejects when `signal` aborts (`stop()`): a timer; tests pass one
   * that moves a fake clock.
   */
  sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  /** At most this many people wait (default 100,000); past that a request is refused. */
  maxQueued?: number;
  /** At most this many refreshes run at once in this process (default 4). */
  concurrency?: number;
  /** Told about a refresh or a store call that failed (the queue goes on). */
  onError?: (what: string, error: unknown) => void;
}

/** What a queued person's turn does. */
export interface RefreshJob {
  /**
   * Asked when the person's turn comes, before any token is taken: `false` drops the person
   * (refreshed meanwhile by another process, a batch or "Check again") without spending budget.
   * Absent: always needed. A throw counts as needed.
   */
  needed?: () => Promise<boolean>;
  /** The refresh itself (one lookup of the person). */
  refresh: () => Promise<unknown>;
}

/** What {@link RefreshQueue.request} did: the reasons a stale view's refresh is deferred. */
export type RefreshRequestOutcome = "queued" | "already queued" | "full";

/** Counts since the queue was built, for `/metrics` (each only goes up). */
export interface RefreshCounts {
  /** Requests by outcome (see {@link RefreshRequestOutcome}). */
  requests: Record<RefreshRequestOutcome, number>;
  /** Refreshes that ran: `done` resolved, `failed` rejected, `skipped` no longer needed. */
  refreshes: { done: number; failed: number; skipped: number };
  /** Times the queue waited for a token, by the source whose bucket was empty. */
  waits: Record<string, number>;
}

/** The refresh queue of one process. */
export interface RefreshQueue {
  /**
   * Queues a refresh of `key` (a person), unless one is already queued. Returns at once.
   *
   * @returns `queued`, `already queued`, or `full` (`maxQueued` people wait: nothing is queued,
   *   the caller's stale view stays and the next view asks again)
   */
  request(key: string, job: RefreshJob | (() => Promise<unknown>)): RefreshRequestOutcome;
  /** People waiting now. */
  readonly queued: number;
  /**
   * Whether the queue is waiting for a source's budget now: its last try to take tokens found a
   * bucket empty, and no refresh has been let through since. A person queued meanwhile waits for
   * the budget, not only for their turn.
   */
  readonly waitingForBudget: boolean;
  /** What the queue did since it was built. */
  readonly counts: Readonly<RefreshCounts>;
  /** Resolves once nobody waits and no refresh runs (tests, benchmarks, shutdown). */
  idle(): Promise<void>;
  /** Stops taking people off the queue and ends a wait for tokens (running refreshes finish). */
  stop(): void;
}

/** The store key of a source's refresh bucket. */
export function refreshBucketKey(source: string): string {
  return `refresh\u0000${source}`;
}

/**
 * Builds a refresh queue. People are refreshed in the order they were queued; when a person's
 * turn comes, one no longer `needed` is dropped without spending anything; else one
 * token is taken from every source's bucket, the tightest budget first, so a refused token costs
 * nothing at the other sources (a later refusal, possible only when another process took the
 * last token in between, leaves the earlier tokens unspent: never more requests than budgeted).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const refreshed: string[] = [];
 * const queue = createRefreshQueue({
 *   budgets: [{ source: "google", rate: { requests: 400, perSeconds: 60 } }],
 *   tokens: { takeToken: () => Promise.resolve(0) }, // 0: a token now, no wait
 *   now: () => new Date(),
 *   sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
 * });
 * assert.equal(queue.request("fry@example.com", async () => void refreshed.push("fry")), "queued");
 * await queue.idle();
 * assert.deepEqual(refreshed, ["fry"]);
 * ```
 */
export function createRefreshQueue(parts: RefreshQueueParts): RefreshQueue {
  const budgets = [...parts.budgets].sort((a, b) =>
    a.rate.requests / a.rate.perSeconds - b.rate.requests / b.rate.perSeconds
  );
  const maxQueued = parts.maxQueued ?? 100_000;
  const concurrency = parts.concurrency ?? 4;
  const waiting = new Map<string, RefreshJob>();
  const counts: RefreshCounts = {
    requests: { queued: 0, "already queued": 0, full: 0 },
    refreshes: { done: 0, failed: 0, skipped: 0 },
    waits: {},
  };
  const running = new Set<Promise<unknown>>();
  let pumping: Promise<void> | undefined;
  let stopped = false;
  let starved = false;
  const stopping = new AbortController();
  const report = (what: string, error: unknown) => parts.onError?.(what, error);

  /** Seconds until every budget can give a token (0: one was taken from each). */
  async function takeTokens(): Promise<number> {
    for (const { source, rate } of budgets) {
      const wait = await parts.tokens.takeToken(refreshBucketKey(source), rate, parts.now());
      if (wait > 0) {
        counts.waits[source] = (counts.waits[source] ?? 0) + 1;
        return wait;
      }
    }
    return 0;
  }

  async function pump(): Promise<void> {
    while (!stopped && waiting.size > 0) {
      if (running.size >= concurrency) {
        await Promise.race(running);
        continue;
      }
      const [key, job] = waiting.entries().next().value!;
      if (job.needed && !(await job.needed().catch(() => true))) {
        waiting.delete(key);
        counts.refreshes.skipped++;
        continue;
      }
      let wait: number;
      try {
        wait = await takeTokens();
      } catch (error: unknown) {
        report("take a refresh token", error);
        wait = 1; // the store failed: try again in a second, never refresh unbudgeted
      }
      starved = wait > 0;
      if (wait > 0) {
        try {
          await parts.sleep(wait * 1000, stopping.signal);
        } catch (error: unknown) {
          if (!stopped) report("wait for a refresh token", error);
        }
        continue;
      }
      waiting.delete(key);
      const done: Promise<unknown> = job.refresh()
        .then(() => counts.refreshes.done++, (error: unknown) => {
          counts.refreshes.failed++;
          report("refresh a snapshot", error);
        })
        .finally(() => running.delete(done));
      running.add(done);
    }
  }

  function start(): void {
    pumping ??= pump().finally(() => {
      pumping = undefined;
      if (!stopped && waiting.size > 0) start(); // queued while the loop was ending
    });
  }

  return {
    request(key, job) {
      const outcome = waiting.has(key)
        ? "already queued"
        : waiting.size >= maxQueued
        ? "full"
        : "queued";
      counts.requests[outcome]++;
      if (outcome !== "queued") return outcome;
      waiting.set(key, typeof job === "function" ? { refresh: job } : job);
      if (!stopped) start();
      return outcome;
    },
    get queued() {
      return waiting.size;
    },
    get waitingForBudget() {
      return starved && waiting.size > 0;
    },
    counts,
    async idle() {
      while (pumping || running.size > 0) {
        await pumping;
        await Promise.all(running);
      }
    },
    stop() {
      stopped = true;
      stopping.abort();
    },
  };
}
