/**
 * `/metrics` scraped and read as Prometheus reads it (tests/support/exposition.ts): every family
 * announced with `# HELP` and `# TYPE`, histograms cumulative, and the values an operator would
 * graph — requests, source calls by outcome, outbox depth, the latest batch run, the process —
 * exactly. Also the registry others add counters to (`config/metrics.ts`, `PluginContext.metrics`).
 *
 * @module
 */
import assert from "node:assert/strict";
import { z } from "zod";
import { MetricsRegistry } from "../../config/metrics.ts";
import { startProcessMetrics } from "../../cli/process_metrics.ts";
import { definePlugin } from "../../plugins/plugin.ts";
import { demoWith, startApp } from "../support/app.ts";
import { parseExposition, sampleValue } from "../support/exposition.ts";
import { registryWith, sourceEntry } from "../support/sources.ts";

const A = "one-red@example.com";

/** A plugin that counts what it skipped in the registry it is handed, as sources do. */
const countingPlugin = {
  load: () =>
    Promise.resolve({
      default: definePlugin(z.object({}).strict(), (_, ctx) => {
        const skipped = ctx.metrics?.counter(
          "stethoscope_test_skipped_total",
          "Records skipped by the test plugin, by reason.",
          ["source", "reason"],
        );
        return {
          name: ctx.name,
          timeoutMs: ctx.timeoutMs,
          devicesByEmail: () => {
            skipped?.inc({ source: ctx.name, reason: "no serial" }, 2);
            return Promise.resolve([]);
          },
        };
      }, { kinds: ["devices"], summary: "counts" }),
    }),
};

Deno.test("/metrics parses as the Prometheus text format with HELP and TYPE for every family and exact values", async () => {
  const app = await startApp({
    registry: registryWith({
      broken: sourceEntry(() => Promise.reject(new Error("connection refused"))),
      counting: countingPlugin,
    }),
    config: demoWith({ PLUGINS: { demo: {}, broken: {}, counting: {} } }),
  });
  try {
    const cookie = await app.login(A);
    assert.equal((await app.request("/devices", { cookie })).status, 200);
    await app.services.store.batchRuns.saveBatchRun({
      id: "run-1",
      startedAt: new Date("2026-11-26T10:00:00Z"),
      finishedAt: new Date("2026-11-26T10:02:30Z"),
      people: 120,
      devices: 301,
      practices: {},
      ratings: {},
      byPlatform: {},
      bySource: {},
      errors: { jamf: 3 },
    });
    const res = await app.request("/metrics");
    assert.equal(res.headers.get("content-type"), "text/plain; version=0.0.4; charset=utf-8");
    const families = parseExposition(await res.text());

    assert.equal(families.get("stethoscope_requests_total")?.type, "counter");
    assert.equal(
      families.get("stethoscope_requests_total")?.help,
      "HTTP requests answered, by route pattern and status code.",
    );
    assert.equal(
      sampleValue(families, "stethoscope_requests_total", { route: "/devices", status: "200" }),
      1,
    );
    assert.equal(families.get("stethoscope_request_duration_seconds")?.type, "histogram");
    assert.equal(
      sampleValue(
        families,
        "stethoscope_request_duration_seconds",
        { route: "/devices", status: "200" },
        "stethoscope_request_duration_seconds_count",
      ),
      1,
    );
    // the scrape itself is in flight while it is rendered
    assert.equal(sampleValue(families, "stethoscope_requests_in_flight"), 1);
    const calls = (source: string, status: string) =>
      sampleValue(families, "stethoscope_source_calls_total", { source, status });
    assert.equal(calls("broken", "error"), 1);
    assert.equal(calls("broken", "ok"), undefined);
    assert.equal(calls("counting", "ok"), 1);
    assert.equal(
      sampleValue(
        families,
        "stethoscope_source_call_duration_seconds",
        { source: "broken", status: "error" },
        "stethoscope_source_call_duration_seconds_count",
      ),
      1,
    );
    assert.equal(
      sampleValue(families, "stethoscope_test_skipped_total", {
        source: "counting",
        reason: "no serial",
      }),
      2,
    );
    assert.equal(sampleValue(families, "stethoscope_outbox_depth"), 0);
    assert.equal(families.get("stethoscope_outbox_depth")?.type, "gauge");
    assert.equal(
      sampleValue(families, "stethoscope_batch_last_finished_timestamp_seconds"),
      Date.parse("2026-11-26T10:02:30Z") / 1000,
    );
    assert.equal(sampleValue(families, "stethoscope_batch_last_duration_seconds"), 150);
    assert.equal(sampleValue(families, "stethoscope_batch_last_people"), 120);
    assert.equal(sampleValue(families, "stethoscope_batch_last_devices"), 301);
    assert.equal(
      sampleValue(families, "stethoscope_batch_last_source_errors", { source: "jamf" }),
      3,
    );
  } finally {
    await app.close();
  }
});

Deno.test("/metrics before the first batch run: last finished at 0 (never), no source errors", async () => {
  const app = await startApp();
  try {
    const families = parseExposition(await (await app.request("/metrics")).text());
    assert.equal(sampleValue(families, "stethoscope_batch_last_finished_timestamp_seconds"), 0);
    assert.equal(sampleValue(families, "stethoscope_batch_last_people"), 0);
    assert.deepEqual(families.get("stethoscope_batch_last_source_errors")?.samples, []);
  } finally {
    await app.close();
  }
});

Deno.test("process metrics: memory, CPU, event-loop lag measured; descriptors only where readable", async (t) => {
  await t.step("with /proc/self readable (tests run with --allow-all)", async () => {
    const metrics = new MetricsRegistry();
    const proc = startProcessMetrics(metrics);
    try {
      // block the loop for 300 ms while the 100 ms timer is due: it runs at least 200 ms late
      await new Promise((r) => setTimeout(r, 150));
      const until = performance.now() + 300;
      while (performance.now() < until) { /* busy */ }
      await new Promise((r) => setTimeout(r, 150));
      const families = parseExposition(await metrics.render());
      assert.deepEqual(proc.unavailable, []);
      assert.ok(sampleValue(families, "process_resident_memory_bytes")! > 1_000_000);
      assert.ok(sampleValue(families, "deno_heap_size_used_bytes")! > 0);
      assert.ok(sampleValue(families, "process_cpu_user_seconds_total")! > 0);
      assert.equal(families.get("process_cpu_user_seconds_total")?.type, "counter");
      assert.ok(sampleValue(families, "deno_eventloop_lag_max_seconds")! >= 0.2);
      assert.ok(
        sampleValue(
          families,
          "deno_eventloop_lag_seconds",
          { le: "0.1" },
          "deno_eventloop_lag_seconds_bucket",
        )! <
          sampleValue(
            families,
            "deno_eventloop_lag_seconds",
            {},
            "deno_eventloop_lag_seconds_count",
          )!,
      );
      assert.ok(sampleValue(families, "process_open_fds")! > 0);
      assert.ok(sampleValue(families, "process_max_fds")! > 0);
    } finally {
      proc.stop();
    }
  });

  await t.step("without it: left out and named, never reported as 0", async () => {
    const metrics = new MetricsRegistry();
    const proc = startProcessMetrics(metrics, { procDir: "/nonexistent/proc/self" });
    proc.stop();
    const families = parseExposition(await metrics.render());
    assert.deepEqual(proc.unavailable, [
      "process_open_fds: no /nonexistent/proc/self on this system",
      "process_max_fds: no /nonexistent/proc/self on this system",
    ]);
    assert.equal(families.has("process_open_fds"), false);
    assert.equal(families.has("process_max_fds"), false);
  });
});

Deno.test("MetricsRegistry gives the same counter for the same name and refuses a clash", () => {
  const metrics = new MetricsRegistry();
  const a = metrics.counter("stethoscope_x_total", "X.", ["source"]);
  assert.equal(metrics.counter("stethoscope_x_total", "X.", ["source"]), a);
  assert.throws(
    () => metrics.histogram("stethoscope_x_total", "X."),
    new TypeError(
      'Metric "stethoscope_x_total" is registered already as a counter with labels [source]',
    ),
  );
  assert.throws(
    () => metrics.counter("stethoscope_x_total", "X.", ["reason"]),
    /registered already as a counter with labels \[source\]/,
  );
});

Deno.test("a gauge whose reading fails is NaN and the scrape still answers", async () => {
  const metrics = new MetricsRegistry();
  metrics.gauge("stethoscope_broken", "Always fails.", () => Promise.reject(new Error("down")));
  metrics.gauge("stethoscope_fine", "Always 4.", () => 4);
  const families = parseExposition(await metrics.render());
  assert.ok(Number.isNaN(sampleValue(families, "stethoscope_broken")));
  assert.equal(sampleValue(families, "stethoscope_fine"), 4);
});
