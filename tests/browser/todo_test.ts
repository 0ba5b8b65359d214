/**
 * The to-do list in a real browser (issue 27), at 360 px with JavaScript on and off: the badge
 * counts what Fry can act on; each update item names one target and its deadline, the same on the
 * Devices page; a laptop no inventory has heard from since March 2017 is asked about in its own
 * group, out of "Fix now"; the firewall alert sits under its "Firewall is off" item, linked to the
 * fix and counted once; dismissing and answering update the counts (JavaScript on: out of band,
 * no navigation; off: after the redirect). axe finds no serious or critical violation.
 *
 * The clock is the test app's (26 November 2026), so the deadlines read the same in any year.
 * The 2017 laptop comes from a file inventory (`tests/fixtures/inventory/fry_2017_laptop.json`,
 * the `file` source's record format: README "Sources", `plugins/sources/file_parse.ts`): a
 * ThinkPad T460 (2016) on Windows 10 1607, build 14393, last synced 14 March 2017.
 */
import assert from "node:assert/strict";
import type { Browser, Page } from "playwright-core";
import { demoWith, startApp } from "../support/app.ts";
import { audit, describe } from "./axe.ts";
import { launch, recordPosts, SHOTS } from "./chromium.ts";

const HTMX_RE = /\/static\/htmx\.[0-9a-f]+\.js$/;
const LAPTOP = new URL("../fixtures/inventory/fry_2017_laptop.json", import.meta.url).pathname;
const FRY = "user@example.com";

/** Each group's heading, in page order. */
async function headings(page: Page): Promise<string[]> {
  return await page.locator("section.todo-group h2").allInnerTexts();
}

/** A group's items as [title, where] (alerts shown with an item are not items). */
async function items(page: Page, group: string): Promise<string[][]> {
  return await page.locator(`section.lvl-${group} > ul > li.todo`).evaluateAll((lis) =>
    lis.map((li) => [
      li.querySelector(":scope > a")?.textContent ?? "",
      li.querySelector(":scope > .where")?.textContent ?? "",
    ])
  );
}

async function summary(page: Page): Promise<string> {
  return await page.locator("#todo-summary").innerText();
}

async function checked(page: Page, label: string, found: string[]): Promise<void> {
  found.push(...describe(label, await audit(page)));
  const sideways = await page.evaluate(() =>
    document.documentElement.scrollWidth - document.documentElement.clientWidth
  );
  assert.equal(sideways, 0, `${label} scrolls sideways`);
}

for (const javaScript of [true, false]) {
  const mode = `JavaScript ${javaScript ? "on" : "off"}`;
  Deno.test(`to-do list at 360 px, ${mode}: badge, one update target, stale laptop, linked alert, counts after dismissing and answering`, async () => {
    const app = await startApp({
      config: demoWith({ PLUGINS: { demo: {}, file: { PATH: LAPTOP } } }),
    });
    const server = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen: () => {} },
      app.app.fetch,
    );
    const base = `http://127.0.0.1:${server.addr.port}`;
    let browser: Browser | undefined;
    try {
      browser = await launch();
      const context = await browser.newContext({ viewport: { width: 360, height: 800 } });
      // "Off": the app's only script, htmx, is refused (axe needs JavaScript in the page).
      if (!javaScript) await context.route(HTMX_RE, (route) => route.abort());
      const page = await context.newPage();
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(e.message));
      const found: string[] = [];
      await page.goto(`${base}/login`);
      await Promise.all([page.waitForURL(`${base}/`), page.click(`button[value="${FRY}"]`)]);
      assert.equal(await page.evaluate(() => "htmx" in globalThis), javaScript);

      // The badge counts what Fry can act on: 6 to fix now and 4 suggestions, not the rest.
      assert.equal(await page.locator("#alert-count").innerText(), "10");
      assert.equal(
        await summary(page),
        "Your to-do list: 6 to fix now, 4 suggestions. Also listed: 1 device not seen lately, " +
          "7 that can't be checked, 1 notice.",
      );
      assert.deepEqual(await headings(page), [
        "Fix now (6)",
        "Suggested (4)",
        "Not seen lately (1)",
        "Can't check (7)",
        "For your information (1)",
      ]);
      // One target per update item, with its deadline in the title and nowhere else.
      const fixNow = await items(page, "crit");
      assert.deepEqual(fixNow, [
        ["Install macOS 15.7.7 (it was due by 1 June)", "MacBook Pro (16-inch, 2023) · macOS 15.6"],
        ["Firewall is off", "MacBook Pro (16-inch, 2023) · macOS 15.6"],
        ["Install Android 14 (it was due by 2 March)", "Pixel 6 · Android 13.0.0"],
        ["Screen lock is off or too slow", "ThinkPad X1 Carbon Gen 12 · Windows 10 build 19045"],
        [
          "Install Windows 11 24H2 (it was due by 14 October 2025)",
          "ThinkPad X1 Carbon Gen 12 · Windows 10 build 19045",
        ],
        ["Install iOS 18.7.9 (it was due by 1 June)", "iPad Air · iOS 18.6"],
      ]);
      // The 2017 laptop is asked about, not listed under "Fix now" with its old failures.
      assert.deepEqual(await items(page, "stale"), [
        [
          "Not seen since March 2017: is this still yours?",
          "ThinkPad T460 · Windows 10 build 14393",
        ],
      ]);
      // The firewall alert sits under its item, links to the fix, and is counted with it.
      const firewall = page.locator("section.lvl-crit li.todo", { hasText: "Firewall is off" });
      const alert = firewall.locator("article.notification");
      assert.equal(await alert.locator("h3").innerText(), "Your MacBook's firewall is off");
      assert.equal(
        await alert.getByRole("link", { name: "How to fix it" }).getAttribute("href"),
        "/devices#dev-DECAFBAD00-firewall",
      );
      assert.equal(await page.locator("section.lvl-crit li.todo-alert").count(), 0);
      await checked(page, `/ at 360 px, ${mode}`, found);
      if (javaScript) {
        await page.screenshot({
          path: new URL("screenshot-360-todo.png", SHOTS).pathname,
          fullPage: true,
        });
      }

      // The Devices page names the same target and deadline as the item.
      await Promise.all([
        page.waitForURL(`${base}/devices#dev-DECAFBAD00-uptodate`),
        page.getByRole("link", { name: "Install macOS 15.7.7 (it was due by 1 June)" }).click(),
      ]);
      const practice = page.locator("#dev-DECAFBAD00-uptodate");
      assert.match(
        await practice.innerText(),
        /^[^]*Install macOS 15\.7\.7 \(it was due by 1 June\)[^]*Install macOS 15\.7\.7; it was due by 1 June\./,
      );
      await page.goBack();

      // The 2017 laptop's card asks the same question, and is not among the devices to fix now.
      await Promise.all([
        page.waitForURL(`${base}/devices#dev-PF0OLD2017`),
        page.getByRole("link", { name: "Not seen since March 2017: is this still yours?" }).click(),
      ]);
      const old = page.locator("#dev-PF0OLD2017");
      assert.equal(await old.locator(".rating").textContent(), "Not seen since March 2017");
      assert.equal(
        await old.locator(".stale-note").innerText(),
        "No inventory has heard from this device since 14 March 2017, so what is shown here is " +
          "what it reported then. Is it still yours? If not, tell security@example.com so it " +
          "can be taken off the list; if it is, switch it on and connect it to the network so " +
          "it checks in again.",
      );
      assert.equal(
        await page.locator(".callout").innerText(),
        "4 devices need fixing now: MacBook Pro (16-inch, 2023), Pixel 6, " +
          "ThinkPad X1 Carbon Gen 12, iPad Air.",
      );
      await checked(page, `/devices at 360 px, ${mode}`, found);
      if (javaScript) {
        await old.scrollIntoViewIfNeeded();
        await page.screenshot({
          path: new URL("screenshot-360-devices-stale.png", SHOTS).pathname,
        });
      }
      await page.goBack();

      // Dismissing the firewall alert: the alert goes, its item and the count stay.
      const posts = recordPosts(page);
      // Without JavaScript the redirect comes back to where the alert was; with it, htmx swaps
      // the card in place. Either way a status line, focused, says the item is still to do,
      // rather than repeat the alert ("Dismissed “Your MacBook's firewall is off”" read as if
      // the firewall were dealt with, and stayed on the page only with JavaScript).
      await Promise.all([
        javaScript
          ? alert.waitFor({ state: "detached" })
          : page.waitForURL(`${base}/?dismissed=firewall-fry#n-firewall-fry`),
        alert.getByRole("button", { name: "OK" }).click(),
      ]);
      const status = "Alert dismissed. “Firewall is off” stays on your list until it is fixed.";
      assert.equal(await firewall.locator('[role="status"]').innerText(), status);
      assert.equal(await page.evaluate(() => document.activeElement?.textContent), status);
      assert.equal(await page.getByText("Your MacBook's firewall is off").count(), 0);
      assert.equal(await page.locator("#alert-count").innerText(), "10");
      assert.deepEqual(await items(page, "crit"), fixNow);
      await checked(page, `/ after dismissing at 360 px, ${mode}`, found);
      if (!javaScript) {
        await firewall.scrollIntoViewIfNeeded();
        await page.screenshot({
          path: new URL("screenshot-360-todo-dismissed.png", SHOTS).pathname,
        });
      }

      // Dismissing the notice: the summary no longer lists it.
      const notice = page.locator("article.notification", {
        hasText: "Stethoscope will be updated",
      });
      await notice.getByRole("button", { name: "OK" }).click();
      await notice.waitFor({ state: "detached" });
      assert.equal(
        await summary(page),
        "Your to-do list: 6 to fix now, 4 suggestions. Also listed: 1 device not seen lately, " +
          "7 that can't be checked.",
      );

      // Answering the question: it stays listed, answered, and is no longer counted.
      const question = page.locator("article.notification", {
        hasText: "Sign-in attempt from a new place",
      });
      await question.getByRole("button", { name: "This was me" }).click();
      await page.getByText("You answered “This was me”. Thank you.").waitFor();
      assert.equal(await page.locator("#alert-count").innerText(), "9");
      assert.equal(
        await summary(page),
        "Your to-do list: 6 to fix now, 3 suggestions. Also listed: 1 answered question, " +
          "1 device not seen lately, 7 that can't be checked.",
      );
      assert.deepEqual(
        posts,
        Array(3).fill(
          javaScript ? { htmx: true, navigation: false } : { htmx: false, navigation: true },
        ),
      );
      await checked(page, `/ after answering at 360 px, ${mode}`, found);
      assert.deepEqual(found, []);
      assert.deepEqual(errors, []);
    } finally {
      await browser?.close();
      await server.shutdown();
      await app.close();
    }
  });
}
