/**
 * "This wasn't me" reports reach the security team's queue (issue 26): Fry answers "no" about
 * his Duo sign-in on the Activity page and to the Overview's question about a Google sign-in; the
 * security team sees who, when and which sign-in (source, time, address, place), marks one handled
 * (CSRF form, 303) and finds it among the handled ones with who, when and the note — in the page
 * and the JSON API. Others cannot see or handle the queue.
 *
 * @module
 */
import assert from "node:assert/strict";
import { csrfOf, startApp } from "../support/app.ts";

const NOW = new Date("2026-12-07T14:00:00Z");

async function answerNo(app: Awaited<ReturnType<typeof startApp>>, cookie: string, id: string) {
  const page = await (await app.request("/activity", { cookie })).text();
  return await app.request(`/notifications/${encodeURIComponent(id)}/feedback`, {
    method: "POST",
    cookie,
    body: new URLSearchParams({ _csrf_token: csrfOf(page), feedback: "no", notes: "" }),
  });
}

Deno.test("a sign-in reported as not theirs is queued for the security team until handled", async () => {
  const app = await startApp({ now: NOW });
  try {
    const fry = await app.login("user@example.com");
    const admin = await app.login("admin@example.com");
    assert.equal((await answerNo(app, fry, "event:duo:fry-2")).status, 303);
    assert.equal((await answerNo(app, fry, "event:duo:fry-2")).status, 303, "twice: one report");
    app.clock.now = new Date("2026-12-07T14:05:00Z");
    assert.equal((await answerNo(app, fry, "signin-fry-3")).status, 303, "the Overview question");

    const queue = await (await app.request("/security/reports", { cookie: admin })).text();
    assert.equal(queue.match(/<li class="panel"/g)?.length, 2);
    for (
      const text of [
        "user@example.com",
        "Reported Monday 7 December 2026 at 14:00 UTC",
        "203.0.113.77",
        "New New York, United States",
        "198.51.100.23",
        "Mark handled",
      ]
    ) assert.ok(queue.includes(text), text);

    const { reports: [, first] } = await app.services.store.signinReports.signInReports({
      state: "open",
      offset: 0,
      limit: 10,
    });
    assert.equal(first!.signInKey, "event:duo:fry-2");
    app.clock.now = new Date("2026-12-07T15:00:00Z");
    const handled = await app.request(`/security/reports/${first!.id}/handle`, {
      method: "POST",
      cookie: admin,
      body: new URLSearchParams({ _csrf_token: csrfOf(queue), note: "Password reset, ticket 42" }),
    });
    assert.equal(handled.status, 303);
    assert.equal(handled.headers.get("location"), "/security/reports?handled=1");
    const done = await (await app.request("/security/reports?state=handled", { cookie: admin }))
      .text();
    assert.ok(
      done.includes(
        "Handled by admin@example.com on Monday 7 December 2026 at 15:00 UTC: Password reset, ticket 42",
      ),
    );

    const api = await app.request("/api/v1/signin-reports?state=handled", { cookie: admin });
    const body = await api.json() as { reports: Record<string, unknown>[] };
    assert.equal(body.reports.length, 1);
    const r = body.reports[0]!;
    assert.equal(r.email, "user@example.com");
    assert.equal(r.reportedAt, "2026-12-07T14:00:00.000Z");
    assert.deepEqual(r.handled, {
      by: "admin@example.com",
      at: "2026-12-07T15:00:00.000Z",
      note: "Password reset, ticket 42",
    });
    const signIn = r.signIn as Record<string, unknown>;
    assert.deepEqual([signIn.source, signIn.ip_address, signIn.place], [
      "duo",
      "203.0.113.77",
      "New New York, United States",
    ]);
    const open = await app.request("/api/v1/signin-reports", { cookie: admin });
    assert.equal(((await open.json()) as { reports: unknown[] }).reports.length, 1);
  } finally {
    await app.close();
  }
});

Deno.test("only privileged people see or handle the queue, and only with the form's token", async () => {
  const app = await startApp({ now: NOW });
  try {
    const fry = await app.login("user@example.com");
    const admin = await app.login("admin@example.com");
    await answerNo(app, fry, "event:duo:fry-2");
    const { reports: [report] } = await app.services.store.signinReports.signInReports({
      state: "open",
      offset: 0,
      limit: 10,
    });
    assert.equal((await app.request("/security/reports", { cookie: fry })).status, 403);
    assert.equal((await app.request("/api/v1/signin-reports", { cookie: fry })).status, 403);
    const page = await (await app.request("/activity", { cookie: fry })).text();
    const byFry = await app.request(`/security/reports/${report!.id}/handle`, {
      method: "POST",
      cookie: fry,
      body: new URLSearchParams({ _csrf_token: csrfOf(page), note: "" }),
    });
    assert.equal(byFry.status, 403);
    const noToken = await app.request(`/security/reports/${report!.id}/handle`, {
      method: "POST",
      cookie: admin,
      body: new URLSearchParams({ note: "" }),
    });
    assert.equal(noToken.status, 403);
    assert.equal(
      (await app.services.store.signinReports.signInReports({
        state: "open",
        offset: 0,
        limit: 10,
      }))
        .total,
      1,
      "still open",
    );
  } finally {
    await app.close();
  }
});
