import assert from "node:assert/strict";
import { startApp } from "../support/app.ts";
import { launch } from "./chromium.ts";

Deno.test("Chromium decodes a Devices page from the page cache: the same page, its nonce accepted, htmx running", async () => {
  const app = await startApp();
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, app.app.fetch);
  const origin = `http://127.0.0.1:${server.addr.port}`;
  const browser = await launch();
  try {
    const [name, value] = (await app.login("user@example.com")).split("=") as [string, string];
    const context = await browser.newContext();
    await context.addCookies([{ name, value, url: origin }]);
    const page = await context.newPage();
    const refused: string[] = [];
    page.on("console", (m) => {
      if (/Content Security Policy|Refused/i.test(m.text())) refused.push(m.text());
    });
    const texts: string[] = [];
    const encodings: (string | undefined)[] = [];
    // the first view looks the person up; the second is rendered and kept; the third is the cache's
    for (let i = 0; i < 3; i++) {
      const res = await page.goto(`${origin}/devices`);
      assert.equal(res?.status(), 200);
      encodings.push((await res!.allHeaders())["content-encoding"]);
      texts.push(await page.locator("body").innerText());
      assert.equal(await page.evaluate("typeof globalThis.htmx"), "object", `view ${i + 1}`);
    }
    const metrics = await app.metrics.render();
    assert.match(metrics, /^stethoscope_page_cache_hits 1$/m);
    assert.match(metrics, /^stethoscope_page_cache_renders 2$/m);
    assert.deepEqual(encodings, ["gzip", "gzip", "gzip"]);
    assert.equal(texts[2], texts[1]);
    assert.match(texts[2]!, /Your devices/);
    assert.deepEqual(refused, []);
    await context.close();
  } finally {
    await browser.close();
    await server.shutdown();
    await app.close();
  }
});
