import assert from "node:assert/strict";
import { explainUpToDate } from "../../cli/explain_releases.ts";
import { addOutcome, createStats } from "../../engine/batch/batch_stats.ts";
import { deviceRating } from "../../engine/view/rating.ts";
import {
  RATINGS,
  SEVERITIES,
  SEVERITY_WORDS,
  severityOfNotification,
  severityOfStatus,
  statusUrgency,
} from "../../engine/core/severity.ts";
import {
  type MergedDevice,
  NOTIFICATION_SEVERITIES,
  type Status,
  STATUSES,
} from "../../engine/core/types.ts";
import type { Practice } from "../../engine/practices/practices.ts";
import { dashboardModel } from "../../views/dashboard_model.ts";
import { engineWith } from "../support/engine.ts";

Deno.test("severityOfStatus() reads each wire status: warn is critical, nudge suggested", () => {
  assert.deepEqual(
    STATUSES.map((s) => [s, severityOfStatus(s)]),
    [
      ["warn", "critical"],
      ["nudge", "suggested"],
      ["ok", "ok"],
      ["unknown", "unknown"],
      ["na", "na"],
    ],
  );
  assert.equal(severityOfStatus("critical"), undefined);
  assert.equal(severityOfStatus("toString"), undefined);
});

Deno.test("severityOfNotification() reads each wire severity: warning is suggested", () => {
  assert.deepEqual(NOTIFICATION_SEVERITIES, ["info", "warning", "critical"]);
  assert.deepEqual(
    NOTIFICATION_SEVERITIES.map((severity) => severityOfNotification({ severity, type: "simple" })),
    ["info", "suggested", "critical"],
  );
  assert.equal(severityOfNotification({ type: "question" }), "suggested");
  assert.equal(severityOfNotification({ type: "question", severity: "info" }), "info");
  assert.equal(severityOfNotification({ type: "simple" }), "info");
});

Deno.test("SEVERITY_WORDS: the employee's, the operator's and the dashboard's words", () => {
  assert.deepEqual(SEVERITIES, ["critical", "suggested", "unknown", "info", "ok", "na"]);
  assert.deepEqual(
    SEVERITIES.map((s) => SEVERITY_WORDS[s].employee),
    ["Fix now", "Suggested", "Can't check", "For your information", "Done", "Does not apply"],
  );
  assert.deepEqual(
    RATINGS.map((s) => SEVERITY_WORDS[s].heading),
    ["Critical", "Suggested", "OK", "Unknown"],
  );
});

function device(statuses: Record<string, Status>): MergedDevice {
  const practices = Object.fromEntries(
    Object.entries(statuses).map(([k, status]) => [k, { status, title: k }]),
  );
  return { sources: ["jamf"], practices, identifiers: {}, platform: "Mac" };
}

Deno.test("batch summary ratings keep their wire keys, and OK means checked and passing", () => {
  const devices = [
    device({ firewall: "warn", uptodate: "nudge" }),
    device({ firewall: "nudge", uptodate: "ok" }),
    device({ firewall: "ok" }),
    device({ firewall: "unknown", jailed: "na" }),
    // nothing fails, but the screen lock could not be read: rated ok, counted "partly checked"
    device({ firewall: "ok", screenlock: "unknown" }),
  ];
  assert.deepEqual(devices.map(deviceRating), [...RATINGS, "ok"]);
  const stats = createStats();
  addOutcome(stats, { devices, errors: [] });
  assert.deepEqual(stats.ratings, { critical: 1, suggested: 1, ok: 1, unknown: 1, partial: 1 });
  assert.deepEqual(stats.practices, {
    firewall: { warn: 1, nudge: 1, ok: 2, unknown: 1 },
    uptodate: { nudge: 1, ok: 1 },
    jailed: { na: 1 },
    screenlock: { unknown: 1 },
  });
});

Deno.test("dashboardModel() counts practice statuses under their severity, na apart", () => {
  const model = dashboardModel([{
    id: "r1",
    startedAt: new Date("2026-11-30T00:00:00Z"),
    finishedAt: new Date("2026-11-30T00:10:00Z"),
    people: 1,
    devices: 11,
    practices: { firewall: { warn: 2, nudge: 1, ok: 3, unknown: 1, na: 4 } },
    ratings: { critical: 2, suggested: 1, ok: 3, unknown: 1 },
    byPlatform: {},
    bySource: {},
    errors: {},
  }]);
  assert.deepEqual(
    model.practices.map(({ label, counts, total, na }) => ({ label, counts, total, na })),
    [{
      label: "firewall",
      counts: { critical: 2, suggested: 1, ok: 3, partial: 0, unknown: 1, exempt: 0, na: 4 },
      total: 7,
      na: 4,
    }],
  );
  assert.deepEqual(model.overall.counts, {
    critical: 2,
    suggested: 1,
    ok: 3,
    partial: 0,
    unknown: 1,
    exempt: 0,
    na: 0,
  });
});

Deno.test("explainUpToDate() prints the operator's word for each status", async () => {
  const words = await Promise.all(STATUSES.map(async (status) => {
    const practice: Practice = {
      name: "uptodate",
      key: "uptodate",
      type: "uptodate",
      config: { KEY: "uptodate", DISPLAY_TITLE: "Up to date", DESCRIPTION: "Updates." },
      evaluate: () => ({ status }),
    };
    const mac = { source: "jamf", name: "mbp", os: "macOS" };
    const view = await engineWith({ practices: [practice] })
      .viewOf("fry@example.com", { items: [mac], errors: [] });
    return explainUpToDate(view.devices, [practice], new Date("2026-12-07T09:00:00Z"));
  }));
  assert.deepEqual(words, [
    "OS up to date:\n  mbp (jamf, macOS): critical.",
    "OS up to date:\n  mbp (jamf, macOS): suggested.",
    "OS up to date:\n  mbp (jamf, macOS): ok.",
    "OS up to date:\n  mbp (jamf, macOS): unknown.",
    "OS up to date:\n  mbp (jamf, macOS): not applicable.",
  ]);
});

Deno.test("statusUrgency() orders warn above nudge above ok above unknown above na", () => {
  assert.deepEqual(STATUSES.map(statusUrgency), [3, 2, 1, 0, -1]);
});
