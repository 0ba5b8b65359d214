import assert from "node:assert/strict";
import { startApp } from "../support/app.ts";

const ADMIN = "admin@example.com";

Deno.test("GET /dashboard says how old the OS release data is, and asks to act when stale", async () => {
  const app = await startApp({ now: new Date("2026-05-12T12:00:00Z") });
  try {
    const cookie = await app.login(ADMIN);
    const fresh = await (await app.request("/dashboard", { cookie })).text();
    assert.match(
      fresh,
      /<p id="release-data" class="muted">OS release data: the file shipped with Stethoscope \(no feed fetched yet\), current to 11 May \(1 day old\)\.<\/p>/,
    );
    app.clock.now = new Date("2026-11-30T12:00:00Z");
    const later = await app.login(ADMIN); // the first session has expired by then
    const stale = await (await app.request("/dashboard", { cookie: later })).text();
    assert.match(
      stale,
      /<p id="release-data" class="panel callout">OS release data: the file shipped with Stethoscope \(no feed fetched yet\), current to 11 May \(203 days old\)\. It is older than 7 days, so &quot;up to date&quot; verdicts may miss recent releases: run the connectivity check, or refresh the shipped file \(deno task releases:refresh\)\.<\/p>/,
    );
    const metrics = await (await app.request("/metrics")).text();
    assert.match(metrics, /^stethoscope_release_data_age_days 203$/m);
  } finally {
    await app.close();
  }
});
