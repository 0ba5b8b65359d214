/**
 * `/metrics` reports the refresh queue (issue 24): its length, stale views' refreshes started at
 * once and deferred by reason, refreshes by outcome and waits for a source's budget, read strictly
 * as Prometheus reads them (tests/support/exposition.ts). The demo source gets a budget of one
 * lookup an hour and the clock moves past the freshness window, so the second stale person waits.
 *
 * @module
 */
import assert from "node:assert/strict";
import { mintToken } from "../../routes/api/tokens.ts";
import { demoWith, startApp } from "../support/app.ts";
import { parseExposition, sampleValue } from "../support/exposition.ts";

const AMY = "amy@planetexpress.com";
const FRY = "fry@planetexpress.com";

Deno.test("/metrics: the refresh queue's length, deferred refreshes, outcomes and budget waits, exactly", async () => {
  const app = await startApp({
    config: demoWith({
      PLUGINS: { demo: {} },
      JWT_SECRET_KEY: "a-test-api-secret-of-enough-length",
      SNAPSHOTS: { REFRESH_BUDGETS: { demo: { REQUESTS: 1, PER_SECONDS: 3600 } } },
    }),
  });
  const view = async (email: string) => {
    const token = await mintToken(app.config, { email, now: app.clock.now });
    const res = await app.request(`/api/v1/devices/merged/${email}?snapshot=true`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    await res.body?.cancel();
    assert.equal(res.status, 200);
    return res.headers.get("Age");
  };
  const queue = app.services.refreshQueue;
  try {
    await view(AMY); // no snapshot yet: asked at once, outside the queue
    await view(FRY);
    app.clock.now = new Date(app.clock.now.getTime() + 20 * 60_000);
    assert.equal(await view(AMY), "1200", "served at once from the snapshot, with its age");
    await view(FRY);
    // Amy's view took the hour's one token; Fry's finds none and waits for the next
    while (!queue.counts.waits.demo || queue.counts.refreshes.done < 1) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const families = parseExposition(await (await app.request("/metrics")).text());
    assert.equal(families.get("stethoscope_refresh_queue_length")?.type, "gauge");
    assert.equal(sampleValue(families, "stethoscope_refresh_queue_length"), 1);
    const deferred = (reason: string) =>
      sampleValue(families, "stethoscope_refreshes_deferred_total", { reason });
    assert.equal(families.get("stethoscope_refreshes_deferred_total")?.type, "counter");
    assert.equal(families.get("stethoscope_refreshes_started_total")?.type, "counter");
    assert.equal(sampleValue(families, "stethoscope_refreshes_started_total"), 1, "Amy's");
    assert.equal(deferred("queued"), 1, "Fry's");
    assert.equal(deferred("already_queued"), 0);
    assert.equal(deferred("full"), 0);
    const refreshes = (outcome: string) =>
      sampleValue(families, "stethoscope_refreshes_total", { outcome });
    assert.deepEqual(
      [refreshes("done"), refreshes("failed"), refreshes("skipped")],
      [1, 0, 0],
    );
    assert.equal(
      sampleValue(families, "stethoscope_refresh_budget_waits_total", { source: "demo" }),
      1,
    );
  } finally {
    await app.close();
  }
});
