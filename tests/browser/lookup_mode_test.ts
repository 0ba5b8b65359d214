/**
 * Look-up mode in a real browser (issue 26), at 360 and 1280 px, with JavaScript on and off: the
 * security team's person looks Fry up, follows a to-do item and the navigation, and stays on Fry's
 * pages all along — never the admin's own devices, no one's answer or dismiss buttons.
 */
import assert from "node:assert/strict";
import type { Browser, Page } from "playwright-core";
import { startServer } from "../support/server.ts";
import { launch } from "./chromium.ts";

const ADMIN = "admin@example.com";
const FRY = "user@example.com";
/** The admin's own device in the demo (plugins/sources/demo_people.ts). */
const ADMIN_DEVICE = /farnsworth-mbp|C02ADMIN01|MacBook Pro \(14-inch, 2024\)/;
const HTMX_RE = /\/static\/htmx\.[0-9a-f]+\.js$/;

async function signIn(page: Page, base: string, email: string): Promise<void> {
  await page.goto(`${base}/login`);
  await Promise.all([page.waitForURL(`${base}/`), page.click(`button[value="${email}"]`)]);
}

/** Texts of the buttons inside the page's main content. */
async function mainButtons(page: Page): Promise<string[]> {
  return (await page.locator("main button").allInnerTexts()).map((t) => t.trim());
}

/** What the page shows, checked on every page of the walk. */
async function assertFrysReadOnlyPage(page: Page, heading: RegExp): Promise<void> {
  assert.match(await page.locator("h1").innerText(), heading);
  assert.equal(new URL(page.url()).searchParams.get("email"), FRY, page.url());
  assert.doesNotMatch(await page.locator("main").innerText(), ADMIN_DEVICE);
  assert.deepEqual(await mainButtons(page), [], `${page.url()} offers no one's actions`);
  const overflow = await page.evaluate(() =>
    document.documentElement.scrollWidth - document.documentElement.clientWidth
  );
  assert.equal(overflow, 0, `${page.url()} scrolls sideways`);
}

for (const javaScript of [true, false]) {
  for (const width of [360, 1280]) {
    const mode = `${width} px, JavaScript ${javaScript ? "on" : "off"}`;
    Deno.test(`look-up mode stays on the looked-up person's pages, read-only (${mode})`, async () => {
      const server = await startServer();
      let browser: Browser | undefined;
      try {
        browser = await launch();
        const context = await browser.newContext({ viewport: { width, height: 800 } });
        if (!javaScript) await context.route(HTMX_RE, (route) => route.abort());
        const page = await context.newPage();
        const errors: string[] = [];
        page.on("pageerror", (e) => errors.push(e.message));
        await signIn(page, server.url, ADMIN);
        await page.fill("#lookup-email", FRY);
        await Promise.all([page.waitForURL(/email=/), page.click("form.lookup button")]);
        await assertFrysReadOnlyPage(page, /^Overview of user@example\.com$/);
        const badge = await page.locator("#alert-count").innerText();
        await Promise.all([
          page.waitForURL(/\/devices\?/),
          page.getByRole("link", { name: "Firewall is off" }).click(),
        ]);
        await assertFrysReadOnlyPage(page, /^Devices of user@example\.com$/);
        assert.equal(new URL(page.url()).hash, "#dev-DECAFBAD00-firewall");
        assert.equal(await page.locator("#alert-count").innerText(), badge, "Fry's badge");
        for (
          const [name, heading] of [
            ["Accounts", /^Accounts of user@example\.com$/],
            ["Activity", /^Recent sign-ins of user@example\.com$/],
            ["Overview", /^Overview of user@example\.com$/],
          ] as const
        ) {
          await Promise.all([
            page.waitForURL(/email=/),
            page.getByRole("navigation", { name: "Main" }).getByRole("link", { name }).click(),
          ]);
          await assertFrysReadOnlyPage(page, heading);
        }
        await Promise.all([
          page.waitForURL(`${server.url}/devices`),
          (async () => {
            await page.getByRole("navigation", { name: "Main" })
              .getByRole("link", { name: "Devices" }).click();
            await page.waitForURL(/\/devices\?/);
            await page.getByRole("link", { name: "Back to mine" }).click();
          })(),
        ]);
        assert.equal(await page.locator("h1").innerText(), "Your devices");
        assert.match(await page.locator("main").innerText(), ADMIN_DEVICE);
        assert.deepEqual(errors, []);
      } finally {
        await browser?.close();
        await server.stop();
      }
    });
  }
}
