/**
 * Over 300 lines: one test per way an alert is answered (plain form, htmx, JSON API, Activity page,
 * store failure), all on the same app, overview() and form() helpers.
 *
 * @module
 */
import assert from "node:assert/strict";
import { z } from "zod";
import { definePlugin } from "../../plugins/plugin.ts";
import { startFake } from "../fakes/server.ts";
import { registryWith } from "../support/sources.ts";
import { csrfOf, demoWith, startApp, type TestApp } from "../support/app.ts";

async function overview(app: TestApp, cookie: string): Promise<string> {
  return await (await app.request("/", { cookie })).text();
}

function form(csrf: string, fields: Record<string, string> = {}): URLSearchParams {
  return new URLSearchParams({ _csrf_token: csrf, ...fields });
}

Deno.test("a plain form post dismisses an alert for good: 303, and gone after reloads and restarts", async () => {
  const dir = await Deno.makeTempDir();
  const storePath = `${dir}/s.db`;
  let app = await startApp({ storePath });
  try {
    const cookie = await app.login("user@example.com");
    const page = await overview(app, cookie);
    assert.match(page, /firewall is off/);
    const res = await app.request("/notifications/firewall-fry/dismiss", {
      method: "POST",
      cookie,
      body: form(csrfOf(page)),
    });
    assert.equal(res.status, 303);
    // back to where the alert sat, under its "Firewall is off" item, which is still to do
    assert.equal(res.headers.get("location"), "/?dismissed=firewall-fry#n-firewall-fry");
    assert.match(
      await (await app.request("/?dismissed=firewall-fry", { cookie })).text(),
      /<p id="n-firewall-fry" class="muted" tabindex="-1" autofocus role="status">Alert dismissed\. “Firewall is off” stays on your list until it is fixed\.<\/p>/,
    );
    assert.doesNotMatch(await overview(app, cookie), /firewall is off/);
    await app.close();
    app = await startApp({ storePath });
    const again = await app.login("user@example.com");
    const after = await overview(app, again);
    assert.doesNotMatch(after, /firewall is off/);
    assert.match(after, /Sign-in attempt from a new place/, "other alerts stay");
    const other = await app.login("one-red@example.com");
    assert.match(await overview(app, other), /disk is not encrypted/, "other people unaffected");
  } finally {
    await app.close();
    await Deno.remove(dir, { recursive: true });
  }
});

const COUNTS = (summary: string, n: [number, number, number, number, number]) =>
  `<p class="lead" id="todo-summary" hx-swap-oob="true">Your to-do list: ${summary}</p>` +
  ["crit", "sugg", "stale", "unknown", "info"].map((cls, i) =>
    `<span id="todo-${cls}-n" hx-swap-oob="true">${n[i]}</span>`
  ).join("");

Deno.test("htmx gets the updated card and every count out of band: a linked alert's dismissal leaves its practice counted, an answer lowers the count", async () => {
  const app = await startApp();
  try {
    const cookie = await app.login("user@example.com");
    const page = await overview(app, cookie);
    // Fry: 6 to fix now (the firewall alert is shown with its practice, not counted again) and
    // 4 suggestions (3 practices and the open question); 7 can't-check items and 1 notice are
    // listed but not counted.
    assert.match(page, /<span class="badge" id="alert-count"\s*>10<\/span>/);
    assert.match(
      page,
      /Your to-do list: 6 to fix now, 4 suggestions\. Also listed: 7 that can&#39;t be checked, 1 notice\./,
    );
    const post = (path: string, body: URLSearchParams) =>
      app.request(path, {
        method: "POST",
        cookie,
        headers: { "HX-Request": "true", "X-CSRF-Token": csrfOf(page) },
        body,
      });
    const res = await post("/notifications/firewall-fry/dismiss", new URLSearchParams());
    assert.equal(res.status, 200);
    assert.equal(
      await res.text(),
      `<p id="n-firewall-fry" class="muted" tabindex="-1" autofocus role="status">Alert dismissed. “Firewall is off” stays on your list until it is fixed.</p><span class="badge" id="alert-count" hx-swap-oob="true">10</span>` +
        COUNTS("6 to fix now, 4 suggestions. Also listed: 7 that can&#39;t be checked, 1 notice.", [
          6,
          4,
          0,
          7,
          1,
        ]),
    );
    const answer = await post(
      "/notifications/signin-fry-3/feedback",
      new URLSearchParams({ feedback: "yes", notes: "" }),
    );
    assert.equal(answer.status, 200);
    const html = await answer.text();
    assert.match(html, /You answered “This was me”\. Thank you\./);
    assert.ok(
      html.endsWith(
        `<span class="badge" id="alert-count" hx-swap-oob="true">9</span>` +
          COUNTS(
            "6 to fix now, 3 suggestions. Also listed: 1 answered question, 7 that can&#39;t be checked, 1 notice.",
            [6, 4, 0, 7, 1],
          ),
      ),
      html.slice(-900),
    );
  } finally {
    await app.close();
  }
});

Deno.test("answering a question records it, shows a thank-you and queues it for the sink exactly once", async () => {
  const received: unknown[] = [];
  const keys: (string | null)[] = [];
  let failFirst = true;
  const sink = startFake(async (req) => {
    keys.push(req.headers.get("idempotency-key"));
    if (failFirst) {
      failFirst = false;
      return new Response("busy", { status: 503 });
    }
    received.push(JSON.parse(req.body));
    return await Promise.resolve(Response.json({ ok: true }));
  });
  const app = await startApp({
    config: demoWith({ PLUGINS: { demo: {}, restful_feedback: { URL: `${sink.url}/fb` } } }),
  });
  try {
    const cookie = await app.login("user@example.com");
    const page = await overview(app, cookie);
    const res = await app.request("/notifications/signin-fry-3/feedback", {
      method: "POST",
      cookie,
      headers: { "HX-Request": "true" },
      body: form(csrfOf(page), { feedback: "no", notes: "I was asleep" }),
    });
    assert.equal(res.status, 200);
    const html = await res.text();
    assert.match(html, /You answered “This was not me”\./);
    assert.match(html, /the security team has been told and will look into it/);
    // the answer can be changed while the alert is open, the chosen one marked
    assert.match(html, /<summary>Change your answer<\/summary>/);
    assert.match(html, /value="no" class="secondary" aria-pressed="true"/);
    assert.equal(await app.services.store.outbox.outboxDepth(), 1);
    assert.deepEqual(await app.services.outbox.runOnce(), { delivered: 0, failed: 1 });
    // the retry is due after the back-off: move the clock past it
    app.clock.now = new Date(app.clock.now.getTime() + 60_000);
    const report = await app.services.outbox.runOnce();
    assert.deepEqual(report, { delivered: 1, failed: 0 });
    await app.services.outbox.runOnce();
    assert.equal(keys.length, 2);
    assert.ok(keys[0], "an Idempotency-Key is sent");
    assert.equal(keys[1], keys[0], "the retry carries the same key");
    assert.deepEqual(received, [{
      user_id: "user@example.com",
      feedback: "no",
      notes: "I was asleep",
      // the question is about a sign-in: answered under the sign-in's key (one answer for both)
      id: "event:google:fry-3",
      source: "stethoscope",
    }]);
    assert.equal(await app.services.store.outbox.outboxDepth(), 0);
    // reload shows the answered state
    assert.match(await overview(app, cookie), /You answered “This was not me”\./);
    const activity = await (await app.request("/activity", { cookie })).text();
    assert.match(activity, /You reported this sign-in as not you\./);
  } finally {
    await app.close();
    await sink.close();
  }
});

Deno.test("bad feedback and dismissals are refused with a clear 4xx and nothing is stored", async (t) => {
  const app = await startApp();
  try {
    const cookie = await app.login("user@example.com");
    const csrf = csrfOf(await overview(app, cookie));
    const post = (path: string, body: URLSearchParams, c = cookie) =>
      app.request(path, { method: "POST", cookie: c, body });
    await t.step("unknown notification id", async () => {
      const res = await post("/notifications/nope/dismiss", form(csrf));
      assert.equal(res.status, 404);
      assert.match(await res.text(), /There is no such alert for you\./);
    });
    await t.step("someone else's notification", async () => {
      const res = await post("/notifications/bitlocker-red/dismiss", form(csrf));
      assert.equal(res.status, 404);
      const res2 = await post(
        "/notifications/new-device-unknown/feedback",
        form(csrf, { feedback: "yes" }),
      );
      assert.equal(res2.status, 404);
    });
    await t.step("an answer that was not offered", async () => {
      const res = await post(
        "/notifications/signin-fry-3/feedback",
        form(csrf, { feedback: "maybe" }),
      );
      assert.equal(res.status, 400);
      assert.match(await res.text(), /That answer is not one of the choices offered\./);
    });
    await t.step("oversized comment", async () => {
      const res = await post(
        "/notifications/signin-fry-3/feedback",
        form(csrf, { feedback: "no", notes: "x".repeat(2001) }),
      );
      assert.equal(res.status, 400);
    });
    await t.step("missing or wrong CSRF token", async () => {
      const res = await post("/notifications/firewall-fry/dismiss", new URLSearchParams());
      assert.equal(res.status, 403);
      const res2 = await post("/notifications/firewall-fry/dismiss", form("0".repeat(64)));
      assert.equal(res2.status, 403);
    });
    await t.step("from another site", async () => {
      const res = await app.request("/notifications/firewall-fry/dismiss", {
        method: "POST",
        cookie,
        headers: { Origin: "https://evil.example" },
        body: form(csrf),
      });
      assert.equal(res.status, 403);
    });
    await t.step("without a session", async () => {
      const res = await post("/notifications/firewall-fry/dismiss", form(csrf), "");
      assert.equal(res.status, 401);
    });
    assert.equal(await app.services.store.outbox.outboxDepth(), 0);
    assert.deepEqual([...await app.services.store.feedback.dismissed("user@example.com")], []);
    assert.deepEqual([...await app.services.store.feedback.answers("user@example.com")], []);
  } finally {
    await app.close();
  }
});

Deno.test("a sign-in can be reported from the Activity page through the same feedback path", async () => {
  const app = await startApp();
  try {
    const cookie = await app.login("user@example.com");
    const page = await (await app.request("/activity", { cookie })).text();
    const res = await app.request(
      `/notifications/${encodeURIComponent("event:google:fry-3")}/feedback`,
      { method: "POST", cookie, body: form(csrfOf(page), { feedback: "no", notes: "" }) },
    );
    assert.equal(res.status, 303);
    // back to the answered card (its id), so the browser keeps the person's place
    assert.equal(res.headers.get("location"), "/activity#ev-event_google_fry-3");
    const after = await (await app.request("/activity", { cookie })).text();
    assert.match(after, /You reported this sign-in as not you\./);
    assert.match(after, /It was me after all/);
    // the Overview's question about the same sign-in shows the same answer
    assert.match(await overview(app, cookie), /You answered “This was not me”\./);
    assert.deepEqual([...await app.services.store.feedback.answers("user@example.com")], [[
      "event:google:fry-3",
      "no",
    ]]);
  } finally {
    await app.close();
  }
});

Deno.test("answering an Overview question without JavaScript returns to that alert's card", async () => {
  const app = await startApp();
  try {
    const cookie = await app.login("user@example.com");
    const page = await overview(app, cookie);
    const res = await app.request("/notifications/signin-fry-3/feedback", {
      method: "POST",
      cookie,
      body: form(csrfOf(page), { feedback: "yes", notes: "" }),
    });
    assert.equal(res.status, 303);
    assert.equal(res.headers.get("location"), "/#n-signin-fry-3");
    const after = await overview(app, cookie);
    assert.match(after, /<article id="n-signin-fry-3" tabindex="-1"/);
  } finally {
    await app.close();
  }
});

Deno.test("when the store cannot save, the person is told and nothing is pretended", async () => {
  const app = await startApp();
  try {
    const cookie = await app.login("user@example.com");
    const csrf = csrfOf(await overview(app, cookie));
    await app.services.store.close();
    const res = await app.request("/notifications/signin-fry-3/feedback", {
      method: "POST",
      cookie,
      body: form(csrf, { feedback: "yes" }),
    });
    assert.equal(res.status, 503);
    assert.match(await res.text(), /Your answer could not be saved right now\. Please try again\./);
    const page = await app.request("/", { cookie });
    assert.equal(page.status, 200, "pages still render without the store");
  } finally {
    await app.services.outbox.stop();
  }
});

Deno.test("POST /api/v1/feedback/:plugin takes JSON with the double-submit token", async () => {
  const app = await startApp({
    config: demoWith({
      PLUGINS: { demo: {}, restful_feedback: { URL: "http://127.0.0.1:9/unused" } },
    }),
  });
  try {
    const cookie = await app.login("user@example.com");
    const csrf = csrfOf(await overview(app, cookie));
    const send = (body: unknown, headers: Record<string, string> = {}) =>
      app.request("/api/v1/feedback/restful_feedback", {
        method: "POST",
        cookie,
        headers: { "Content-Type": "application/json", ...headers },
        body: JSON.stringify(body),
      });
    const missing = await send({ id: "signin-fry-3", feedback: "yes", notes: "" });
    assert.equal(missing.status, 403);
    assert.deepEqual(await missing.json(), { error: "Anti-CSRF token missing.", status: 403 });
    const wrong = await send({ id: "signin-fry-3", feedback: "yes", _csrf_token: "f".repeat(64) });
    assert.deepEqual(await wrong.json(), { error: "Anti-CSRF token incorrect.", status: 403 });
    const bad = await send({ id: "signin-fry-3", feedback: 7 }, { "X-CSRF-Token": csrf });
    assert.deepEqual(await bad.json(), { error: "Invalid feedback.", status: 400 });
    const unknownSink = await app.request("/api/v1/feedback/nope", {
      method: "POST",
      cookie,
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: "{}",
    });
    assert.equal(unknownSink.status, 404);
    const ok = await send({ id: "signin-fry-3", feedback: "yes", notes: "me", _csrf_token: csrf });
    assert.equal(ok.status, 202);
    assert.deepEqual(await ok.json(), { queued: true, id: "signin-fry-3" });
    assert.equal(await app.services.store.outbox.outboxDepth(), 1);
  } finally {
    await app.close();
  }
});

Deno.test("a dismissal asks the notification sources once, not once per step", async () => {
  let calls = 0;
  const counting = definePlugin(z.object({}).strict(), (_, ctx) => ({
    name: ctx.name,
    timeoutMs: ctx.timeoutMs,
    notificationsByEmail: () => {
      calls++;
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
    counting: {
      load: () => Promise.resolve({ default: counting }),
    },
  });
  const app = await startApp({
    registry,
    // across requests the alerts are cached (feedback_budget_test.ts); here: within one request
    config: demoWith({ PLUGINS: { counting: {} }, BUDGETS: { NOTIFICATIONS_CACHE_SECONDS: 0 } }),
  });
  try {
    const cookie = await app.login("green@example.com");
    const csrf = csrfOf(await overview(app, cookie));
    calls = 0;
    const res = await app.request("/notifications/n1/dismiss", {
      method: "POST",
      cookie,
      headers: { "HX-Request": "true", "X-CSRF-Token": csrf },
      body: new URLSearchParams(),
    });
    assert.equal(res.status, 200);
    assert.match(await res.text(), /Dismissed “Counted”/);
    assert.equal(calls, 1);
  } finally {
    await app.close();
  }
});
