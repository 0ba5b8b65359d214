/**
 * Free text typed into the security team's forms reaches the log as one line per record (issue
 * 26): an exemption's reason, a revocation's reason and a report's handling note holding U+2028,
 * U+2029 or U+0085 — line ends to readers that split on Unicode line ends — are written escaped,
 * so a reason cannot start a forged audit line, and parse back to exactly what was typed.
 *
 * @module
 */
import assert from "node:assert/strict";
import { createLogger } from "../../config/log.ts";
import { deviceKey } from "../../engine/identity/device_key.ts";
import { actionGroups } from "../../engine/view/rating.ts";
import { csrfOf, demoWith, startApp } from "../support/app.ts";
import { duoReport } from "../support/duo_report.ts";

const NOW = new Date("2026-12-01T09:00:00Z");
const FRY = "user@example.com";
/** A reason that, split at U+2028, would read as a second audit record. */
const FORGED = `Lab machine\u2028{"audit":true,"by":"ciso@example.com","msg":"exemption revoked"}`;

Deno.test("reasons and notes with line separators are one log line each, as typed", async () => {
  const lines: string[] = [];
  const app = await startApp({
    now: NOW,
    config: demoWith({
      PRIVILEGED_USERS: ["admin@example.com"],
      EXEMPTION_GRANTERS: ["admin@example.com"],
    }),
    log: createLogger({ level: "info", sink: (_level, line) => void lines.push(line) }),
  });
  try {
    const admin = await app.login("admin@example.com");
    const view = await app.services.engine.view(FRY);
    const device = view.devices.find((d) => deviceKey(d) && actionGroups(d).critical.length > 0)!;
    const form = await (await app.request(`/security/exemptions?email=${FRY}`, { cookie: admin }))
      .text();
    const granted = await app.request("/security/exemptions", {
      method: "POST",
      cookie: admin,
      body: new URLSearchParams({
        _csrf_token: csrfOf(form),
        email: FRY,
        device: deviceKey(device)!,
        practice: actionGroups(device).critical[0]![0],
        reason: FORGED,
        until: "2027-03-01",
      }),
    });
    assert.equal(granted.status, 303);
    const [exemption] = await app.services.store.exemptions.exemptionsFor(FRY);
    const revoked = await app.request(`/security/exemptions/${exemption!.id}/revoke`, {
      method: "POST",
      cookie: admin,
      body: new URLSearchParams({ _csrf_token: csrfOf(form), reason: "Back\u2029on the LAN" }),
    });
    assert.equal(revoked.status, 303);
    const report = duoReport(1, NOW);
    await app.services.store.signinReports.reportSignIn(report);
    const handled = await app.request(`/security/reports/${report.id}/handle`, {
      method: "POST",
      cookie: admin,
      body: new URLSearchParams({ _csrf_token: csrfOf(form), note: "Reset\u0085ticket 42" }),
    });
    assert.equal(handled.status, 303);

    const log = lines.join("\n");
    assert.deepEqual(log.split(/\r\n|[\n\r\u0085\u2028\u2029]/), lines, "one line per record");
    const audited = lines.map((l) => JSON.parse(l)).filter((r) => r.audit && r.by);
    assert.deepEqual(
      audited.map((r) => [r.msg, r.by, r.reason ?? r.note]),
      [
        ["exemption granted", "admin@example.com", FORGED],
        ["exemption revoked", "admin@example.com", "Back\u2029on the LAN"],
        ["sign-in report handled", "admin@example.com", "Reset\u0085ticket 42"],
      ],
    );
  } finally {
    await app.close();
  }
});
