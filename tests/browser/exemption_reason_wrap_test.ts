/**
 * The exemptions list with a reason written without spaces (a ticket link, as teams paste them):
 * at 360 and 1280 px, JavaScript off, the reason wraps in its cell, so neither the page nor the
 * table scrolls sideways and "Revoke" stays in view (issue 26, fresh review: a 120-character reason
 * put the columns after it off-screen inside the table's own scroll area).
 */
import assert from "node:assert/strict";
import type { Browser } from "playwright-core";
import { newExemption } from "../../engine/view/exemptions.ts";
import { demoWith, startApp } from "../support/app.ts";
import { launch } from "./chromium.ts";

const NOW = new Date(Date.UTC(2026, 11, 7, 9, 0, 0));
const ADMIN = "admin@example.com";
const FRY = "user@example.com";
const REASON = `https://tickets.example.com/browse/SEC-4242?focusedCommentId=${"9".repeat(60)}`;

for (const width of [360, 1280]) {
  Deno.test(`a reason without spaces wraps in the exemptions list (${width} px, JavaScript off)`, async () => {
    const t = await startApp({ now: NOW, config: demoWith({ EXEMPTION_GRANTERS: [ADMIN] }) });
    await t.services.store.exemptions.grantExemption(
      newExemption(
        { email: FRY, device: "serial:DECAFBAD00", practice: "firewall", reason: REASON },
        { by: ADMIN, now: NOW, id: "ex-wrap" },
      ),
    );
    const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, t.app.fetch);
    const base = `http://127.0.0.1:${server.addr.port}`;
    let browser: Browser | undefined;
    try {
      browser = await launch();
      const ctx = await browser.newContext({
        viewport: { width, height: 900 },
        javaScriptEnabled: false,
      });
      const page = await ctx.newPage();
      await page.goto(`${base}/login`);
      await Promise.all([page.waitForURL(`${base}/`), page.click(`button[value="${ADMIN}"]`)]);
      await page.goto(`${base}/security/exemptions`);
      assert.equal(await page.locator("#exemptions tbody tr").count(), 1);
      const overflow = await page.evaluate(() => {
        const doc = document.documentElement;
        const table = document.querySelector(".table-scroll");
        return {
          page: doc.scrollWidth - doc.clientWidth,
          table: table === null ? -1 : table.scrollWidth - table.clientWidth,
        };
      });
      // Nothing scrolls sideways: at 360 px each exemption is a card, its cells stacked and named
      // by their column (it was a seven-column table whose Last day and Revoke were off-screen).
      assert.equal(overflow.page, 0, "the page does not scroll sideways");
      assert.equal(overflow.table, 0, "the table does not scroll sideways");
      assert.equal(await page.getByRole("button", { name: "Revoke" }).isVisible(), true);
    } finally {
      await browser?.close();
      await server.shutdown();
      await t.close();
    }
  });
}
