/**
 * The company-wide batch (spec §10, issue 6/7), pure parts: reading the list of people, sharding it
 * across machines, running every person through the engine with bounded concurrency (per run and
 * per source), and the run's statistics and {@link BatchRunSummary}. No I/O except through the
 * functions it is handed.
 *
 * @module
 */
import { type EngineParts } from "./engine.ts";
import { isValidEmail } from "./identifiers.ts";
import type { BatchRunSummary, CallOptions, DeviceSource, PreDeviceSource } from "./ports.ts";
import { deviceRating } from "./rating.ts";
import type { Collected, MergedDevice, SourceError } from "./types.ts";
import { toWire, type Wire } from "./wire.ts";
import { foldEmail } from "./emails.ts";

const STRIP_RE = /["\s]/g;

/** The people of an emails file: valid, deduplicated addresses in file order. */
export interface EmailList {
  emails: string[];
  /** Lines that are not email addresses, as written (after stripping). */
  invalid: string[];
  /** Lines skipped because the address came earlier (compared by `foldEmail`: ASCII case only). */
  duplicates: number;
}

/**
 * Reads an emails file: one address per line, whitespace and `"` stripped (spec §10), blank lines
 * and repeated addresses skipped, anything else that is not an address reported in `invalid`.
 *
 * @example
 * ```ts
 * parseEmailList('"fry@example.com"\n\nfry@example.com\nnope\n');
 * // { emails: ["fry@example.com"], invalid: ["nope"], duplicates: 1 }
 * ```
 */
export function parseEmailList(text: string): EmailList {
  const seen = new Set<string>();
  const out: EmailList = { emails: [], invalid: [], duplicates: 0 };
  for (const line of text.split(/\r?\n/)) {
    const email = line.replace(STRIP_RE, "");
    if (email === "") continue;
    if (!isValidEmail(email)) {
      out.invalid.push(email);
      continue;
    }
    const key = foldEmail(email);
    if (seen.has(key)) {
      out.duplicates++;
      continue;
    }
    seen.add(key);
    out.emails.push(email);
  }
  return out;
}

/** One machine's part of a run: `index` of `count` (1-based). */
export interface Shard {
  index: number;
  count: number;
}

/**
 * Parses `--shard I/N`.
 *
 * @throws {RangeError} when the text is not `I/N` with 1 ≤ I ≤ N
 * @example
 * ```ts
 * parseShard("2/4"); // { index: 2, count: 4 }
 * ```
 */
export function parseShard(text: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (!m || count < 1 || index < 1 || index > count) {
    throw new RangeError(`Invalid shard "${text}": expected I/N with 1 ≤ I ≤ N, e.g. 2/4`);
  }
  return { index, count };
}

/**
 * The shard (1..count) an email belongs to: the first 4 bytes of SHA-256 of the address folded
 * by `foldEmail`, modulo `count`. Stable across machines and runs.
 *
 * @example
 * ```ts
 * await shardOf("fry@example.com", 4); // always the same number in 1..4
 * ```
 */
export async function shardOf(email: string, count: number): Promise<number> {
  const bytes = new TextEncoder().encode(foldEmail(email));
  const digest = new DataView(await crypto.subtle.digest("SHA-256", bytes));
  return (digest.getUint32(0) % count) + 1;
}

/** The emails of `list` that belong to `shard`, in their order. */
export async function selectShard(list: readonly string[], shard: Shard): Promise<string[]> {
  if (shard.count === 1) return [...list];
  const marks = await Promise.all(list.map((e) => shardOf(e, shard.count)));
  return list.filter((_, i) => marks[i] === shard.index);
}

/** A counting semaphore; a waiter whose signal aborts leaves the queue. */
export interface Limiter {
  run<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T>;
  readonly active: number;
  readonly waiting: number;
}

/**
 * A limiter allowing `max` calls at a time.
 *
 * @example
 * ```ts
 * const limit = createLimiter(4);
 * await limit.run(() => fetchSomething());
 * ```
 */
export function createLimiter(max: number): Limiter {
  let active = 0;
  const queue: (() => void)[] = [];
  const release = () => {
    active--;
    queue.shift()?.();
  };
  async function acquire(signal?: AbortSignal): Promise<void> {
    if (active < max) {
      active++;
      return;
    }
    signal?.throwIfAborted();
    await new Promise<void>((resolve, reject) => {
      const go = () => {
        signal?.removeEventListener("abort", onAbort);
        active++;
        resolve();
      };
      const onAbort = () => {
        const i = queue.indexOf(go);
        if (i !== -1) queue.splice(i, 1);
        reject(signal?.reason);
      };
      queue.push(go);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }
  return {
    async run(fn, signal) {
      await acquire(signal);
      try {
        return await fn();
      } finally {
        release();
      }
    },
    get active() {
      return active;
    },
    get waiting() {
      return queue.length;
    },
  };
}

/**
 * The engine parts with every device and pre-device source behind a limiter of `perSource`
 * concurrent calls (one limiter per source name), so a run never floods one upstream.
 */
export function limitSources(parts: EngineParts, perSource: number): EngineParts {
  const limiters = new Map<string, Limiter>();
  const limiterOf = (name: string) => {
    let l = limiters.get(name);
    if (!l) limiters.set(name, l = createLimiter(perSource));
    return l;
  };
  type Call<T> = (value: string, o: CallOptions) => Promise<T>;
  const wrap = <T>(name: string, fn: Call<T> | undefined, self: object): Call<T> | undefined =>
    fn && ((value, o) => limiterOf(name).run(() => fn.call(self, value, o), o.signal));
  const deviceSources = parts.deviceSources.map((s): DeviceSource => {
    const out: DeviceSource = { name: s.name, timeoutMs: s.timeoutMs };
    const byEmail = wrap(s.name, s.devicesByEmail, s);
    const bySerial = wrap(s.name, s.devicesBySerial, s);
    const byMac = wrap(s.name, s.devicesByMac, s);
    if (byEmail) out.devicesByEmail = byEmail;
    if (bySerial) out.devicesBySerial = bySerial;
    if (byMac) out.devicesByMac = byMac;
    return out;
  });
  const preDeviceSources = parts.preDeviceSources.map((s): PreDeviceSource => ({
    name: s.name,
    timeoutMs: s.timeoutMs,
    preDevicesByEmail: wrap(s.name, s.preDevicesByEmail, s)!,
  }));
  return { ...parts, deviceSources, preDeviceSources };
}

/** What one person's run produced. */
export interface PersonOutcome {
  email: string;
  devices: MergedDevice[];
  errors: SourceError[];
  /** Wall time of the lookup, in ms. */
  ms: number;
}

/** Options of {@link runBatch}. */
export interface RunOptions {
  /** People looked up at once (≥ 1). */
  concurrency: number;
  /** One person's devices (the engine's `devicesForBatch`); should not throw. */
  collect: (email: string) => Promise<Collected<MergedDevice>>;
  /** Called once per person, awaited before that worker takes the next person. */
  onOutcome?: (outcome: PersonOutcome) => void | Promise<void>;
  /** Stops taking new people when aborted. */
  signal?: AbortSignal;
  /** Clock for `ms` (default `performance.now`). */
  clock?: () => number;
}

/**
 * Runs every person through `collect`, at most `concurrency` at a time. A `collect` that throws
 * becomes that person's `engine` error, never the run's.
 *
 * @returns the number of people processed
 */
export async function runBatch(emails: readonly string[], options: RunOptions): Promise<number> {
  const clock = options.clock ?? (() => performance.now());
  let next = 0;
  let done = 0;
  async function worker(): Promise<void> {
    while (next < emails.length && !options.signal?.aborted) {
      const email = emails[next++]!;
      const started = clock();
      let result: Collected<MergedDevice>;
      try {
        result = await options.collect(email);
      } catch (error: unknown) {
        const message = error instanceof Error ? error.message : String(error);
        result = {
          items: [],
          errors: [{ source: "engine", operation: "devicesForBatch", kind: "error", message }],
        };
      }
      done++;
      await options.onOutcome?.({
        email,
        devices: result.items,
        errors: result.errors,
        ms: clock() - started,
      });
    }
  }
  const n = Math.max(1, Math.min(options.concurrency, emails.length));
  await Promise.all(Array.from({ length: n }, worker));
  return done;
}

/** The rating names a summary counts: the UI's, with `warning` called `suggested`. */
export type SummaryRating = "critical" | "suggested" | "ok" | "unknown";

/** The rating a merged device counts under in a summary. */
export function summaryRating(device: Pick<MergedDevice, "practices">): SummaryRating {
  const r = deviceRating(device);
  return r === "warning" ? "suggested" : r;
}

/**
 * Running totals of a batch: the run summary the store keeps (its `errors` are source → people for
 * whom it failed at least once), plus what only the command's own summary prints.
 */
export interface BatchStats extends Omit<BatchRunSummary, "id" | "startedAt" | "finishedAt"> {
  /** People with at least one device. */
  peopleWithDevices: number;
  /** Source → people for whom it timed out at least once. */
  timeouts: Record<string, number>;
}

/** Empty totals. */
export function createStats(): BatchStats {
  return {
    people: 0,
    peopleWithDevices: 0,
    devices: 0,
    practices: {},
    ratings: {},
    byPlatform: {},
    bySource: {},
    errors: {},
    timeouts: {},
  };
}

function bump(map: Record<string, number>, key: string, by = 1): void {
  map[key] = (map[key] ?? 0) + by;
}

/** Adds one person's outcome to the totals. */
export function addOutcome(
  stats: BatchStats,
  outcome: Pick<PersonOutcome, "devices" | "errors">,
): void {
  stats.people++;
  if (outcome.devices.length > 0) stats.peopleWithDevices++;
  for (const d of outcome.devices) {
    stats.devices++;
    const rating = summaryRating(d);
    bump(stats.ratings, rating);
    bump(stats.byPlatform[d.platform ?? d.os ?? "unknown"] ??= {}, rating);
    for (const s of new Set(d.sources)) bump(stats.bySource[s] ??= {}, rating);
    for (const [key, p] of Object.entries(d.practices)) {
      const counts = stats.practices[key] ??= {};
      const status = p.status ?? "unknown";
      counts[status] = (counts[status] ?? 0) + 1;
    }
  }
  for (const s of new Set(outcome.errors.map((e) => e.source))) bump(stats.errors, s);
  const timedOut = outcome.errors.filter((e) => e.kind === "timeout").map((e) => e.source);
  for (const s of new Set(timedOut)) bump(stats.timeouts, s);
}

/** Sources that failed for every person of a non-empty run (the run's exit status says so). */
export function failedForEveryone(stats: Pick<BatchStats, "people" | "errors">): string[] {
  if (stats.people === 0) return [];
  return Object.entries(stats.errors).filter(([, n]) => n >= stats.people).map(([s]) => s).sort();
}

/** The aggregate the store keeps for the dashboard. */
export function toRunSummary(
  stats: BatchStats,
  run: { id: string; startedAt: Date; finishedAt: Date },
): BatchRunSummary {
  return {
    ...run,
    people: stats.people,
    devices: stats.devices,
    practices: structuredClone(stats.practices),
    ratings: { ...stats.ratings },
    byPlatform: structuredClone(stats.byPlatform),
    bySource: structuredClone(stats.bySource),
    errors: { ...stats.errors },
  };
}

/** A merged device as a batch sink writes it: `_raw` removed, `email` and `report_date` added. */
export type BatchDocument = Wire<Omit<MergedDevice, "_raw">> & {
  email: string;
  report_date: string;
};

/**
 * The document of one device (spec §10 step 4): `_raw` removed, `email` set to the person and
 * `report_date` to the run's time (ISO-8601, UTC), dates as ISO strings.
 */
export function batchDocument(
  email: string,
  device: MergedDevice,
  reportDate: Date,
): BatchDocument {
  const { _raw: _, ...rest } = device;
  return { ...toWire(rest), email, report_date: reportDate.toISOString() } as BatchDocument;
}
