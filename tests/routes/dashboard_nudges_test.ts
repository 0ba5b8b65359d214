/**
 * `GET /dashboard/nudges` (issue 27): after a batch run the security team reads who got a message
 * (or, while nudges are off, who would), how many nudged items are fixed within a week, and the
 * messages of the last 30 days with their state; a person's address opens their look-up; people
 * who are not privileged are refused.
 *
 * @module
 */
import assert from "node:assert/strict";
import { demoWith, startApp } from "../support/app.ts";
import { NUDGE_RUN as RUN, seedLedger } from "../support/nudge_runs.ts";

const ADMIN = "green@example.com";
const start = () => startApp({ config: demoWith({ PRIVILEGED_USERS: [ADMIN] }) });

/** The page's visible text, tags removed and spaces collapsed. */
function textOf(html: string): string {
  return html.replace(/<!--.*?-->/g, "").replace(/<[^>]+>/g, " ").replace(/\s+/g, " ").trim();
}

Deno.test("GET /dashboard/nudges shows the dry run's list, the follow-up and the ledger's messages with their state", async () => {
  const app = await start();
  try {
    const store = app.services.store;
    await store.batchRuns.saveBatchRun(RUN);
    await seedLedger(store.nudges);
    const cookie = await app.login(ADMIN);
    const dashboard = await (await app.request("/dashboard", { cookie })).text();
    assert.ok(dashboard.includes('<a href="/dashboard/nudges">'));
    const res = await app.request("/dashboard/nudges", { cookie });
    assert.equal(res.status, 200);
    const html = await res.text();
    const text = textOf(html);
    assert.ok(
      text.includes(
        "Dry run: who would get a message Nudges are off (NUDGES.ENABLED is false), so nothing was " +
          "sent. After the batch run that finished Monday 7 December 2026 at 02:10 UTC: 2 messages " +
          "would be sent ; none for 1 with nothing new.",
      ),
      text,
    );
    assert.ok(
      text.includes(
        "Fixed within a week of a nudge: 3 of 4 items sent in the 7 days before this run are no longer to do.",
      ),
      text,
    );
    assert.ok(text.includes(
      "All 2 messages: user@example.com by slack Stethoscope: 2 things to fix on your devices " +
        "Firewall is off — MacBook Pro Disk encryption is off — ThinkPad one-red@example.com by " +
        "email Stethoscope: 1 thing to fix on your devices Screen lock is off — Pixel 8",
    ));
    assert.ok(html.includes('<a href="/?email=user%40example.com">user@example.com</a>'));
    // The ledger, newest first: state and, for a refusal, the channel's reason.
    const ledger = textOf(html.slice(html.indexOf('id="nudges-ledger"')));
    assert.match(
      ledger,
      /user@example\.com by slack, queued Tuesday 1 December 2026 at 14:00 UTC Stethoscope: 3 things to fix on your devices \(3 items, 1 critical\) sent Tuesday 1 December 2026 at 14:01 UTC/,
    );
    assert.match(
      ledger,
      /Stethoscope: 1 thing to fix on your devices \(1 item\) refused by the channel: users_not_found/,
    );
  } finally {
    await app.close();
  }
});

Deno.test("GET /dashboard/nudges says how to get a dry run before any, and is refused to people who are not privileged", async () => {
  const app = await start();
  try {
    const admin = await app.login(ADMIN);
    const empty = textOf(await (await app.request("/dashboard/nudges", { cookie: admin })).text());
    assert.ok(empty.includes("No batch run has planned nudges yet."), empty);
    assert.ok(empty.includes("Messages in the last 30 days None."), empty);
    const cookie = await app.login("user@example.com");
    const res = await app.request("/dashboard/nudges", { cookie });
    assert.equal(res.status, 403);
    assert.doesNotMatch(await res.text(), /Dry run|nudges-ledger/);
    assert.equal((await app.request("/dashboard/nudges")).status, 302);
  } finally {
    await app.close();
  }
});
