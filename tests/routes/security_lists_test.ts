/**
 * The security team's lists are complete and every read or change of them is audited (issue 26):
 * the "this wasn't me" queue holds 1,001 open reports — more than the 200 it used to list and the
 * 1,000 the Dashboard used to count — and shows them newest first, 50 a page, with the total, in
 * the page (links work without JavaScript) and the JSON API; the Dashboard counts all 1,001. A
 * capturing request logger plugin receives one record per report read (target: the reporter; the
 * list's filters in `context`), and one per grant, revocation and handling, with its id and words.
 * The sign-ins are Duo's (`tests/support/duo_report.ts`).
 *
 * @module
 */
import assert from "node:assert/strict";
import type { SigninReport } from "../../engine/core/signin_reports.ts";
import { auditRecorder } from "../support/audit_recorder.ts";
import { duoReport } from "../support/duo_report.ts";
import { csrfOf, demoWith, startApp } from "../support/app.ts";

const NOW = new Date("2026-12-07T14:00:00Z");
const OPEN = 1001;

/** Report `i`, filed `i` minutes after 08:00 on 7 December 2026. */
function report(i: number): SigninReport {
  return duoReport(i, new Date(Date.UTC(2026, 11, 7, 8, 0, 0) + i * 60_000));
}

async function rig() {
  const { records, registry } = auditRecorder();
  const app = await startApp({
    now: NOW,
    registry,
    config: demoWith({
      PLUGINS: { demo: {}, recorder: {} },
      PRIVILEGED_USERS: ["admin@example.com"],
      EXEMPTION_GRANTERS: ["admin@example.com"],
    }),
  });
  for (let i = 0; i < OPEN; i++) await app.services.store.signinReports.reportSignIn(report(i));
  return { app, records, admin: await app.login("admin@example.com") };
}

const panels = (html: string) => html.match(/<li class="panel"/g)?.length ?? 0;
const emails = (html: string) =>
  [...html.matchAll(/<h2 id="report-\w+"><a [^>]*>([^<]+)</g)]
    .map((m) => m[1]);

Deno.test("the report queue lists all 1,001 open reports newest first, 50 a page, with the total", async () => {
  const { app, admin } = await rig();
  try {
    const first = await (await app.request("/security/reports", { cookie: admin })).text();
    assert.ok(first.includes("1001 open reports, showing 1–50, newest first."));
    assert.equal(panels(first), 50);
    assert.deepEqual(emails(first).slice(0, 2), ["p1000@example.com", "p999@example.com"]);
    assert.ok(first.includes("Page 1 of 21"));
    assert.ok(first.includes(`<a href="/security/reports?page=2" rel="next">Next page</a>`));

    const last = await (await app.request("/security/reports?page=21", { cookie: admin })).text();
    assert.ok(last.includes("1001 open reports, showing 1001–1001, newest first."));
    assert.deepEqual(emails(last), ["p0@example.com"], "the oldest is on the last page");
    assert.ok(last.includes(`<a href="/security/reports?page=20" rel="prev">Previous page</a>`));

    const past = await (await app.request("/security/reports?page=22", { cookie: admin })).text();
    assert.ok(past.includes("1001 open reports; page 22 is past the last page (21)."));
    assert.equal((await app.request("/security/reports?page=0", { cookie: admin })).status, 400);

    // every report on exactly one page
    const seen = new Set<string>();
    for (let p = 1; p <= 21; p++) {
      const html = await (await app.request(`/security/reports?page=${p}`, { cookie: admin }))
        .text();
      for (const e of emails(html)) seen.add(e!);
    }
    assert.equal(seen.size, OPEN);

    const dashboard = await (await app.request("/dashboard", { cookie: admin })).text();
    assert.ok(dashboard.includes("1001 open “this wasn&#39;t me” reports"), "counted, not capped");

    const api = await app.request("/api/v1/signin-reports?page=21", { cookie: admin });
    const body = await api.json() as Record<string, unknown> & { reports: { email: string }[] };
    assert.deepEqual(
      { ...body, reports: body.reports.map((r) => r.email) },
      { state: "open", page: 21, pageSize: 50, total: OPEN, reports: ["p0@example.com"] },
    );
    const bad = await app.request("/api/v1/signin-reports?page=x", { cookie: admin });
    assert.equal(bad.status, 400);
  } finally {
    await app.close();
  }
});

Deno.test("reading the queue, handling a report and granting and revoking an exemption reach the audit plugins", async () => {
  const { app, records, admin } = await rig();
  try {
    records.length = 0;
    const html = await (await app.request("/security/reports?page=21", { cookie: admin })).text();
    await app.request("/api/v1/signin-reports?page=21", { cookie: admin });
    const reads = (await app.request("/security/reports?state=handled", { cookie: admin })).status;
    assert.equal(reads, 200);
    const target = report(0);
    assert.deepEqual(
      records.map((r) => [r.accessing_user, r.target, r.record_type, r.context]),
      [
        ["admin@example.com", "p0@example.com", "signin-report", "report queue state=open page=21"],
        [
          "admin@example.com",
          "p0@example.com",
          "signin-report",
          "api signin-reports state=open page=21",
        ],
      ],
      "one record per report read; an empty page reads nobody's",
    );
    assert.equal((records[0]!.data as SigninReport).id, target.id);

    records.length = 0;
    app.clock.now = new Date("2026-12-07T15:00:00Z");
    const note = 'Reset. "Quoted"\n{"forged": true}';
    const handled = await app.request(`/security/reports/${target.id}/handle`, {
      method: "POST",
      cookie: admin,
      body: new URLSearchParams({ _csrf_token: csrfOf(html), note: note + "x".repeat(1200) }),
    });
    assert.equal(handled.status, 303);
    assert.deepEqual(records, [{
      accessing_user: "admin@example.com",
      target: "p0@example.com",
      record_type: "signin-report",
      context: "sign-in report handled",
      retrieved: new Date("2026-12-07T15:00:00Z"),
      data: { id: target.id, note: (note + "x".repeat(1200)).slice(0, 1000) },
    }], "the note capped at 1,000 characters, as stored");

    records.length = 0;
    const form = await (await app.request("/security/exemptions?email=user@example.com", {
      cookie: admin,
    })).text();
    const granted = await app.request("/security/exemptions", {
      method: "POST",
      cookie: admin,
      body: new URLSearchParams({
        _csrf_token: csrfOf(form),
        email: "user@example.com",
        practice: "firewall",
        reason: "Lab machine",
        until: "2027-03-01",
      }),
    });
    assert.equal(granted.status, 303);
    const [ex] = await app.services.store.exemptions.exemptionsFor("user@example.com");
    const changes = () => records.filter((r) => r.record_type === "exemption");
    assert.deepEqual(changes(), [{
      accessing_user: "admin@example.com",
      target: "user@example.com",
      record_type: "exemption",
      context: "exemption granted",
      retrieved: new Date("2026-12-07T15:00:00Z"),
      data: {
        id: ex!.id,
        device: "every device",
        practice: "firewall",
        until: ex!.expiresAt.toISOString(),
        reason: "Lab machine",
      },
    }]);

    records.length = 0;
    const api = await app.request("/api/v1/exemptions?email=user@example.com", { cookie: admin });
    assert.equal(api.status, 200);
    assert.deepEqual(
      records.map((r) => [r.target, r.record_type, r.context, (r.data as { id: string }).id]),
      [["user@example.com", "exemption", "api exemptions of a person", ex!.id]],
    );

    records.length = 0;
    const revoked = await app.request(`/security/exemptions/${ex!.id}/revoke`, {
      method: "POST",
      cookie: admin,
      body: new URLSearchParams({
        _csrf_token: csrfOf(form),
        reason: "Back on the office network",
      }),
    });
    assert.equal(revoked.status, 303);
    assert.deepEqual(changes(), [{
      accessing_user: "admin@example.com",
      target: "user@example.com",
      record_type: "exemption",
      context: "exemption revoked",
      retrieved: new Date("2026-12-07T15:00:00Z"),
      data: { id: ex!.id, reason: "Back on the office network" },
    }]);
  } finally {
    await app.close();
  }
});

Deno.test("the exemption list pages 50 at a time with the number in force, past the maximum length not counted", async () => {
  const { app, records, admin } = await rig();
  try {
    const DAY = 86_400_000;
    const grant = (i: number, grantedAt: Date, expiresAt: Date) =>
      app.services.store.exemptions.grantExemption({
        id: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`,
        email: `p${i}@example.com`,
        practice: "firewall",
        reason: "Lab machine",
        grantedBy: "admin@example.com",
        grantedAt,
        expiresAt,
      });
    // 51 in force, ending 1..51 days from now; one granted 400 days ago "until 2030", which the
    // 365-day maximum ended 35 days ago
    for (let i = 1; i <= 51; i++) await grant(i, NOW, new Date(NOW.getTime() + i * DAY));
    await grant(99, new Date(NOW.getTime() - 400 * DAY), new Date("2030-01-01T00:00:00Z"));

    records.length = 0;
    const first = await (await app.request("/security/exemptions", { cookie: admin })).text();
    assert.ok(first.includes("51 exemptions in force, showing 1–50."));
    assert.ok(first.includes(`<a href="/security/exemptions?page=2" rel="next">Next page</a>`));
    assert.equal(records.filter((r) => r.context === "exemption list page=1").length, 50);
    const second = await (await app.request("/security/exemptions?page=2", { cookie: admin }))
      .text();
    assert.ok(second.includes("51 exemptions in force, showing 51–51."));
    assert.ok(second.includes("p51@example.com") && !second.includes("p99@example.com"));
    assert.equal((await app.request("/security/exemptions?page=x", { cookie: admin })).status, 400);

    const api = await app.request("/api/v1/exemptions?page=2", { cookie: admin });
    const body = await api.json() as Record<string, unknown> & { exemptions: { email: string }[] };
    assert.deepEqual(
      { ...body, exemptions: body.exemptions.map((e) => e.email) },
      { page: 2, pageSize: 50, total: 51, exemptions: ["p51@example.com"] },
    );
  } finally {
    await app.close();
  }
});
