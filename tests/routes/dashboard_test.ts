import assert from "node:assert/strict";
import type { BatchRunSummary } from "../../engine/core/store_ports.ts";
import { dashboardModel, percent, type Row } from "../../views/dashboard_model.ts";
import { demoWith, startApp } from "../support/app.ts";

/** A demo person made privileged (demo sign-in only knows demo people). */
const ADMIN = "green@example.com";
const start = () => startApp({ config: demoWith({ PRIVILEGED_USERS: [ADMIN] }) });

const OLDER: BatchRunSummary = {
  id: "run-1",
  startedAt: new Date("2026-11-19T02:00:00Z"),
  finishedAt: new Date("2026-11-19T02:10:00Z"),
  people: 3,
  devices: 4,
  practices: { encryption: { warn: 1, ok: 3 } },
  ratings: { critical: 1, suggested: 1, ok: 2 },
  byPlatform: { Mac: { critical: 1, suggested: 1, ok: 2 } },
  bySource: { jamf: { critical: 1, suggested: 1, ok: 2 } },
  errors: {},
};

/** 4 people, 5 devices: 2 critical, 1 suggested, 1 ok, 1 unknown. */
const LATEST: BatchRunSummary = {
  id: "run-2",
  startedAt: new Date("2026-11-26T02:00:00Z"),
  finishedAt: new Date("2026-11-26T02:12:00Z"),
  people: 4,
  devices: 5,
  practices: {
    uptodate: { warn: 1, nudge: 2, ok: 1, unknown: 1 },
    encryption: { warn: 2, ok: 3 },
    firewall: { nudge: 1, ok: 2, na: 2 },
  },
  ratings: { critical: 2, suggested: 1, ok: 1, unknown: 1 },
  byPlatform: {
    Windows: { critical: 1, suggested: 1 },
    Mac: { critical: 1, ok: 1 },
    Android: { unknown: 1 },
  },
  bySource: {
    landesk: { critical: 1, suggested: 1 },
    jamf: { critical: 1, ok: 1 },
    google: { unknown: 1 },
  },
  errors: { google: 1 },
};

const c = (critical: number, suggested: number, ok: number, unknown: number, more = {}) => ({
  critical,
  suggested,
  ok,
  partial: 0,
  unknown,
  exempt: 0,
  na: 0,
  ...more,
});

/** A row's label, counts and total (and `na` when it has one). */
const shape = (r: Row) => ({
  label: r.label,
  counts: r.counts,
  total: r.total,
  ...(r.na !== undefined ? { na: r.na } : {}),
});

Deno.test("dashboardModel() computes the shares, the failing practices and the trend", () => {
  const m = dashboardModel([LATEST, OLDER]);
  assert.deepEqual(shape(m.overall), { label: "All devices", counts: c(2, 1, 1, 1), total: 5 });
  assert.deepEqual(m.overall.filter, { run: "run-2" });
  assert.deepEqual(m.practices.map(shape), [
    { label: "encryption", counts: c(2, 0, 3, 0), total: 5 },
    // not applicable is kept apart: "% ok" is of the 3 devices a firewall applies to
    { label: "firewall", counts: c(0, 1, 2, 0, { na: 2 }), total: 3, na: 2 },
    { label: "uptodate", counts: c(1, 2, 1, 1), total: 5 },
  ]);
  assert.deepEqual(m.practices[0]!.filter, { run: "run-2", practice: "encryption" });
  assert.deepEqual(m.platforms.map((r) => [r.label, r.counts, r.total]), [
    ["Android", c(0, 0, 0, 1), 1],
    ["Mac", c(1, 0, 1, 0), 2],
    ["Windows", c(1, 1, 0, 0), 2],
  ]);
  assert.deepEqual(m.sources.map((r) => r.label), ["google", "jamf", "landesk"]);
  assert.deepEqual(m.failing, [
    { label: "uptodate", key: "uptodate", critical: 1, suggested: 2, failing: 3, total: 5 },
    { label: "encryption", key: "encryption", critical: 2, suggested: 0, failing: 2, total: 5 },
    { label: "firewall", key: "firewall", critical: 0, suggested: 1, failing: 1, total: 3 },
  ]);
  assert.deepEqual(m.trend.map((r) => r.filter.run), ["run-1", "run-2"]);
  assert.deepEqual(m.trend.map(shape), [
    { label: "2026-11-19 02:10 UTC", counts: c(1, 1, 2, 0), total: 4 },
    { label: "2026-11-26 02:12 UTC", counts: c(2, 1, 1, 1), total: 5 },
  ]);
  assert.equal(percent(1, 3), 33.3);
  assert.equal(percent(0, 0), 0);
});

Deno.test("GET /dashboard shows the latest run as bars with tables of the numbers, each a link to its devices", async () => {
  const app = await start();
  try {
    await app.services.store.batchRuns.saveBatchRun(OLDER);
    await app.services.store.batchRuns.saveBatchRun(LATEST);
    const cookie = await app.login(ADMIN);
    const res = await app.request("/dashboard", { cookie });
    assert.equal(res.status, 200);
    const html = await res.text();
    assert.match(html, /4 people,(<!-- -->)?\s*(<!-- -->)?5 devices/);
    assert.match(html, /Sources that failed for some people: google \(1\)/);
    const list = (q: string) => `<a href="/dashboard/devices?run=run-2&amp;${q}">`;
    // Overall: 2 critical (40 %), 1 suggested, 1 OK, none partly checked, 1 unknown, none exempt
    assert.ok(html.includes(
      `<th scope="row">All devices</th><td>${list("rating=critical")}2 (40%)</a></td>` +
        `<td>${list("rating=suggested")}1 (20%)</a></td><td>${list("rating=ok")}1 (20%)</a></td>` +
        `<td>0 (0%)</td><td>${list("rating=unknown")}1 (20%)</a></td><td>0 (0%)</td>` +
        `<td><a href="/dashboard/devices?run=run-2">5</a></td>`,
    ));
    assert.match(
      html,
      /<th scope="col">OK<\/th><th scope="col">Partly checked<\/th><th scope="col">Unknown<\/th><th scope="col">Exempt<\/th>/,
    );
    // The bar: 40 % critical, then the label "20% OK" (of the 5 devices).
    assert.ok(html.includes('<rect x="0" y="0" width="40" height="10" class="seg-critical">'));
    assert.match(html, /<span class="bar-label">All devices<\/span>.*?20% OK/);
    // practices by their names, not their keys; most failing first
    assert.ok(
      html.includes(
        `<th scope="row">The operating system is up to date</th>` +
          `<td>${list("practice=uptodate&amp;status=failing")}3</a></td>`,
      ),
    );
    // not applicable is its own column, linked to its devices
    assert.ok(
      html.includes(
        `<th scope="row">Firewall is on</th><td>0 (0%)</td>` +
          `<td>${list("practice=firewall&amp;status=suggested")}1 (33.3%)</a></td>` +
          `<td>${list("practice=firewall&amp;status=ok")}2 (66.7%)</a></td><td>0 (0%)</td>` +
          `<td>0 (0%)</td><td><a href="/dashboard/devices?run=run-2&amp;practice=firewall">3</a>` +
          `</td><td>${list("practice=firewall&amp;status=na")}2</a></td>`,
      ),
    );
    assert.ok(html.includes(`<th scope="row">Windows</th><td>${list("platform=Windows")}`.replace(
      "run=run-2&amp;platform=Windows",
      "run=run-2&amp;rating=critical&amp;platform=Windows",
    )));
    // a trend point leads to its own run's devices
    assert.ok(html.includes(
      '<th scope="row">2026-11-19 02:10 UTC</th><td><a href="/dashboard/devices?run=run-1&amp;rating=critical">1 (25%)</a>',
    ));
    assert.equal((html.match(/<div class="bars" aria-hidden="true">/g) ?? []).length, 6);
    assert.equal((html.match(/<caption>/g) ?? []).length, 6);
    assert.doesNotMatch(html, /\sstyle=/, "no inline styles (CSP style-src 'self')");
    assert.match(
      html,
      /aria-current="page"[^>]*>\s*Dashboard|href="\/dashboard" aria-current="page"/,
    );
  } finally {
    await app.close();
  }
});

Deno.test("GET /dashboard explains how to run the batch when there is no run yet", async () => {
  const app = await start();
  try {
    const cookie = await app.login(ADMIN);
    const html = await (await app.request("/dashboard", { cookie })).text();
    assert.match(html, /No batch run yet/);
    assert.match(html, /<code>deno task batch emails.txt<\/code>/);
    assert.doesNotMatch(html, /class="bars"/);
  } finally {
    await app.close();
  }
});

Deno.test("GET /dashboard is refused to people who are not privileged", async () => {
  const app = await start();
  try {
    await app.services.store.batchRuns.saveBatchRun(LATEST);
    const cookie = await app.login("user@example.com");
    const res = await app.request("/dashboard", { cookie });
    assert.equal(res.status, 403);
    const html = await res.text();
    assert.match(html, /only for the security team/);
    assert.doesNotMatch(html, /class="bars"/);
    const anonymous = await app.request("/dashboard");
    assert.equal(anonymous.status, 302);
  } finally {
    await app.close();
  }
});
