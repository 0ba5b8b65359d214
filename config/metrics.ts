/**
 * The process's metrics registry: counters, gauges and histograms kept by `prom-client` and
 * rendered in the Prometheus text format (`# HELP`, `# TYPE`, samples) for `/metrics`. One
 * {@link MetricsRegistry} per process (tests make one per app), handed to every part that counts
 * something: routes (requests), the engine's source hook, plugins (`PluginContext.metrics`), the
 * batch. Register a metric once by name and keep what is returned; asking again for the same name
 * and type gives the same metric, so a plugin created twice does not fail.
 *
 * Naming: `stethoscope_` + what is counted + unit (`_seconds`, `_bytes`) + `_total` for counters,
 * labels in `snake_case` with few values (a source name, a reason, a status — never an email or
 * an id). The process metrics (memory, CPU, event-loop lag, descriptors) live in
 * `cli/process_metrics.ts`.
 *
 * @example Count skipped records by source and reason
 * ```ts
 * import assert from "node:assert/strict";
 * import { MetricsRegistry } from "./metrics.ts";
 * const metrics = new MetricsRegistry();
 * const skipped = metrics.counter(
 *   "stethoscope_skipped_records_total",
 *   "Records an inventory answered that could not be read, by source and reason.",
 *   ["source", "reason"],
 * );
 * skipped.inc({ source: "jamf_pro", reason: "no serial number" });
 * assert.match(
 *   await metrics.render(),
 *   /^stethoscope_skipped_records_total\{source="jamf_pro",reason="no serial number"\} 1$/m,
 * );
 * ```
 *
 * @module
 */
import { Counter, Gauge, Histogram, Registry } from "prom-client";

export type { Counter, Gauge, Histogram };

/** The request latency buckets, in seconds (prom-client's defaults, 5 ms to 10 s). */
export const LATENCY_BUCKETS: readonly number[] = [
  0.005,
  0.01,
  0.025,
  0.05,
  0.1,
  0.25,
  0.5,
  1,
  2.5,
  5,
  10,
];

type Kind = "counter" | "gauge" | "histogram";

/** A registry of named metrics, rendered in the Prometheus text exposition format 0.0.4. */
export class MetricsRegistry {
  /** The `prom-client` registry underneath (for collectors that need it). */
  readonly registry: Registry = new Registry();
  /** The exposition's media type: `text/plain; version=0.0.4; charset=utf-8`. */
  readonly contentType: string = this.registry.contentType;
  #kinds = new Map<string, { kind: Kind; labels: string }>();

  /**
   * The counter `name` (created on first use): a number that only goes up, such as requests or
   * skipped records. Its name should end in `_total`.
   *
   * @param name the metric's name, e.g. `stethoscope_skipped_records_total`
   * @param help one sentence for the `# HELP` line
   * @param labelNames the labels each sample carries (few values each)
   * @returns the counter; `inc()` or `inc({ label: value }, n)`
   * @throws {TypeError} when `name` is registered already as another type or with other labels
   */
  counter<L extends string = string>(
    name: string,
    help: string,
    labelNames: readonly L[] = [],
  ): Counter<L> {
    return this.#once(
      name,
      "counter",
      labelNames,
      () => new Counter({ name, help, labelNames, registers: [this.registry] }),
    ) as Counter<L>;
  }

  /**
   * The histogram `name` (created on first use): observed values (usually seconds) counted into
   * cumulative buckets, with their sum and count.
   *
   * @param name e.g. `stethoscope_request_duration_seconds`
   * @param help one sentence for the `# HELP` line
   * @param options the labels and the bucket upper bounds (default {@link LATENCY_BUCKETS})
   * @returns the histogram; `observe({ label: value }, seconds)`
   * @throws {TypeError} when `name` is registered already as another type or with other labels
   */
  histogram<L extends string = string>(
    name: string,
    help: string,
    options: { labelNames?: readonly L[]; buckets?: readonly number[] } = {},
  ): Histogram<L> {
    const labelNames = options.labelNames ?? [];
    return this.#once(name, "histogram", labelNames, () =>
      new Histogram({
        name,
        help,
        labelNames,
        buckets: [...(options.buckets ?? LATENCY_BUCKETS)],
        registers: [this.registry],
      })) as Histogram<L>;
  }

  /**
   * A gauge read at scrape time (outbox depth, snapshots held, release data age). A reading that
   * throws is reported as `NaN` instead of failing the scrape. Registering `name` again replaces
   * the reading (the latest app built over a registry wins).
   *
   * @param name e.g. `stethoscope_outbox_depth`
   * @param help one sentence for the `# HELP` line
   * @param read the current value (may be async)
   * @throws {TypeError} when `name` is registered already as another type or with labels
   */
  gauge(name: string, help: string, read: () => number | Promise<number>): void {
    this.labelledGauge(name, help, [], async () => [{ labels: {}, value: await read() }]);
  }

  /**
   * A gauge with labels, read at scrape time: `read` returns every sample (the previous ones are
   * dropped first, so a label value that disappears stops being reported).
   *
   * @param name e.g. `stethoscope_batch_last_source_errors`
   * @param help one sentence for the `# HELP` line
   * @param labelNames the labels each sample carries
   * @param read the samples now; a throw gives one unlabelled `NaN` sample
   * @throws {TypeError} when `name` is registered already as another type or with other labels
   */
  labelledGauge<L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[],
    read: () => Promise<{ labels: Partial<Record<L, string>>; value: number }[]>,
  ): void {
    const existing = this.registry.getSingleMetric(name);
    if (existing) {
      this.#check(name, "gauge", labelNames);
      this.registry.removeSingleMetric(name);
    }
    this.#kinds.set(name, { kind: "gauge", labels: labelNames.join(",") });
    new Gauge<L>({
      name,
      help,
      labelNames,
      registers: [this.registry],
      async collect() {
        this.reset();
        try {
          for (const s of await read()) this.set(s.labels, s.value);
        } catch {
          this.reset();
          if (labelNames.length === 0) this.set(NaN);
        }
      },
    });
  }

  /**
   * A counter whose totals are kept by the part that counts (a queue's counts since the start),
   * read at scrape time: `read` returns every sample's total, which must only go up.
   *
   * @param name e.g. `stethoscope_refreshes_total`
   * @param help one sentence for the `# HELP` line
   * @param labelNames the labels each sample carries
   * @param read the totals now
   * @throws {TypeError} when `name` is registered already as another type or with other labels
   */
  readCounter<L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[],
    read: () => { labels: Partial<Record<L, string>>; value: number }[],
  ): void {
    this.#once(name, "counter", labelNames, () =>
      new Counter<L>({
        name,
        help,
        labelNames,
        registers: [this.registry],
        collect() {
          this.reset();
          for (const s of read()) this.inc(s.labels, s.value);
        },
      }));
  }

  /** The exposition: every metric's `# HELP`, `# TYPE` and samples, one per line. */
  render(): Promise<string> {
    return this.registry.metrics();
  }

  #check(name: string, kind: Kind, labelNames: readonly string[]): void {
    const had = this.#kinds.get(name);
    if (had && (had.kind !== kind || had.labels !== labelNames.join(","))) {
      throw new TypeError(
        `Metric "${name}" is registered already as a ${had.kind} with labels [${had.labels}]`,
      );
    }
  }

  #once(name: string, kind: Kind, labelNames: readonly string[], make: () => unknown): unknown {
    this.#check(name, kind, labelNames);
    const existing = this.registry.getSingleMetric(name);
    if (existing) return existing;
    this.#kinds.set(name, { kind, labels: labelNames.join(",") });
    return make();
  }
}
