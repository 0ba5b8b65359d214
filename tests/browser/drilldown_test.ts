/**
 * The security team's path in a real browser (issue 26), at 360 and 1280 px, JavaScript on and
 * off: the Dashboard's "critical" number → the list of those devices → one owner's look-up (what
 * that person sees, read-only, never the admin's own devices) → back to the list; the look-up box
 * finds a device by serial. axe finds no serious or critical violation on any of these pages.
 * Saves the Dashboard and list screenshots used by the README (JavaScript on).
 */
import assert from "node:assert/strict";
import type { Browser, Page } from "playwright-core";
import { startServer } from "../support/server.ts";
import { audit, describe } from "./axe.ts";
import { launch, SHOTS } from "./chromium.ts";

const HTMX_RE = /\/static\/htmx\.[0-9a-f]+\.js$/;
/** The admin's own device in the demo (plugins/sources/demo_people.ts). */
const ADMIN_DEVICE = /farnsworth-mbp|C02ADMIN01/;

async function checked(page: Page, found: string[]): Promise<void> {
  found.push(
    ...describe(
      `${new URL(page.url()).pathname} at ${page.viewportSize()?.width}`,
      await audit(page),
    ),
  );
  const sideways = await page.evaluate(() =>
    document.documentElement.scrollWidth - document.documentElement.clientWidth
  );
  assert.equal(sideways, 0, `${page.url()} scrolls sideways`);
}

for (const javaScript of [true, false]) {
  for (const width of [360, 1280]) {
    const mode = `${width} px, JavaScript ${javaScript ? "on" : "off"}`;
    Deno.test(`Dashboard critical number → its devices → one person's look-up → back (${mode})`, async () => {
      const server = await startServer();
      let browser: Browser | undefined;
      try {
        browser = await launch();
        const context = await browser.newContext({ viewport: { width, height: 900 } });
        if (!javaScript) await context.route(HTMX_RE, (route) => route.abort());
        const page = await context.newPage();
        const found: string[] = [];
        await page.goto(`${server.url}/login`);
        await Promise.all([
          page.waitForURL(`${server.url}/`),
          page.click('button[value="admin@example.com"]'),
        ]);
        await page.goto(`${server.url}/dashboard`);
        await checked(page, found);
        if (javaScript) {
          await page.screenshot({
            path: new URL(`screenshot-${width}-dashboard.png`, SHOTS).pathname,
            fullPage: false,
          });
        }
        // "All devices" table: the Critical column's number (5 of the demo's 14 devices)
        const critical = page.locator("#overall-h ~ .chart-pair table a").first();
        assert.equal(await critical.innerText(), "5 (35.7%)");
        await Promise.all([page.waitForURL(/\/dashboard\/devices\?/), critical.click()]);
        assert.equal(await page.locator("h1").innerText(), "Devices: critical");
        assert.match(await page.locator(".lead").innerText(), /^5 devices in the batch run of /);
        const owners = await page.locator("table.device-rows tbody th a").allInnerTexts();
        assert.deepEqual(owners.length, 5);
        assert.ok(owners.includes("one-red@example.com"), owners.join());
        await checked(page, found);
        if (javaScript) {
          await page.screenshot({
            path: new URL(`screenshot-${width}-devices-critical.png`, SHOTS).pathname,
            fullPage: true,
          });
        }
        const list = page.url();
        await Promise.all([
          page.waitForURL(/\/\?email=one-red%40example\.com$/),
          page.getByRole("link", { name: "one-red@example.com" }).click(),
        ]);
        assert.equal(await page.locator("h1").innerText(), "Overview of one-red@example.com");
        assert.doesNotMatch(await page.locator("main").innerText(), ADMIN_DEVICE);
        assert.deepEqual(await page.locator("main button").count(), 0, "no one's actions");
        await checked(page, found);
        await page.goBack();
        assert.equal(page.url(), list);
        assert.equal(await page.locator("h1").innerText(), "Devices: critical");
        // the look-up box: a serial finds its owner
        await page.goto(`${server.url}/dashboard`);
        await page.fill("#find-q", "DECAFBAD00");
        await Promise.all([
          page.waitForURL(/\/\?email=user%40example\.com$/),
          page.click("form.lookup button"),
        ]);
        assert.equal(await page.locator("h1").innerText(), "Overview of user@example.com");
        assert.deepEqual(found, []);
      } finally {
        await browser?.close();
        await server.stop();
      }
    });
  }
}
