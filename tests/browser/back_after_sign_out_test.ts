/**
 * After signing out, the browser's Back button shows nothing of the person: their pages are
 * `no-store` (so neither the HTTP cache nor the back/forward cache keeps them) and sign-out sends
 * `Clear-Site-Data`. Run with and without JavaScript.
 */
import assert from "node:assert/strict";
import type { Browser } from "playwright-core";
import { startServer } from "../support/server.ts";
import { launch } from "./chromium.ts";

const PERSON = "one-red@example.com";
const DEVICE = "ThinkPad T14 Gen 4";

for (const javaScript of [true, false]) {
  const mode = javaScript ? "with JavaScript" : "without JavaScript";

  Deno.test(`Back after signing out shows nothing of the person ${mode}`, async () => {
    const server = await startServer();
    let browser: Browser | undefined;
    try {
      browser = await launch();
      const context = await browser.newContext({ javaScriptEnabled: javaScript });
      const page = await context.newPage();
      await page.goto(`${server.url}/devices`);
      await page.click(`button[value="${PERSON}"]`);
      await page.waitForURL(`${server.url}/devices`);
      const before = await page.locator("body").innerText();
      assert.ok(before.includes(DEVICE), "the devices page shows the person's device");
      assert.ok(before.includes(PERSON), "the devices page names the person");

      await page.locator('form[action="/logout"] button').first().click();
      await page.waitForURL(`${server.url}/login?signed-out`);
      assert.match(await page.getByRole("status").innerText(), /^You are signed out of /);
      await page.goBack();
      await page.waitForLoadState("load");
      const after = await page.locator("body").innerText();
      assert.ok(!after.includes(DEVICE), `after Back: ${after.slice(0, 300)}`);
      // Back lands on the sign-in page (the demo picker lists every demo person by name), with no
      // sign-out button: nothing is shown as anyone's.
      assert.equal(await page.locator('form[action="/logout"]').count(), 0);
      assert.match(page.url(), /\/login\?next=%2Fdevices$/);
      assert.deepEqual(await context.cookies(), []);
    } finally {
      await browser?.close();
      await server.stop();
    }
  });
}
