/**
 * The upstream refresh budget (issue 24): after a nightly batch every snapshot is older than the
 * freshness window, so every first view of the morning would start a lookup that asks every
 * source. Instead, a stale view is served at once (with its age): when nobody waits and every
 * source's budget has a token at that moment, its refresh starts then; else its person is queued,
 * and the queue refreshes people only as fast as every source's budget allows. Each source's
 * budget is a token bucket kept in the store (`CoordinationStore.takeToken`), so every process
 * sharing the store spends from the same budget. One token is one person's lookup at that source; the
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

/**
 * What {@link RefreshQueue.request} did: `started` (every source's budget gave a token when asked:
 * the refresh runs now), or why it is deferred: `queued` (it waits for a budget, or behind people
 * who do), `already queued` (the person waits already) or `full` (nothing was queued).
 */
export type RefreshRequestOutcome = "started" | "queued" | "already queued" | "full";

/** Counts since the queue was built, for `/metrics` (each only goes up). */
export interface RefreshCounts {
  /** Requests by outcome (see {@link RefreshRequestOutcome}). */
  requests: Record<RefreshRequestOutcome, number>;
  /**
   * Refreshes that ran, started at once or after waiting: `done` resolved, `failed` rejected,
   * `skipped` no longer needed when its turn came.
   */
  refreshes: { done: number; failed: number; skipped: number };
  /** Times the queue waited for a token, by the source whose bucket was empty. */
  waits: Record<string, number>;
}

/** The refresh queue of one process. */
export interface RefreshQueue {
  /**
   * Asks for a refresh of `key` (a person). When nobody waits, a refresh slot is free and every
   * source's bucket gives a token now, the refresh starts (the tokens are taken by this call, so
   * the answer is what happens, whatever other views or processes ask meanwhile); else the person
   * is queued, unless already waiting. Resolves once that is decided, never after the refresh.
   * A store that fails to give a token counts as no token (reported to `onError`): queued.
   *
   * @returns `started`, `queued`, `already queued`, or `full` (`maxQueued` people wait: nothing
   *   is queued, the caller's stale view stays and the next view asks again)
   */
  request(key: string, job: RefreshJob | (() => Promise<unknown>)): Promise<RefreshRequestOutcome>;
  /** People waiting now. */
  readonly queued: number;
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
 * Builds a refresh queue. A request finding nobody waiting tries the budgets at once (see
 * {@link RefreshQueue.request}). Queued people are refreshed in the order they were queued; when a
 * person's turn comes, one no longer `needed` is dropped without spending anything; else one
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
 * const outcome = await queue.request("fry@example.com", async () => void refreshed.push("fry"));
 * assert.equal(outcome, "started");
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
  /** People whose request is taking tokens now, with what it will answer. */
  const deciding = new Map<string, Promise<RefreshRequestOutcome>>();
  const counts: RefreshCounts = {
    requests: { started: 0, queued: 0, "already queued": 0, full: 0 },
    refreshes: { done: 0, failed: 0, skipped: 0 },
    waits: {},
  };
  /** Refreshes running, and requests taking tokens (each holds a refresh slot). */
  const running = new Set<Promise<unknown>>();
  let pumping: Promise<void> | undefined;
  let stopped = false;
  /** No token before this (ms): the last refusal's wait. */
  let retryAtMs = -Infinity;
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

  /** {@link takeTokens}, a failing store counting as a second's wait; notes a refusal. */
  async function tryTokens(): Promise<number> {
    let wait: number;
    try {
      wait = await takeTokens();
    } catch (error: unknown) {
      report("take a refresh token", error);
      wait = 1; // the store failed: try again in a second, never refresh unbudgeted
    }
    if (wait > 0) retryAtMs = parts.now().getTime() + wait * 1000;
    return wait;
  }

  /** Runs a refresh that has its tokens, holding a slot until it ends. */
  function run(job: RefreshJob): void {
    const done: Promise<unknown> = job.refresh()
      .then(() => counts.refreshes.done++, (error: unknown) => {
        counts.refreshes.failed++;
        report("refresh a snapshot", error);
      })
      .finally(() => running.delete(done));
    running.add(done);
  }

  async function pump(): Promise<void> {
    while (!stopped && waiting.size > 0) {
      if (running.size >= concurrency) {
        await Promise.race(running);
        continue;
      }
      const pause = retryAtMs - parts.now().getTime();
      if (pause > 0) {
        try {
          await parts.sleep(pause, stopping.signal);
        } catch (error: unknown) {
          if (!stopped) report("wait for a refresh token", error);
        }
        retryAtMs = -Infinity;
        continue;
      }
      const [key, job] = waiting.entries().next().value!;
      if (job.needed && !(await job.needed().catch(() => true))) {
        waiting.delete(key);
        counts.refreshes.skipped++;
        continue;
      }
      if (await tryTokens() > 0) continue;
      waiting.delete(key);
      run(job);
    }
  }

  function start(): void {
    // pump() starts after this returns: a `sleep` that queues someone cannot start a second loop
    pumping ??= Promise.resolve().then(pump).finally(() => {
      pumping = undefined;
      if (!stopped && waiting.size > 0) start(); // queued while the loop was ending
    });
  }

  function enqueue(key: string, job: RefreshJob): "queued" | "full" {
    if (waiting.size >= maxQueued) return "full";
    waiting.set(key, job);
    if (!stopped) start();
    return "queued";
  }

  /** Takes every source's token for `key` now: runs its refresh, else queues it. */
  function tryNow(key: string, job: RefreshJob): Promise<RefreshRequestOutcome> {
    let decide!: (outcome: RefreshRequestOutcome) => void;
    const decided = new Promise<RefreshRequestOutcome>((resolve) => decide = resolve);
    const slot: Promise<unknown> = (async () => {
      const wait = await tryTokens();
      deciding.delete(key);
      if (wait > 0) return decide(enqueue(key, job));
      decide("started");
      run(job);
    })().finally(() => running.delete(slot));
    running.add(slot);
    deciding.set(key, decided);
    return decided;
  }

  async function request(key: string, job: RefreshJob): Promise<RefreshRequestOutcome> {
    const pending = deciding.get(key);
    if (pending) return await pending === "started" ? "started" : "already queued";
    if (waiting.has(key)) return "already queued";
    if (stopped || waiting.size > 0 || running.size >= concurrency) return enqueue(key, job);
    return await tryNow(key, job);
  }

  return {
    async request(key, job) {
      const outcome = await request(key, typeof job === "function" ? { refresh: job } : job);
      counts.requests[outcome]++;
      return outcome;
    },
    get queued() {
      return waiting.size;
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
