/**
 * The release-data plugin: fetches the SOFA feeds and the endoflife.date products, keeps the last
 * good copy of each in the store (so every process shares it), and serves the engine's
 * {@link ReleaseDataSource} port. When a feed is down it keeps the copy it has, else the store's,
 * else the shipped file (`shipped.json`, refreshed with `deno task releases:refresh`). Its age is
 * reported (`status()`), and a warning is logged at most once a day when it is too old. This is
 * the folder's entry and the service (which copy is in use); the feed parsers, the stored form,
 * the status report and the refresh schedule live beside it.
 *
 * @module
 */
import type { Logger } from "../../config/log.ts";
import type { ReleaseDataConfig } from "../../config/schema.ts";
import type { CallOptions, PluginBase } from "../../engine/core/ports.ts";
import type { ReleaseFeedStore } from "../../engine/core/store_ports.ts";
import {
  daysBetween,
  type ReleaseData,
  type ReleaseDataSource,
  type ReleaseOrigin,
  type ReleaseSnapshot,
} from "../../engine/releases/releases.ts";
import { createHttpClient } from "../http.ts";
import {
  decodeFeed,
  encodeFeed,
  type FeedName,
  type FeedValue,
  newestReleaseDate,
  place,
} from "./codec.ts";
import { parseEndOfLife, parseSofaFeed } from "./parse.ts";
import { refreshEvery, SYSTEM_TIMERS, type Timers } from "./schedule.ts";
import { SHIPPED } from "./shipped.ts";
import { errorMessage } from "../../lib/error_message.ts";
import { type FeedState, type ReleaseStatus, releaseStatus } from "./status.ts";

export { describeReleaseStatus, type FeedState, type ReleaseStatus } from "./status.ts";
export type { Timers } from "./schedule.ts";

/** The running release-data service. */
export interface ReleaseService extends ReleaseDataSource, PluginBase {
  /** Whether this process fetches the feeds (`RELEASE_DATA.FETCH`, off in demo mode). */
  readonly fetching: boolean;
  /** Reads the store's copies (else the shipped ones). Never throws. */
  load(): Promise<void>;
  /** Fetches every feed once; returns the feeds that failed (empty when all succeeded). */
  refresh(): Promise<FeedState[]>;
  /** Refreshes now and every `REFRESH_HOURS` until `close()` (only when fetching is on). */
  start(): void;
  status(): ReleaseStatus;
  /**
   * Stops the schedule, aborts a refresh in flight and waits for it to end, so nothing reads or
   * writes the store after this resolves (close it before the store).
   */
  close(): Promise<void>;
}

/** Options of {@link createReleaseService}. */
export interface ReleaseServiceOptions {
  config: ReleaseDataConfig;
  store: ReleaseFeedStore;
  log: Logger;
  now?: () => Date;
  /** Whether `start()` fetches (default `config.FETCH ?? true`). */
  fetch?: boolean;
  /** Replaces the global fetch (tests). */
  fetchImpl?: typeof fetch;
  /** Retries per request on transport errors and 5xx (default 2). */
  retries?: number;
  /** Replaces `setTimeout` / `clearTimeout` (tests drive the refresh schedule with it). */
  timers?: Timers;
}

const DAY_MS = 86_400_000;
const COPY_WORDS = {
  feed: "the copy fetched earlier",
  store: "the store's copy",
  shipped: "the file shipped with Stethoscope",
} as const;
const USER_AGENT = "Stethoscope-release-data/1 (+https://github.com/Netflix/stethoscope)";

/**
 * Creates the service; call `load()` before use, `start()` to keep it fresh.
 *
 * @example Offline, from the shipped file
 * ```ts
 * import assert from "node:assert/strict";
 * import { silentLogger } from "../../config/log.ts";
 * import { ReleaseDataSchema } from "../../config/schema.ts";
 * const releases = createReleaseService({
 *   config: ReleaseDataSchema.parse({ FETCH: false }),
 *   store: { releaseFeed: () => Promise.resolve(null), putReleaseFeed: () => Promise.resolve() },
 *   log: silentLogger,
 * });
 * await releases.load();
 * assert.equal(releases.status().origin, "shipped"); // no feed fetched or stored yet
 * ```
 */
export function createReleaseService(options: ReleaseServiceOptions): ReleaseService {
  const { config, store, log } = options;
  const now = options.now ?? (() => new Date());
  const timeoutMs = Math.round(config.TIMEOUT * 1000);
  const client = (name: string, baseUrl: string) =>
    createHttpClient({
      name,
      kind: "feed", // no redirect followed, never a file: URL
      baseUrl,
      timeoutMs,
      retries: options.retries ?? 2,
      headers: { "User-Agent": USER_AGENT, Accept: "application/json" },
      ...(options.fetchImpl ? { fetch: options.fetchImpl } : {}),
    });
  const sources = new Map<FeedName, { get: (signal: AbortSignal) => Promise<FeedValue> }>();
  const sofa = (url: string) => async (signal: AbortSignal) =>
    parseSofaFeed(await client("SOFA", url).getJson("", { signal }));
  sources.set("sofa:macOS", { get: sofa(config.SOFA_MACOS_URL) });
  sources.set("sofa:iOS", { get: sofa(config.SOFA_IOS_URL) });
  const eol = client("endoflife.date", config.ENDOFLIFE_URL);
  for (const product of config.ENDOFLIFE_PRODUCTS) {
    sources.set(`endoflife:${product}`, {
      get: async (signal) => parseEndOfLife(await eol.getJson(`/${product}.json`, { signal })),
    });
  }

  const states = new Map<FeedName, FeedState & { value: FeedValue }>();
  const stopping = new AbortController();
  let cached: ReleaseSnapshot | null = null;
  let lastWarning: number | null = null;
  let timer: unknown;
  /** Refreshes in flight, awaited by `close()`. */
  const running = new Set<Promise<unknown>>();
  const timers = options.timers ?? SYSTEM_TIMERS;

  for (const name of sources.keys()) {
    const shipped = SHIPPED.feeds[name];
    if (shipped) {
      states.set(name, { name, origin: "shipped", asOf: shipped.asOf, value: shipped.value });
    }
  }

  function rebuild(): void {
    const data: ReleaseData = { apple: {}, lifecycles: {} };
    let origin: ReleaseOrigin = "feed";
    let asOf: Date | null = null;
    for (const s of states.values()) {
      place(data, s.name, s.value);
      if (s.origin === "shipped" || (s.origin === "store" && origin === "feed")) origin = s.origin;
      if (asOf === null || s.asOf < asOf) asOf = s.asOf;
    }
    cached = asOf === null ? null : { data, origin, asOf };
  }

  async function fromStore(name: FeedName): Promise<boolean> {
    try {
      const copy = await store.releaseFeed(name);
      const current = states.get(name);
      // The newer wins, whatever its origin: after an upgrade the shipped file can be newer than
      // a copy stored while the feeds were out of reach.
      if (!copy || (current && copy.fetchedAt <= current.asOf)) {
        return false;
      }
      const value = decodeFeed(name, copy.body);
      const error = current?.error;
      states.set(name, {
        name,
        origin: "store",
        asOf: copy.fetchedAt,
        value,
        ...(error ? { error } : {}),
      });
      return true;
    } catch (error: unknown) {
      log.warn("cannot read the stored copy of a release feed", {
        feed: name,
        error: String(error),
      });
      return false;
    }
  }

  async function refreshOne(
    name: FeedName,
    get: (s: AbortSignal) => Promise<FeedValue>,
  ): Promise<FeedState | null> {
    const at = now();
    try {
      const value = await get(stopping.signal);
      const had = states.get(name);
      const inUse = had ? newestReleaseDate(had.value) : null;
      const got = newestReleaseDate(value);
      if (had && inUse && got && got.getTime() < inUse.getTime()) {
        // A mirror that stopped syncing (or a rolled-back file) is not down: keep the newer copy
        // and say so, with both dates.
        const day = (d: Date) => d.toISOString().slice(0, 10);
        had.behind = `the feed's newest release is dated ${day(got)}, older than ${day(inUse)} in ${
          COPY_WORDS[had.origin]
        }, which is kept`;
        delete had.error;
        log.warn("release feed is behind the copy in use; keeping that copy", {
          feed: name,
          detail: had.behind,
        });
        return null;
      }
      states.set(name, { name, origin: "feed", asOf: at, value });
      try {
        await store.putReleaseFeed({ name, fetchedAt: at, body: encodeFeed(value) });
      } catch (error: unknown) {
        log.warn("cannot save a release feed in the store", { feed: name, error: String(error) });
      }
      return null;
    } catch (error: unknown) {
      // stopping: the process is shutting down; the store may close next, so leave it alone
      if (stopping.signal.aborted) return null;
      const message = errorMessage(error);
      await fromStore(name); // another process may have fetched it
      const state = states.get(name);
      if (state) state.error = message;
      log.warn("release feed unavailable; using the last good copy", {
        feed: name,
        error: message,
        using: state ? `${state.origin} copy of ${state.asOf.toISOString()}` : "nothing",
      });
      if (!state) return { name, origin: "shipped", asOf: SHIPPED.checked, error: message };
      const { value: _, ...reported } = state;
      return reported;
    }
  }

  function status(): ReleaseStatus {
    return releaseStatus([...states.values()], cached, now(), config.WARN_AFTER_DAYS);
  }

  /** Called on every evaluation: cheap unless a warning is due. */
  function warnIfOld(): void {
    const t = now();
    if (lastWarning !== null && t.getTime() - lastWarning < DAY_MS) return;
    if (daysBetween(cached?.asOf ?? SHIPPED.checked, t) <= config.WARN_AFTER_DAYS) return;
    lastWarning = t.getTime();
    const s = status();
    log.warn("release data is older than RELEASE_DATA.WARN_AFTER_DAYS", {
      ageDays: s.ageDays,
      origin: s.origin,
      asOf: s.asOf.toISOString(),
      hint: "check that the feed URLs are reachable, or refresh the shipped file",
    });
  }

  rebuild();
  const fetching = options.fetch ?? config.FETCH ?? true;

  return {
    name: "releases",
    timeoutMs,
    fetching,
    snapshot() {
      warnIfOld();
      return cached;
    },
    async load() {
      await Promise.all([...sources.keys()].map(fromStore));
      rebuild();
    },
    async refresh() {
      const run = Promise.all([...sources].map(([name, s]) => refreshOne(name, s.get)));
      running.add(run);
      try {
        const results = await run;
        rebuild();
        if (stopping.signal.aborted) return [];
        warnIfOld();
        return results.filter((r): r is FeedState => r !== null);
      } finally {
        running.delete(run);
      }
    },
    start() {
      if (!fetching || timer !== undefined) return;
      timer = refreshEvery(this.refresh, {
        everyMs: Math.round(config.REFRESH_HOURS * 3_600_000),
        timers,
        log,
        stopping: stopping.signal,
        scheduled: (id) => timer = id,
      });
    },
    status,
    async checkConnectivity(call: CallOptions) {
      const failures: string[] = [];
      await Promise.all([...sources].map(async ([name, s]) => {
        try {
          await s.get(call.signal);
        } catch (error: unknown) {
          failures.push(`${name}: ${errorMessage(error)}`);
        }
      }));
      const st = status();
      const age = `release data from ${st.origin}, ${st.ageDays} days old`;
      if (failures.length > 0) throw new Error(`${failures.sort().join("; ")} (${age})`);
    },
    async close() {
      stopping.abort();
      if (timer !== undefined) timers.clear(timer);
      timer = undefined;
      await Promise.allSettled(running);
    },
  };
}
