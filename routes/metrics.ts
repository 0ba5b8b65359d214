/**
 * Prometheus metrics kept in process: requests by route and status, latency histogram, per-source
 * calls, errors and latency, records the sources could not deliver (by source, kind and reason),
 * outbox depth and audit drops.
 *
 * @module
 */

import type { SourceGap } from "../engine/gaps.ts";

const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Counters and histograms, rendered in the Prometheus text format. */
export class Metrics {
  #requests = new Map<string, number>();
  #latency = new Map<string, { buckets: number[]; sum: number; count: number }>();
  #sourceCalls = new Map<string, number>();
  #sourceErrors = new Map<string, number>();
  #sourceSeconds = new Map<string, number>();
  #sourceGaps = new Map<string, number>();
  #gauges = new Map<string, () => number | Promise<number>>();

  /** Counts one request and observes its duration. */
  request(route: string, status: number, seconds: number): void {
    const key = `route="${esc(route)}",status="${status}"`;
    this.#requests.set(key, (this.#requests.get(key) ?? 0) + 1);
    const h = this.#latency.get(route) ?? { buckets: BUCKETS.map(() => 0), sum: 0, count: 0 };
    BUCKETS.forEach((b, i) => {
      if (seconds <= b) h.buckets[i]!++;
    });
    h.sum += seconds;
    h.count++;
    this.#latency.set(route, h);
  }

  /** Counts one call to a source, and whether it failed. */
  sourceCall(source: string, seconds: number, failed: boolean): void {
    const key = `source="${esc(source)}"`;
    this.#sourceCalls.set(key, (this.#sourceCalls.get(key) ?? 0) + 1);
    this.#sourceSeconds.set(key, (this.#sourceSeconds.get(key) ?? 0) + seconds);
    if (failed) this.#sourceErrors.set(key, (this.#sourceErrors.get(key) ?? 0) + 1);
  }

  /**
   * Counts the records one source call could not deliver (`engine/gaps.ts`): the counter
   * `stethoscope_source_gaps_total{source,kind,reason}` grows by each gap's count.
   */
  sourceGaps(gaps: readonly SourceGap[]): void {
    for (const g of gaps) {
      const key = `source="${esc(g.source)}",kind="${esc(g.kind)}",reason="${esc(g.reason)}"`;
      this.#sourceGaps.set(key, (this.#sourceGaps.get(key) ?? 0) + g.count);
    }
  }

  /** Registers a gauge read at scrape time (outbox depth, audit drops). */
  gauge(name: string, read: () => number | Promise<number>): void {
    this.#gauges.set(name, read);
  }

  /** The Prometheus text exposition. */
  async render(): Promise<string> {
    const lines: string[] = [];
    lines.push("# TYPE stethoscope_requests_total counter");
    for (const [k, v] of this.#requests) lines.push(`stethoscope_requests_total{${k}} ${v}`);
    lines.push("# TYPE stethoscope_request_duration_seconds histogram");
    for (const [route, h] of this.#latency) {
      const r = `route="${esc(route)}"`;
      BUCKETS.forEach((b, i) =>
        lines.push(`stethoscope_request_duration_seconds_bucket{${r},le="${b}"} ${h.buckets[i]}`)
      );
      lines.push(`stethoscope_request_duration_seconds_bucket{${r},le="+Inf"} ${h.count}`);
      lines.push(`stethoscope_request_duration_seconds_sum{${r}} ${h.sum.toFixed(6)}`);
      lines.push(`stethoscope_request_duration_seconds_count{${r}} ${h.count}`);
    }
    for (
      const [name, map] of [
        ["stethoscope_source_calls_total", this.#sourceCalls],
        ["stethoscope_source_errors_total", this.#sourceErrors],
        ["stethoscope_source_seconds_total", this.#sourceSeconds],
        ["stethoscope_source_gaps_total", this.#sourceGaps],
      ] as const
    ) {
      lines.push(`# TYPE ${name} counter`);
      for (const [k, v] of map) lines.push(`${name}{${k}} ${v}`);
    }
    for (const [name, read] of this.#gauges) {
      let value = NaN;
      try {
        value = await read();
      } catch {
        // an unreadable gauge is reported as NaN rather than failing the scrape
      }
      lines.push(`# TYPE ${name} gauge`, `${name} ${value}`);
    }
    return lines.join("\n") + "\n";
  }
}

function esc(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}
