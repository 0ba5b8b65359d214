/**
 * The budgets of a person's page views and answers (issue 22): answers per person per minute
 * (`BUDGETS.FEEDBACK_PER_MINUTE`; 200 answers in 2.6 s were all forwarded to the sink), and alerts
 * kept between views (`BUDGETS.NOTIFICATIONS_CACHE_SECONDS`; 300 views made 300 Elasticsearch
 * queries).
 *
 * @module
 */
import assert from "node:assert/strict";
import { z } from "zod";
import { definePlugin } from "../../plugins/plugin.ts";
import { registryWith } from "../support/sources.ts";
import { csrfOf, demoWith, startApp } from "../support/app.ts";

Deno.test("a person's answers past BUDGETS.FEEDBACK_PER_MINUTE are refused with 429, not queued", async () => {
  const app = await startApp({
    config: demoWith({
      PLUGINS: { demo: {}, restful_feedback: { URL: "http://127.0.0.1:9/unused" } },
      BUDGETS: { FEEDBACK_PER_MINUTE: 5 },
    }),
  });
  try {
    const cookie = await app.login("user@example.com");
    const csrf = csrfOf(await (await app.request("/", { cookie })).text());
    const answer = async (feedback: string) => {
      const res = await app.request("/api/v1/feedback/restful_feedback", {
        method: "POST",
        cookie,
        headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
        body: JSON.stringify({ id: "signin-fry-3", feedback }),
      });
      return { status: res.status, body: await res.json() };
    };
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await answer(i % 2 ? "yes" : "no")).status);
    assert.deepEqual(statuses, [202, 202, 202, 202, 202, 429, 429, 429]);
    assert.deepEqual(await answer("yes"), {
      status: 429,
      body: {
        error: "You have sent many answers in the last minute. Please try again in 12 s.",
        status: 429,
      },
    });
    app.clock.now = new Date(app.clock.now.getTime() + 60_000);
    assert.equal((await answer("yes")).status, 202, "a minute later the budget is back");
  } finally {
    await app.services.outbox.stop();
    await app.close();
  }
});

Deno.test("300 page views ask the notification sources once per BUDGETS.NOTIFICATIONS_CACHE_SECONDS", async () => {
  let calls = 0;
  let failing = false;
  const counting = definePlugin(z.object({}).strict(), (_, ctx) => ({
    name: ctx.name,
    timeoutMs: ctx.timeoutMs,
    notificationsByEmail: () => {
      calls++;
      if (failing) return Promise.reject(new Error("Elasticsearch answered 503"));
      return Promise.resolve([{
        id: "n1",
        type: "simple",
        title: "Counted",
        message: "m",
        event_timestamp: new Date("2026-11-26T10:00:00Z"),
      }]);
    },
  }), { kinds: ["notifications"], summary: "test" });
  const registry = registryWith({
    counting: { load: () => Promise.resolve({ default: counting }) },
  });
  const app = await startApp({ registry, config: demoWith({ PLUGINS: { counting: {} } }) });
  try {
    const cookie = await app.login("green@example.com");
    for (let i = 0; i < 300; i++) {
      const page = await app.request("/", { cookie });
      assert.match(await page.text(), /Counted/);
    }
    assert.equal(calls, 1, "one query for 300 views within a minute");
    app.clock.now = new Date(app.clock.now.getTime() + 60_000);
    failing = true;
    await (await app.request("/", { cookie })).body?.cancel();
    await (await app.request("/", { cookie })).body?.cancel();
    assert.equal(calls, 3, "past 60 s it asks again; a failed lookup is not kept");
  } finally {
    await app.close();
  }
});
