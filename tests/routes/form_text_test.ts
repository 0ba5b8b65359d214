/**
 * Free text typed into the security team's forms (issue 26) — an exemption's reason, a
 * revocation's reason, a report's handling note:
 * - reaches the log as one line per record: U+2028, U+2029 or U+0085 — line ends to readers that
 *   split on Unicode line ends — are written escaped, so a reason cannot start a forged audit
 *   line, and parse back to exactly what was typed;
 * - is capped by code points (1,000 for a note, 500 for a revocation's reason), never leaving half
 *   an emoji stored and shown.
 * The report is a Duo sign-in (`tests/support/duo_report.ts`).
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

/** The demo with a granter, its raw log lines, and the three forms posted as the granter. */
async function rig() {
  const lines: string[] = [];
  const app = await startApp({
    now: NOW,
    config: demoWith({
      PRIVILEGED_USERS: ["admin@example.com"],
      EXEMPTION_GRANTERS: ["admin@example.com"],
    }),
    log: createLogger({ level: "info", sink: (_level, line) => void lines.push(line) }),
  });
  const admin = await app.login("admin@example.com");
  const view = await app.services.engine.view(FRY);
  const device = view.devices.find((d) => deviceKey(d) && actionGroups(d).critical.length > 0)!;
  const csrf = csrfOf(
    await (await app.request(`/security/exemptions?email=${FRY}`, { cookie: admin })).text(),
  );
  const post = async (path: string, fields: Record<string, string>) =>
    (await app.request(path, {
      method: "POST",
      cookie: admin,
      body: new URLSearchParams({ _csrf_token: csrf, ...fields }),
    })).status;
  return {
    app,
    lines,
    /** Grants an exemption of Fry's device with `reason`; its id. */
    async grant(reason: string): Promise<string> {
      assert.equal(
        await post("/security/exemptions", {
          email: FRY,
          device: deviceKey(device)!,
          practice: actionGroups(device).critical[0]![0],
          reason,
          until: "2027-03-01",
        }),
        303,
      );
      return (await app.services.store.exemptions.exemptionsFor(FRY)).at(-1)!.id;
    },
    async revoke(id: string, reason: string): Promise<void> {
      assert.equal(await post(`/security/exemptions/${id}/revoke`, { reason }), 303);
    },
    /** Files a report of a Duo sign-in and handles it with `note`; the report's id. */
    async handle(note: string): Promise<string> {
      const report = duoReport(1, NOW);
      await app.services.store.signinReports.reportSignIn(report);
      assert.equal(await post(`/security/reports/${report.id}/handle`, { note }), 303);
      return report.id;
    },
    async [Symbol.asyncDispose]() {
      await app.close();
    },
  };
}

Deno.test("reasons and notes with line separators are one log line each, as typed", async () => {
  await using r = await rig();
  await r.revoke(await r.grant(FORGED), "Back\u2029on the LAN");
  await r.handle("Reset\u0085ticket 42");
  const log = r.lines.join("\n");
  assert.deepEqual(log.split(/\r\n|[\n\r\u0085\u2028\u2029]/), r.lines, "one line per record");
  const audited = r.lines.map((l) => JSON.parse(l)).filter((rec) => rec.audit && rec.by);
  assert.deepEqual(
    audited.map((rec) => [rec.msg, rec.by, rec.reason ?? rec.note]),
    [
      ["exemption granted", "admin@example.com", FORGED],
      ["exemption revoked", "admin@example.com", "Back\u2029on the LAN"],
      ["sign-in report handled", "admin@example.com", "Reset\u0085ticket 42"],
    ],
  );
});

Deno.test("a note or a revocation's reason is capped by code points: an emoji at the cap is kept whole", async () => {
  await using r = await rig();
  const id = await r.grant("Lab machine");
  await r.revoke(id, `${"r".repeat(499)}😀 and more`);
  const [revoked] = await r.app.services.store.exemptions.exemptionsFor(FRY);
  assert.equal(revoked!.revoked!.reason, `${"r".repeat(499)}😀`);
  await r.handle(`${"n".repeat(999)}🔒 ticket 42`);
  const { reports: [handled] } = await r.app.services.store.signinReports.signInReports({
    state: "handled",
    offset: 0,
    limit: 1,
  });
  assert.equal(handled!.handled!.note, `${"n".repeat(999)}🔒`);
  const page = await (await r.app.request("/security/reports?state=handled", {
    cookie: await r.app.login("admin@example.com"),
  })).text();
  assert.ok(page.includes(`${"n".repeat(999)}🔒</`), "shown whole");
});
