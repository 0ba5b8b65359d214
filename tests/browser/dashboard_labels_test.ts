/**
 * The Dashboard's chart labels fit (issue 26): at 360 and 1280 px every bar label, value and table
 * cell lies inside its chart's panel and shows all of its text, measured in Chromium with
 * getBoundingClientRect (SVG text labels were clipped at 1280 px by up to 193 px).
 */
import assert from "node:assert/strict";
import type { Browser } from "playwright-core";
import { startServer } from "../support/server.ts";
import { launch } from "./chromium.ts";

for (const width of [360, 1280]) {
  Deno.test(`every Dashboard chart label fits inside its panel at ${width} px`, async () => {
    const server = await startServer();
    let browser: Browser | undefined;
    try {
      browser = await launch();
      const page = await browser.newPage({ viewport: { width, height: 900 } });
      await page.goto(`${server.url}/login`);
      await Promise.all([
        page.waitForURL(`${server.url}/`),
        page.click('button[value="admin@example.com"]'),
      ]);
      await page.goto(`${server.url}/dashboard`);
      const found = await page.evaluate(() => {
        const out: { text: string; overBy: number }[] = [];
        let labels = 0;
        for (const chart of document.querySelectorAll(".chart")) {
          const box = chart.getBoundingClientRect();
          for (const el of chart.querySelectorAll(".bar-label, .bar-value, text")) {
            labels++;
            const r = el.getBoundingClientRect();
            const overBy = Math.max(box.left - r.left, r.right - box.right, 0) +
              Math.max(el.scrollWidth - el.clientWidth, 0);
            if (overBy > 0.5) out.push({ text: el.textContent ?? "", overBy: Math.round(overBy) });
          }
        }
        return {
          labels,
          clipped: out,
          sideways: document.documentElement.scrollWidth - innerWidth,
        };
      });
      // demo batch: 1 overall row, the failing practices, 12 practices, platforms, sources, trend
      assert.ok(found.labels >= 40, `${found.labels} labels measured`);
      assert.deepEqual(found.clipped, []);
      assert.equal(found.sideways, 0, "the page never scrolls sideways");
    } finally {
      await browser?.close();
      await server.stop();
    }
  });
}
