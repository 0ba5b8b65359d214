/**
 * The Dashboard's nudges page in a real browser (issue 27), at 360 and 1280 px, JavaScript on and
 * off: the security team goes from the Dashboard to the nudges page, reads the dry run's list and
 * the follow-up, and opens a listed person's look-up; nothing scrolls sideways. The screenshots
 * for the README are taken here.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { Browser } from "playwright-core";
import { demoWith, startApp } from "../support/app.ts";
import { NUDGE_RUN, seedLedger } from "../support/nudge_runs.ts";
import { launch, SHOTS } from "./chromium.ts";

const ADMIN = "green@example.com";
const HTMX_RE = /\/static\/htmx\.[0-9a-f]+\.js$/;

for (const javaScript of [true, false]) {
  for (const width of [360, 1280]) {
    const mode = `${width} px, JavaScript ${javaScript ? "on" : "off"}`;
    Deno.test(`Dashboard → nudges → a listed person's look-up (${mode})`, async () => {
      const t = await startApp({
        config: demoWith({ PRIVILEGED_USERS: [ADMIN] }),
        now: new Date("2026-12-07T09:00:00Z"),
      });
      const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, t.app.fetch);
      let browser: Browser | undefined;
      try {
        await t.services.store.batchRuns.saveBatchRun(NUDGE_RUN);
        await seedLedger(t.services.store.nudges);
        const base = `http://127.0.0.1:${server.addr.port}`;
        browser = await launch();
        const context = await browser.newContext({ viewport: { width, height: 800 } });
        if (!javaScript) await context.route(HTMX_RE, (route) => route.abort());
        const page = await context.newPage();
        await page.goto(`${base}/login`);
        await Promise.all([page.waitForURL(`${base}/`), page.click(`button[value="${ADMIN}"]`)]);
        await page.goto(`${base}/dashboard`);
        await Promise.all([
          page.waitForURL(`${base}/dashboard/nudges`),
          page.getByRole("link", { name: /^Nudges: who got a message/ }).click(),
        ]);
        assert.equal(await page.locator("h1").innerText(), "Nudges");
        assert.equal(
          await page.locator("#nudges-fixed").innerText(),
          "Fixed within a week of a nudge: 3 of 4 items sent in the 7 days before this run are no longer to do.",
        );
        assert.deepEqual(
          await page.locator("#nudges-planned > li > p:first-child a").allInnerTexts(),
          ["user@example.com", "one-red@example.com"],
        );
        const overflow = await page.evaluate(() =>
          document.documentElement.scrollWidth - document.documentElement.clientWidth
        );
        assert.equal(overflow, 0, "the page scrolls sideways");
        if (javaScript) {
          await page.screenshot({
            path: new URL(`screenshot-dashboard-nudges-${width}.png`, SHOTS)
              .pathname,
            fullPage: true,
          });
        }
        await Promise.all([
          page.waitForURL(`${base}/?email=user%40example.com`),
          page.getByRole("link", { name: "user@example.com" }).first().click(),
        ]);
        assert.match(await page.locator("main").innerText(), /user@example\.com/);
      } finally {
        await browser?.close();
        await server.shutdown();
        await t.close();
      }
    });
  }
}
