/**
 * Exemptions in a real browser (issue 26), at 360 and 1280 px, with JavaScript on and off, on the
 * demo with an injected clock: the security team's person opens Exemptions from the Dashboard,
 * picks Fry, grants an exemption of the firewall on his laptop until 21 December; Fry sees "Exempt
 * until 21 December — …, granted by the security team" and his badge drops by one; a batch run
 * counts the device as exempt and the Dashboard lists the exemption as ending soon; on
 * 22 December the item is back on Fry's card and in his badge. axe finds no serious or critical
 * violation on the Dashboard, the exemptions page, the report queue or Fry's devices.
 * Screenshots (JavaScript on) go to `SHOTS` (`docs/` with `UPDATE_SCREENSHOTS=1`).
 */
import assert from "node:assert/strict";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { addOutcome, createStats, toRunSummary } from "../../engine/batch/batch_stats.ts";
import { demoWith, startApp, type TestApp } from "../support/app.ts";
import { audit, describe } from "./axe.ts";
import { launch, SHOTS } from "./chromium.ts";

const NOW = new Date("2026-12-01T09:00:00Z");
const ADMIN = "admin@example.com";
const FRY = "user@example.com";
/** Fry's laptop whose firewall is off (plugins/sources/demo_people.ts). */
const LAPTOP = "serial:DECAFBAD00";
const REASON = "Lab laptop on the isolated test network";
const HTMX_RE = /\/static\/htmx\.[0-9a-f]+\.js$/;

async function context(browser: Browser, width: number, javaScript: boolean) {
  const ctx = await browser.newContext({ viewport: { width, height: 900 } });
  if (!javaScript) await ctx.route(HTMX_RE, (route) => route.abort());
  return ctx;
}

async function signIn(ctx: BrowserContext, base: string, email: string): Promise<Page> {
  const page = await ctx.newPage();
  await page.goto(`${base}/login`);
  await Promise.all([page.waitForURL(`${base}/`), page.click(`button[value="${email}"]`)]);
  return page;
}

async function badge(page: Page): Promise<number> {
  const text = await page.locator("#alert-count").innerText();
  return Number(text || "0");
}

async function noOverflow(page: Page): Promise<void> {
  const overflow = await page.evaluate(() =>
    document.documentElement.scrollWidth - document.documentElement.clientWidth
  );
  assert.equal(overflow, 0, `${page.url()} scrolls sideways`);
}

async function axeClean(page: Page): Promise<void> {
  assert.deepEqual(describe(new URL(page.url()).pathname, await audit(page)), []);
}

/** A batch run over Fry, counted as the batch counts (`addOutcome`), saved for the Dashboard. */
async function batchRun(t: TestApp): Promise<void> {
  const stats = createStats();
  const found = await t.services.engine.devicesForBatch(FRY);
  addOutcome(stats, { devices: found.items, errors: found.errors });
  const at = t.clock.now;
  await t.services.store.batchRuns.saveBatchRun(
    toRunSummary(stats, { id: "run-1", startedAt: at, finishedAt: at }),
  );
}

for (const javaScript of [true, false]) {
  for (const width of [360, 1280]) {
    const mode = `${width} px, JavaScript ${javaScript ? "on" : "off"}`;
    Deno.test(`an exemption is granted, seen by the employee, counted and expires (${mode})`, async () => {
      const t = await startApp({
        now: NOW,
        config: demoWith({ EXEMPTION_GRANTERS: [ADMIN] }),
      });
      const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, t.app.fetch);
      const base = `http://127.0.0.1:${server.addr.port}`;
      const shots = javaScript;
      let browser: Browser | undefined;
      try {
        browser = await launch();
        const fryCtx = await context(browser, width, javaScript);
        const fry = await signIn(fryCtx, base, FRY);
        const before = await badge(fry);

        const adminCtx = await context(browser, width, javaScript);
        const admin = await signIn(adminCtx, base, ADMIN);
        await admin.goto(`${base}/dashboard`);
        await Promise.all([
          admin.waitForURL(`${base}/security/exemptions`),
          admin.locator("#security-work").getByRole("link", { name: "Exemptions" }).click(),
        ]);
        await admin.fill("#ex-email", FRY);
        await Promise.all([
          admin.waitForURL(/email=/),
          admin.getByRole("button", { name: "Choose their device" }).click(),
        ]);
        await admin.selectOption("#ex-device", LAPTOP);
        await admin.selectOption("#ex-practice", "firewall");
        await admin.fill("#ex-reason", REASON);
        await admin.fill("#ex-until", "2026-12-21");
        await Promise.all([
          admin.waitForURL(/done=granted/),
          admin.getByRole("button", { name: "Grant" }).click(),
        ]);
        assert.equal(await admin.getByRole("status").innerText(), "The exemption is granted.");
        const row = admin.locator("#exemptions tbody tr");
        assert.equal(await row.count(), 1);
        assert.match(
          await row.innerText(),
          /user@example\.com\s+serial DECAFBAD00\s+Firewall is off/,
        );
        await noOverflow(admin);
        await axeClean(admin);
        if (shots && width === 1280) {
          await admin.screenshot({
            path: new URL("screenshot-exemptions.png", SHOTS).pathname,
            fullPage: true,
          });
        }

        // Fry: the item is off his list and badge, and his card says why
        await fry.goto(`${base}/devices`);
        const item = fry.locator("#dev-DECAFBAD00-firewall");
        assert.equal(
          (await item.innerText()).replace(/\s+/g, " ").trim(),
          `i Exempt: Firewall is off Exempt until 21 December — ${REASON}, granted by the security team`,
        );
        assert.equal(await badge(fry), before - 1);
        await noOverflow(fry);
        await axeClean(fry);
        if (shots && width === 360) {
          await item.scrollIntoViewIfNeeded();
          await fry.locator("#dev-DECAFBAD00").screenshot({
            path: new URL("screenshot-360-exempt.png", SHOTS).pathname,
          });
        }

        // counted: a batch run, then the Dashboard
        await batchRun(t);
        await admin.goto(`${base}/dashboard`);
        const panel = admin.locator("#security-work");
        assert.match(
          await panel.innerText(),
          /Exemptions · in the latest batch run: 1 practice waived on a device, 0 devices exempt rather than OK/,
        );
        assert.equal(
          await admin.locator("#exemptions-ending li").innerText(),
          "21 December — user@example.com, serial DECAFBAD00: “Firewall is off” waived",
        );
        await noOverflow(admin);
        await axeClean(admin);
        if (shots && width === 1280) {
          await panel.screenshot({
            path: new URL("screenshot-dashboard-security.png", SHOTS).pathname,
          });
        }
        await admin.goto(`${base}/security/reports`);
        await axeClean(admin);

        // expired: on 22 December the item is back (a new session: the old one has ended)
        t.clock.now = new Date("2026-12-22T09:00:00Z");
        const later = await signIn(await context(browser, width, javaScript), base, FRY);
        assert.equal(await badge(later), before);
        await later.goto(`${base}/devices`);
        assert.equal(await later.getByText("Exempt until").count(), 0);
        assert.equal(
          await later.locator("#dev-DECAFBAD00-firewall summary").innerText().then((s) =>
            s.includes("Firewall is off")
          ),
          true,
        );
      } finally {
        await browser?.close();
        await server.shutdown();
        await t.close();
      }
    });
  }
}
