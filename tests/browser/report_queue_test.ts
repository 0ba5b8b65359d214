/**
 * The "this wasn't me" queue in a real browser (issue 26), at 360 and 1280 px, with JavaScript on
 * and off: 52 open reports; the Dashboard's number (all 52) leads to the queue, which shows the
 * total and the newest 50, and its "Next page" link (a plain link, the page in the URL) the last
 * two; no sideways scrolling, axe finds no serious or critical violation. Screenshot of the second
 * page at 360 px (JavaScript on) to `SHOTS` (`docs/` with `UPDATE_SCREENSHOTS=1`). A long address, an IPv6 sign-in and a note without
 * spaces wrap inside their report at 360 px. The sign-ins are Duo's (`tests/support/duo_report.ts`).
 */
import assert from "node:assert/strict";
import type { Browser } from "playwright-core";
import { demoWith, startApp } from "../support/app.ts";
import { duoReport } from "../support/duo_report.ts";
import { audit, describe } from "./axe.ts";
import { launch, SHOTS } from "./chromium.ts";

const NOW = new Date("2026-12-07T14:00:00Z");
const ADMIN = "admin@example.com";
const OPEN = 52;
const HTMX_RE = /\/static\/htmx\.[0-9a-f]+\.js$/;

for (const javaScript of [true, false]) {
  for (const width of [360, 1280]) {
    const mode = `${width} px, JavaScript ${javaScript ? "on" : "off"}`;
    Deno.test(`the report queue shows its total and pages by links (${mode})`, async () => {
      const t = await startApp({ now: NOW, config: demoWith({}) });
      for (let i = 0; i < OPEN; i++) {
        const at = new Date(Date.UTC(2026, 11, 7, 8, i, 0));
        await t.services.store.signinReports.reportSignIn(duoReport(i, at));
      }
      const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, t.app.fetch);
      const base = `http://127.0.0.1:${server.addr.port}`;
      let browser: Browser | undefined;
      try {
        browser = await launch();
        const ctx = await browser.newContext({ viewport: { width, height: 900 } });
        if (!javaScript) await ctx.route(HTMX_RE, (route) => route.abort());
        const page = await ctx.newPage();
        await page.goto(`${base}/login`);
        await Promise.all([page.waitForURL(`${base}/`), page.click(`button[value="${ADMIN}"]`)]);
        await page.goto(`${base}/dashboard`);
        await Promise.all([
          page.waitForURL(`${base}/security/reports`),
          page.getByRole("link", { name: `${OPEN} open “this wasn't me” reports` }).click(),
        ]);
        const lead = page.locator("#report-queue .lead");
        assert.equal(await lead.innerText(), `${OPEN} open reports, showing 1–50, newest first.`);
        assert.equal(await page.locator("#report-queue li.panel").count(), 50);
        assert.equal(
          await page.locator("#report-queue li.panel h2").first().innerText(),
          "p51@example.com",
        );
        await Promise.all([
          page.waitForURL(`${base}/security/reports?page=2`),
          page.getByRole("link", { name: "Next page" }).click(),
        ]);
        assert.equal(await lead.innerText(), `${OPEN} open reports, showing 51–52, newest first.`);
        assert.deepEqual(await page.locator("#report-queue li.panel h2").allInnerTexts(), [
          "p1@example.com",
          "p0@example.com",
        ]);
        assert.equal(await page.locator(".pager span").innerText(), "Page 2 of 2");
        const overflow = await page.evaluate(() =>
          document.documentElement.scrollWidth - document.documentElement.clientWidth
        );
        assert.equal(overflow, 0, "no sideways scrolling");
        assert.deepEqual(describe("/security/reports?page=2", await audit(page)), []);
        if (javaScript && width === 360) {
          await page.screenshot({
            path: new URL("screenshot-360-reports.png", SHOTS).pathname,
            fullPage: true,
          });
        }
      } finally {
        await browser?.close();
        await server.shutdown();
        await t.close();
      }
    });
  }
}

Deno.test("a long address, an IPv6 sign-in and a note without spaces wrap inside their report at 360 px (JavaScript off)", async () => {
  const t = await startApp({ now: NOW, config: demoWith({}) });
  const at = new Date(Date.UTC(2026, 11, 7, 8, 0, 0));
  const long = "a.very.long.address.of.someone.in.finance@subsidiary-of-the-group.example.com";
  const base0 = duoReport(0, at);
  for (const r of [{ ...base0, email: long }, duoReport(1, at)]) {
    await t.services.store.signinReports.reportSignIn({
      ...r,
      signIn: { ...r.signIn, ip_address: "2001:0db8:85a3:0000:0000:8a2e:0370:7334" },
    });
  }
  await t.services.store.signinReports.handleSignInReport(duoReport(1, at).id, {
    by: ADMIN,
    at: NOW,
    note: `See https://tickets.example.com/browse/SEC-4242?focusedCommentId=${"9".repeat(40)}`,
  });
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, t.app.fetch);
  const base = `http://127.0.0.1:${server.addr.port}`;
  let browser: Browser | undefined;
  try {
    browser = await launch();
    const ctx = await browser.newContext({
      viewport: { width: 360, height: 900 },
      javaScriptEnabled: false,
    });
    const page = await ctx.newPage();
    await page.goto(`${base}/login`);
    await Promise.all([page.waitForURL(`${base}/`), page.click(`button[value="${ADMIN}"]`)]);
    const widths: Record<string, number> = {};
    for (const state of ["open", "handled"]) {
      await page.goto(`${base}/security/reports?state=${state}`);
      widths[state] = await page.evaluate(() =>
        document.documentElement.scrollWidth - document.documentElement.clientWidth
      );
    }
    assert.deepEqual(widths, { open: 0, handled: 0 }, "no sideways scrolling");
  } finally {
    await browser?.close();
    await server.shutdown();
    await t.close();
  }
});
