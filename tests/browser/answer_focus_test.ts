/**
 * Answering by keyboard keeps the person's place: after pressing "This wasn't me" on the Activity
 * page (a plain form: POST, then 303 back to the page) the browser lands on the same sign-in's
 * card, focused, so the next Tab stays in that card and a screen reader reads the answer, instead of starting again at the top of the page. Run with and without JavaScript.
 */
import assert from "node:assert/strict";
import type { Browser } from "playwright-core";
import { startServer } from "../support/server.ts";
import { launch } from "./chromium.ts";

for (const javaScript of [true, false]) {
  const mode = javaScript ? "with JavaScript" : "without JavaScript";

  Deno.test(`"This wasn't me" by keyboard leaves the focus on that sign-in ${mode}`, async () => {
    const server = await startServer();
    let browser: Browser | undefined;
    try {
      browser = await launch();
      const context = await browser.newContext({
        javaScriptEnabled: javaScript,
        viewport: { width: 360, height: 740 },
      });
      const page = await context.newPage();
      await page.goto(`${server.url}/login`);
      await Promise.all([
        page.waitForURL(`${server.url}/`),
        page.locator('button[value="user@example.com"]').click(),
      ]);
      await page.goto(`${server.url}/activity`);
      const card = page.locator("li.signin", { hasText: "Google: wrong password" });
      await card.getByRole("button", { name: "This wasn't me" }).focus();
      await page.keyboard.press("Enter");
      await card.getByText("You reported this sign-in as not you.").waitFor();

      const focused = await page.evaluate(() => {
        const card = document.activeElement?.closest("li.signin");
        return card?.querySelector(".what")?.textContent?.trim() ?? null;
      });
      assert.equal(focused, "Google: wrong password");
      // the next Tab stays in that card: the contact named in its next steps
      await page.keyboard.press("Tab");
      assert.deepEqual(
        await page.evaluate(() => {
          const el = document.activeElement;
          return [el?.closest("li.signin")?.id, el?.textContent?.trim()];
        }),
        ["ev-event_google_fry-3", "security@example.com"],
      );
    } finally {
      await browser?.close();
      await server.stop();
    }
  });
}
