/**
 * Duo sign-in events (decision 1). One background poller among all the processes sharing the
 * store (it holds the store's lease `duo-poller`, renewed before every page and kept through its
 * back-off; when its process stops or dies, another takes the lease over within three
 * `POLL_SECONDS` of its end) reads the Admin API v2 authentication log into the store's event
 * cache, pages with `next_offset`, backs off on 429 (honouring `Retry-After`) and prunes events
 * older than `RETENTION_DAYS`; `eventsByEmail` reads the cache and never calls Duo.
 *
 * Config: `DUO_INTEGRATION_KEY`, `DUO_SECRET_KEY`, `DUO_API_HOSTNAME`, optional `DUO_API_URL`
 * (default `https://{DUO_API_HOSTNAME}`), `POLL_SECONDS` (60), `RETENTION_DAYS` (14), `TIMEOUT`,
 * `DEBUG`, and `USERNAME_DOMAIN`: the domain Duo's username normalisation strips, so a bare Duo
 * user name (`alice`) is read as `alice@USERNAME_DOMAIN` only; unset, a bare name reaches every
 * address with that local part (the original's behaviour). A user name Duo logged as a whole
 * address always reaches that address only.
 *
 * @module
 */
import { z } from "zod";
import type { Logger } from "../../config/log.ts";
import { UpstreamError } from "../../engine/core/ports.ts";
import type { Store } from "../../engine/core/store_ports.ts";
import type { AccessEvent } from "../../engine/core/types.ts";
import { AuthError, createHttpClient, type HttpClient } from "../http.ts";
import { RateLimitError } from "../retry_after.ts";
import { definePlugin, timeoutSeconds } from "../plugin.ts";
import {
  AuthLogPage,
  duoKeysFor,
  duoUsername,
  rfc2822,
  signDuoRequest,
  toEvent,
} from "./duo_api.ts";
import { type SkippedRecordsTally, skippedRecordsTally } from "./skipped_records.ts";
import { abortable } from "../../lib/abort.ts";

/** `PLUGINS.duo` keys. */
export const duoSchema = z.object({
  DUO_INTEGRATION_KEY: z.string().min(1),
  DUO_SECRET_KEY: z.string().min(1),
  DUO_API_HOSTNAME: z.string().regex(/^[a-z0-9.-]+$/i, "expected a host name"),
  DUO_API_URL: z.url({ protocol: /^https?$/ }).optional(),
  POLL_SECONDS: z.number().positive().default(60),
  RETENTION_DAYS: z.number().positive().default(14),
  USERNAME_DOMAIN: z.string().regex(
    /^[a-z0-9.-]+\.[a-z]{2,}$/i,
    "expected a domain such as example.com",
  )
    .optional(),
  TIMEOUT: timeoutSeconds,
  DEBUG: z.boolean().default(false),
}).strict();

/** The authentication log endpoint. */
export const AUTH_LOG_PATH = "/admin/v2/logs/authentication";
const PAGE_LIMIT = 1000;
/** Duo makes log entries available about two minutes after they happen. */
const LOG_DELAY_MS = 2 * 60_000;
/** How far back the very first poll reads (as the original: 12 hours). */
const FIRST_LOOKBACK_MS = 12 * 3600_000;
const MAX_PAGES = 200;
const MAX_BACKOFF_MS = 3600_000;
const DAY_MS = 86_400_000;

/** What one poll needs. */
export interface PollDeps {
  client: HttpClient;
  sign: (params: Record<string, string>) => Promise<Record<string, string>>;
  /** The store's event cache. */
  store: Pick<Store, "events">;
  /** Store key, the plugin's name. */
  source: string;
  now: () => Date;
  log: Logger;
  pollMs: number;
  retentionMs: number;
  debug: boolean;
  /** Asked before each page: false stops the poll (another process holds the poller lease). */
  stillHolder?: () => Promise<boolean>;
  /** Where entries that cannot be stored are counted, with the user they name when readable. */
  tally?: SkippedRecordsTally;
}

/** What one poll did, and when the next should run. */
export interface PollResult {
  stored: number;
  pages: number;
  nextDelayMs: number;
  error: Error | null;
}

/**
 * Reads new authentication log entries into the store, then prunes old ones. Never rejects.
 *
 * @param deps client, signer, store, clock and policy
 * @param state consecutive failures so far (updated), for exponential back-off
 * @param signal stops the poll (on close)
 * @returns what was stored and when to poll next
 */
export async function pollOnce(
  deps: PollDeps,
  state: { failures: number },
  signal: AbortSignal,
): Promise<PollResult> {
  const now = deps.now().getTime();
  const result: PollResult = { stored: 0, pages: 0, nextDelayMs: deps.pollMs, error: null };
  try {
    const latest = await deps.store.events.latestEventTime(deps.source);
    const mintime = Math.max(
      latest === null ? now - FIRST_LOOKBACK_MS : latest.getTime() + 1,
      now - deps.retentionMs,
    );
    const maxtime = now - LOG_DELAY_MS;
    let offset: string | undefined;
    while (mintime < maxtime && result.pages < MAX_PAGES) {
      if (deps.stillHolder && !await deps.stillHolder()) break;
      const params: Record<string, string> = {
        limit: String(PAGE_LIMIT),
        maxtime: String(maxtime),
        mintime: String(mintime),
        sort: "ts:asc",
        ...(offset === undefined ? {} : { next_offset: offset }),
      };
      const headers = await deps.sign(params);
      const { body } = await deps.client.request("GET", AUTH_LOG_PATH, {
        signal,
        query: params,
        headers,
      });
      result.pages++;
      const page = AuthLogPage.safeParse(body);
      if (!page.success) throw new UpstreamError("Duo: unexpected authentication log page");
      const { authlogs, metadata } = page.data.response;
      const read = authlogs.map((a) => toEvent(a, { debug: deps.debug }));
      const events = read.filter((e): e is AccessEvent => e !== null);
      if (events.length < authlogs.length) {
        deps.log.warn("duo: skipped malformed log entries", {
          skipped: authlogs.length - events.length,
        });
        read.forEach((e, i) => e === null && countSkipped(deps.tally, authlogs[i]));
      }
      if (events.length > 0) await deps.store.events.putEvents(deps.source, events);
      result.stored += events.length;
      const next = metadata?.next_offset?.join(",");
      if (!next || next === offset || authlogs.length === 0) break;
      offset = next;
    }
    state.failures = 0;
  } catch (error: unknown) {
    result.error = error instanceof Error ? error : new Error(String(error));
    if (signal.aborted) return result;
    state.failures++;
    const backoff = Math.min(deps.pollMs * 2 ** state.failures, MAX_BACKOFF_MS);
    const asked = error instanceof RateLimitError ? error.retryAfterMs ?? 0 : 0;
    result.nextDelayMs = Math.max(backoff, asked);
    deps.log.warn("duo: poll failed", {
      error: result.error.message,
      retryInMs: result.nextDelayMs,
    });
  }
  try {
    await deps.store.events.pruneEvents(new Date(now - deps.retentionMs));
  } catch (error: unknown) {
    deps.log.warn("duo: pruning the event cache failed", { error: String(error) });
  }
  return result;
}

/**
 * Counts an entry that could not be stored: `malformed` (no usable time, counted under the user
 * it names so that person's lookups name it) or `noOwner` (no user name at all).
 */
function countSkipped(tally: SkippedRecordsTally | undefined, raw: unknown): void {
  const entry = raw as { txid?: unknown; user?: { name?: unknown } | null } | null;
  const id = typeof entry?.txid === "string" ? entry.txid : "?";
  const name = entry?.user?.name;
  if (typeof name === "string" && name.trim() !== "") {
    tally?.count("malformed", { id, owner: duoUsername(name) });
  } else tally?.count("noOwner", { id });
}

/** Pollers running in this process, by API URL and integration key. */
const running = new Set<string>();

/** The Duo event source; see the module doc for its config. */
export default definePlugin(duoSchema, (config, ctx) => {
  const apiUrl = config.DUO_API_URL ?? `https://${config.DUO_API_HOSTNAME}`;
  const client = createHttpClient({
    rateLimitRetries: 0, // the poller waits out a 429 itself (Retry-After or its back-off)
    name: "Duo",
    baseUrl: apiUrl,
    timeoutMs: ctx.timeoutMs ?? 30_000,
  });
  const retentionMs = config.RETENTION_DAYS * DAY_MS;
  const deps: PollDeps = {
    client,
    sign: (params) =>
      signDuoRequest({
        method: "GET",
        host: config.DUO_API_HOSTNAME,
        path: AUTH_LOG_PATH,
        params,
        date: rfc2822(ctx.now()),
        ikey: config.DUO_INTEGRATION_KEY,
        skey: config.DUO_SECRET_KEY,
      }),
    store: ctx.store,
    source: ctx.name,
    now: ctx.now,
    log: ctx.log.child({ plugin: ctx.name }),
    pollMs: config.POLL_SECONDS * 1000,
    retentionMs,
    debug: config.DEBUG,
    tally: skippedRecordsTally(ctx.log, ctx.name),
  };
  const key = `${apiUrl}|${config.DUO_INTEGRATION_KEY}`;
  const controller = new AbortController();
  const state = { failures: 0 };
  let timer: ReturnType<typeof setTimeout> | undefined;
  let current: Promise<void> | null = null;
  let last: PollResult | null = null;
  let firstDone: () => void = () => {};
  const first = new Promise<void>((resolve) => (firstDone = resolve));
  const owner = !running.has(key);
  // The poller lease in the store: one poller among every process on it (see the module doc).
  const lease = { name: `duo-poller\u0000${key}`, holder: crypto.randomUUID(), held: false };
  const leaseMs = 3 * deps.pollMs;
  let told: boolean | undefined;

  async function takeLease(forMs: number): Promise<boolean> {
    const now = ctx.now();
    try {
      lease.held = await ctx.store.coordination.takeLease(lease.name, lease.holder, {
        until: new Date(now.getTime() + forMs),
        now,
      });
    } catch (error: unknown) {
      deps.log.warn("duo: cannot take the poller lease in the store", { error: String(error) });
      lease.held = false;
    }
    if (lease.held !== told) {
      told = lease.held;
      deps.log.info(
        lease.held
          ? "duo: this process polls Duo (it holds the poller lease)"
          : "duo: another process polls Duo; this one reads the shared event cache",
      );
    }
    return lease.held;
  }

  function run(): void {
    timer = undefined;
    current = (async () => {
      let delay = deps.pollMs;
      if (await takeLease(leaseMs)) {
        const polled = { ...deps, stillHolder: () => takeLease(leaseMs) };
        last = await pollOnce(polled, state, controller.signal);
        delay = last.nextDelayMs;
        // kept through the wait: a poller backing off does so for every process
        if (!controller.signal.aborted && lease.held) await takeLease(delay + leaseMs);
      }
      firstDone();
      if (!controller.signal.aborted) timer = setTimeout(run, delay);
    })();
  }
  if (owner) {
    running.add(key);
    timer = setTimeout(run, 0);
  } else {
    ctx.log.warn("duo: a poller already runs for this Duo account; not starting another", {
      plugin: ctx.name,
    });
    firstDone();
  }

  return {
    name: ctx.name,
    timeoutMs: ctx.timeoutMs,
    skippedRecords: () => deps.tally?.counts() ?? [],
    async eventsByEmail(email, options) {
      const since = new Date(ctx.now().getTime() - retentionMs);
      const keys = duoKeysFor(email, config.USERNAME_DOMAIN);
      const found = await Promise.all(
        keys.map((key) => ctx.store.events.eventsFor(ctx.name, key, since)),
      );
      // Entries this process's poller could not store that name the person (a poller in another
      // process counts its own: see the README's "When data is missing").
      for (const c of deps.tally?.counts() ?? []) {
        const count = keys.reduce((n, k) => n + (c.byOwner?.[k] ?? 0), 0);
        if (count > 0) {
          options?.reportGap?.({ kind: "skipped", reason: c.reason, words: c.label, count });
        }
      }
      return found.flat().sort((a, b) => b.timestamp.getTime() - a.timestamp.getTime());
    },
    checkConnectivity: async ({ signal }) => {
      await abortable(first, signal);
      // another process polls: ask Duo once here (new entries only; storing them is idempotent)
      last ??= await pollOnce(deps, { failures: 0 }, signal);
      const error = (last as PollResult | null)?.error;
      if (error instanceof AuthError) {
        throw new UpstreamError(
          "Duo authentication failure; check DUO_INTEGRATION_KEY and DUO_SECRET_KEY",
        );
      }
      if (error) throw new UpstreamError(`Duo connection failure; ${error.message}`);
    },
    close: async () => {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      controller.abort(new Error("Duo poller closed"));
      await current;
      if (lease.held) {
        // let another process take over at once rather than after the lease runs out
        await ctx.store.coordination.releaseLease(lease.name, lease.holder).catch(
          (error: unknown) => {
            deps.log.warn("duo: cannot release the poller lease", { error: String(error) });
          },
        );
        lease.held = false;
      }
      if (owner) running.delete(key);
      firstDone();
    },
  };
}, { kinds: ["events"], summary: "Duo Admin API authentication log (background poller)" });
