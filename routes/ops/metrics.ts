/**
 * The app's own metrics over the process's registry (`config/metrics.ts`): requests by route and
 * status with their latency, every source call by outcome with its latency, and the records
 * sources could not deliver (by source, kind and reason). Other parts
 * register theirs in the same registry (gauges in `depsFrom`, plugins through
 * `PluginContext.metrics`); the whole list with meanings is in the README ("Operating it").
 *
 * @module
 */
import type { SourceGap } from "../../engine/view/gaps.ts";
import type { BatchRunStore, BatchRunSummary } from "../../engine/core/store_ports.ts";
import type { RefreshQueue } from "../../engine/view/refresh_queue.ts";
import { type Counter, type Histogram, MetricsRegistry } from "../../config/metrics.ts";

/** The process's metrics registry with the request and source-call metrics registered. */
export class Metrics extends MetricsRegistry {
  #requests: Counter<"route" | "status"> = this.counter(
    "stethoscope_requests_total",
    "HTTP requests answered, by route pattern and status code.",
    ["route", "status"],
  );
  #requestSeconds: Histogram<"route" | "status"> = this.histogram(
    "stethoscope_request_duration_seconds",
    "Time to answer an HTTP request (until the response starts), by route and status, in seconds.",
    { labelNames: ["route", "status"] },
  );
  #inFlight = 0;
  #sourceCalls: Counter<"source" | "status"> = this.counter(
    "stethoscope_source_calls_total",
    "Calls to a source (inventory, sign-ins, alerts), by source and outcome: ok, timeout or error.",
    ["source", "status"],
  );
  #sourceSeconds: Histogram<"source" | "status"> = this.histogram(
    "stethoscope_source_call_duration_seconds",
    "Time a source call took, by source and outcome (ok, timeout, error), in seconds.",
    { labelNames: ["source", "status"] },
  );

  #sourceGaps: Counter<"source" | "kind" | "reason"> = this.counter(
    "stethoscope_source_gaps_total",
    "Records a source could not deliver (skipped, truncated, unread), by source, kind and reason.",
    ["source", "kind", "reason"],
  );

  constructor() {
    super();
    this.gauge(
      "stethoscope_requests_in_flight",
      "HTTP requests being answered now.",
      () => this.#inFlight,
    );
  }

  /**
   * Marks a request as started; call the returned function once it is answered.
   *
   * @returns `done(route, status)`: counts it and observes its duration
   */
  requestStarted(): (route: string, status: number) => void {
    const started = performance.now();
    this.#inFlight++;
    return (route, status) => {
      this.#inFlight--;
      this.request(route, status, (performance.now() - started) / 1000);
    };
  }

  /**
   * Counts one answered request and observes its duration.
   *
   * @param route the route pattern (`/devices`, `unmatched`), never the raw path
   * @param status the HTTP status code sent
   * @param seconds time to the response
   */
  request(route: string, status: number, seconds: number): void {
    const labels = { route, status: String(status) };
    this.#requests.inc(labels);
    this.#requestSeconds.observe(labels, seconds);
  }

  /**
   * Counts one settled source call (the engine's `onCall` hook).
   *
   * @param source the plugin's name
   * @param seconds how long the call took
   * @param outcome `ok`, or the source error's kind (`timeout`, `error`)
   */
  sourceCall(source: string, seconds: number, outcome: "ok" | "timeout" | "error"): void {
    const labels = { source, status: outcome };
    this.#sourceCalls.inc(labels);
    this.#sourceSeconds.observe(labels, seconds);
  }

  /**
   * Counts the records one source call could not deliver (`engine/view/gaps.ts`):
   * `stethoscope_source_gaps_total{source,kind,reason}` grows by each gap's count.
   *
   * @param gaps the call's gaps (empty when it delivered everything)
   */
  sourceGaps(gaps: readonly SourceGap[]): void {
    for (const g of gaps) {
      this.#sourceGaps.inc({ source: g.source, kind: g.kind, reason: g.reason }, g.count);
    }
  }
}

/**
 * Gauges of the latest batch run, read from the store at scrape time (a batch runs as its own
 * process, so the serving process reports what the last run saved): when it finished, how long it
 * took, people and devices looked up, and each source's errors. No run yet: no samples.
 *
 * @param metrics the process's registry
 * @param store where `batch` saves each run's summary (`Store.batchRuns`)
 */
export function batchMetrics(
  metrics: MetricsRegistry,
  store: BatchRunStore,
): void {
  const latest = async () => (await store.batchRuns(1))[0];
  const one = (read: (run: BatchRunSummary) => number) => async () => {
    const run = await latest();
    return run ? [{ labels: {}, value: read(run) }] : [];
  };
  metrics.labelledGauge(
    "stethoscope_batch_last_finished_timestamp_seconds",
    "When the latest batch run finished, in seconds since the Unix epoch.",
    [],
    one((r) => r.finishedAt.getTime() / 1000),
  );
  metrics.labelledGauge(
    "stethoscope_batch_last_duration_seconds",
    "How long the latest batch run took, in seconds.",
    [],
    one((r) => (r.finishedAt.getTime() - r.startedAt.getTime()) / 1000),
  );
  metrics.labelledGauge(
    "stethoscope_batch_last_people",
    "People the latest batch run looked up.",
    [],
    one((r) => r.people),
  );
  metrics.labelledGauge(
    "stethoscope_batch_last_devices",
    "Devices the latest batch run found.",
    [],
    one((r) => r.devices),
  );
  metrics.labelledGauge(
    "stethoscope_batch_last_source_errors",
    "Source errors in the latest batch run, by source.",
    ["source"],
    async () =>
      Object.entries((await latest())?.errors ?? {}).map(([source, value]) => ({
        labels: { source },
        value,
      })),
  );
}

/**
 * The refresh queue of this process (issue 24): people waiting for the sources' refresh budgets,
 * stale views' refreshes started at once and deferred (by reason), refreshes run (by outcome),
 * and waits for a source's token (by source: the tightest budget). Counts since the process
 * started.
 *
 * @param metrics the process's registry
 * @param queue the process's refresh queue (`Services.refreshQueue`)
 */
export function refreshMetrics(
  metrics: MetricsRegistry,
  queue: Pick<RefreshQueue, "queued" | "counts">,
): void {
  metrics.gauge(
    "stethoscope_refresh_queue_length",
    "People whose stale snapshot waits in this process's queue for the sources' refresh budgets.",
    () => queue.queued,
  );
  const samples = <L extends string>(label: L, counts: Record<string, number>) =>
    Object.entries(counts).map(([key, value]) => ({
      labels: { [label]: key.replaceAll(" ", "_") } as Record<L, string>,
      value,
    }));
  metrics.readCounter(
    "stethoscope_refreshes_deferred_total",
    "Stale views whose refresh was left to the queue, by reason: queued, already_queued, or full (not queued).",
    ["reason"],
    () => {
      const { started: _, ...deferred } = queue.counts.requests;
      return samples("reason", deferred);
    },
  );
  metrics.readCounter(
    "stethoscope_refreshes_started_total",
    "Stale views whose refresh started at once: every source's refresh budget had a token when asked.",
    [],
    () => [{ labels: {}, value: queue.counts.requests.started }],
  );
  metrics.readCounter(
    "stethoscope_refreshes_total",
    "Refreshes by outcome, started at once or queued: done, failed, or skipped (refreshed meanwhile, no budget spent).",
    ["outcome"],
    () => samples("outcome", queue.counts.refreshes),
  );
  metrics.readCounter(
    "stethoscope_refresh_budget_waits_total",
    "Times the refresh queue waited because a source's refresh budget was spent, by source.",
    ["source"],
    () => samples("source", queue.counts.waits),
  );
}
