/**
 * Process metrics for `/metrics`, measured the way they work under Deno. `prom-client`'s
 * `collectDefaultMetrics()` was written for Node and, under Deno 2.9, reports some values that are
 * not true: resident memory and open descriptors read `/proc/self`, which Deno lets a program read
 * only with `--allow-all`, so under the `start` task's permissions both read 0; and its event-loop
 * percentiles come from `monitorEventLoopDelay`, which stayed near 5 µs while the loop was blocked
 * for 200 ms. So this module reports only what it can measure:
 *
 * - `process_cpu_user_seconds_total`, `process_cpu_system_seconds_total` (`process.cpuUsage()`),
 *   `process_start_time_seconds`;
 * - `process_resident_memory_bytes`, `deno_heap_size_total_bytes`, `deno_heap_size_used_bytes`,
 *   `deno_external_memory_bytes` (`Deno.memoryUsage()`);
 * - `deno_eventloop_lag_seconds` (histogram) and `deno_eventloop_lag_max_seconds` (the worst
 *   since the previous scrape): a timer due every 100 ms measures how late it runs;
 * - `process_open_fds` and `process_max_fds` only when `/proc/self` can be read (Linux and
 *   `--allow-all`); otherwise they are left out — never reported as 0 — and named in
 *   {@link ProcessMetrics.unavailable} so the caller can log why.
 *
 * @module
 */
import process from "node:process";
import { Counter, Gauge, Histogram } from "prom-client";
import type { MetricsRegistry } from "../config/metrics.ts";

/** What {@link startProcessMetrics} started. */
export interface ProcessMetrics {
  /** Metrics left out, each with the reason (e.g. `process_open_fds: …needs --allow-all`). */
  unavailable: string[];
  /** Stops the event-loop timer. */
  stop(): void;
}

const LAG_EVERY_MS = 100;
const LAG_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

/**
 * Registers the process metrics in `metrics` and starts the event-loop timer (unref'd: it never
 * keeps the process alive). Call once per process; `stop()` at shutdown.
 *
 * @param metrics the process's registry
 * @param options `procDir` replaces `/proc/self` (tests)
 * @returns the timer's stop and the metrics that could not be measured here
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { MetricsRegistry } from "../config/metrics.ts";
 * const metrics = new MetricsRegistry();
 * const proc = startProcessMetrics(metrics);
 * const text = await metrics.render();
 * proc.stop();
 * assert.match(text, /^process_resident_memory_bytes \d+$/m);
 * ```
 */
export function startProcessMetrics(
  metrics: MetricsRegistry,
  options: { procDir?: string } = {},
): ProcessMetrics {
  const registers = [metrics.registry];
  const started = Date.now() / 1000;
  cpuCounter("process_cpu_user_seconds_total", "User CPU time spent, in seconds.", "user");
  cpuCounter("process_cpu_system_seconds_total", "System CPU time spent, in seconds.", "system");
  metrics.gauge(
    "process_start_time_seconds",
    "When the process started, in seconds since the Unix epoch.",
    () => started,
  );
  const memory: [string, string, keyof Deno.MemoryUsage][] = [
    ["process_resident_memory_bytes", "Resident memory size, in bytes.", "rss"],
    ["deno_heap_size_total_bytes", "V8 heap size, in bytes.", "heapTotal"],
    ["deno_heap_size_used_bytes", "V8 heap used, in bytes.", "heapUsed"],
    ["deno_external_memory_bytes", "Memory of objects outside the V8 heap, in bytes.", "external"],
  ];
  for (const [name, help, key] of memory) metrics.gauge(name, help, () => Deno.memoryUsage()[key]);

  const lag = new Histogram({
    name: "deno_eventloop_lag_seconds",
    help: `How late a timer due every ${LAG_EVERY_MS} ms ran, in seconds.`,
    buckets: LAG_BUCKETS,
    registers,
  });
  let worst = 0;
  new Gauge({
    name: "deno_eventloop_lag_max_seconds",
    help: "The worst event-loop lag since the previous scrape, in seconds.",
    registers,
    collect() {
      this.set(worst);
      worst = 0;
    },
  });
  let due = performance.now() + LAG_EVERY_MS;
  const timer = setInterval(() => {
    const at = performance.now();
    const late = Math.max(0, at - due) / 1000;
    due = at + LAG_EVERY_MS;
    lag.observe(late);
    worst = Math.max(worst, late);
  }, LAG_EVERY_MS);
  Deno.unrefTimer(timer);

  const unavailable = descriptorMetrics(metrics, options.procDir ?? "/proc/self");
  return { unavailable, stop: () => clearInterval(timer) };

  function cpuCounter(name: string, help: string, part: "user" | "system"): void {
    new Counter({
      name,
      help,
      registers,
      collect() {
        this.reset();
        this.inc(process.cpuUsage()[part] / 1e6);
      },
    });
  }
}

/** Registers `process_open_fds` / `process_max_fds` when readable; returns what was left out. */
function descriptorMetrics(metrics: MetricsRegistry, procDir: string): string[] {
  const openFds = () => [...Deno.readDirSync(`${procDir}/fd`)].length;
  const maxFds = () => {
    const limits = Deno.readTextFileSync(`${procDir}/limits`);
    const soft = /^Max open files\s+(\d+|unlimited)/m.exec(limits)?.[1];
    return soft === undefined || soft === "unlimited" ? Infinity : Number(soft);
  };
  const left: string[] = [];
  for (
    const [name, help, read] of [
      ["process_open_fds", "Open file descriptors.", openFds],
      ["process_max_fds", "The limit of open file descriptors (ulimit -n).", maxFds],
    ] as const
  ) {
    try {
      read();
      metrics.gauge(name, help, read);
    } catch (error: unknown) {
      const why = error instanceof Deno.errors.NotCapable
        ? `Deno reads ${procDir} only with --allow-all`
        : error instanceof Deno.errors.NotFound
        ? `no ${procDir} on this system`
        : String(error);
      left.push(`${name}: ${why}`);
    }
  }
  return left;
}
