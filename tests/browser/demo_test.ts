/**
 * The demo in a real browser: sign in, read the device cards, open a practice, answer and dismiss
 * alerts — once with JavaScript (htmx) and once without — and check that answers survive a reload.
 * Saves the screenshots used by the README.
 */
import assert from "node:assert/strict";
import type { Browser, Page } from "playwright-core";
import { startServer } from "../support/server.ts";
import { launch, recordPosts, SHOTS } from "./chromium.ts";

async function signIn(page: Page, base: string, email: string): Promise<void> {
  await page.goto(`${base}/devices`);
  assert.match(page.url(), /\/login\?next=%2Fdevices$/);
  await page.click(`button[value="${email}"]`);
  await page.waitForURL(`${base}/devices`);
}

async function cardTitles(page: Page): Promise<string[]> {
  return await page.locator("article.device h2").allTextContents();
}

for (const javaScript of [true, false]) {
  const mode = javaScript ? "with JavaScript" : "without JavaScript";

  Deno.test(`a demo person reads their devices and opens a practice ${mode}`, async () => {
    const server = await startServer();
    let browser: Browser | undefined;
    try {
      browser = await launch();
      const context = await browser.newContext({
        javaScriptEnabled: javaScript,
        viewport: { width: 1100, height: 900 },
      });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(e.message));
      page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
      await signIn(page, server.url, "one-red@example.com");
      assert.deepEqual(await cardTitles(page), ["ThinkPad T14 Gen 4", "MacBook Air (13-inch, M3)"]);
      assert.match(
        await page.locator(".callout").innerText(),
        /1 device needs fixing now: ThinkPad T14 Gen 4\./,
      );
      // a failing practice is open from the start: what is wrong, then the steps
      const practice = page.locator("article.device").first().locator("details", {
        hasText: "Disk is not encrypted",
      }).first();
      assert.equal(await practice.locator(".evidence").innerText(), "Disk encryption is at 0 %.");
      assert.match(await practice.innerText(), /How to fix it on Windows 11/);
      // a done practice is one line that a screen reader reads "Done: Firewall is on"; the card's
      // one "Why these matter" link opens the FAQ's reasons, by keyboard too
      const card = page.locator("article.device").first();
      const done = card.locator("#dev-PF1RED0042-firewall");
      assert.equal(await done.locator("details").count(), 0);
      assert.equal(await done.ariaSnapshot(), '- listitem: "Done: Firewall is on"');
      await card.getByRole("link", { name: "Why these matter" }).focus();
      await page.keyboard.press("Enter");
      await page.waitForURL(`${server.url}/faq#what-we-check`);
      const reason = page.locator("#practice-firewall + p");
      assert.match(
        await reason.innerText(),
        /^A firewall blocks connections you did not ask for\./,
      );
      assert.equal(await reason.isVisible(), true);
      await page.goto(`${server.url}/devices`);
      if (javaScript) {
        await page.screenshot({ path: new URL("screenshot-devices.png", SHOTS).pathname });
        const narrow = await context.newPage();
        await narrow.setViewportSize({ width: 320, height: 800 });
        await narrow.goto(`${server.url}/devices`);
        const overflow = await narrow.evaluate(() =>
          document.documentElement.scrollWidth - document.documentElement.clientWidth
        );
        assert.equal(overflow, 0, "no horizontal scrolling at 320 px");
        await narrow.screenshot({ path: new URL("screenshot-320.png", SHOTS).pathname });
      }
      assert.deepEqual(errors, []);
    } finally {
      await browser?.close();
      await server.stop();
    }
  });

  Deno.test(`alerts are answered and dismissed ${mode}, and stay so after a reload`, async () => {
    const server = await startServer();
    let browser: Browser | undefined;
    try {
      browser = await launch();
      const context = await browser.newContext({ javaScriptEnabled: javaScript });
      const page = await context.newPage();
      await signIn(page, server.url, "user@example.com");
      await page.goto(`${server.url}/`);
      const posts = recordPosts(page);
      const question = page.locator("article.notification", {
        hasText: "Sign-in attempt from a new place",
      });
      await question.locator("textarea").fill("I was asleep");
      await question.locator('button[value="no"]').click();
      await page.locator("text=You answered “This was not me”.").waitFor();
      const simple = page.locator("article.notification", { hasText: "firewall is off" });
      await simple.locator("button", { hasText: "OK" }).click();
      await simple.waitFor({ state: "detached" }).catch(() => simple.waitFor({ state: "hidden" }));
      assert.deepEqual(
        posts,
        javaScript
          ? [{ htmx: true, navigation: false }, { htmx: true, navigation: false }]
          : [{ htmx: false, navigation: true }, { htmx: false, navigation: true }],
      );
      if (javaScript) {
        const focused = await page.evaluate(() => document.activeElement?.textContent ?? "");
        assert.equal(
          focused,
          "Alert dismissed. “Firewall is off” stays on your list until it is fixed.",
          "focus stays put",
        );
        // Fry can act on 10 things; the answered question no longer counts, and the firewall
        // alert was counted with its "Firewall is off" item, which stays: 9, updated in place
        assert.equal(await page.locator("#alert-count").innerText(), "9");
        await page.screenshot({
          path: new URL("screenshot-overview.png", SHOTS).pathname,
          fullPage: true,
        });
      }
      await page.reload();
      assert.equal(
        await page.locator("article.notification", { hasText: "firewall is off" }).count(),
        0,
      );
      assert.equal(await page.locator("text=You answered “This was not me”.").count(), 1);
    } finally {
      await browser?.close();
      await server.stop();
    }
  });
}
