import assert from "node:assert/strict";
import type { DeviceRecord } from "../../engine/core/types.ts";
import { demoWith, startApp } from "../support/app.ts";
import { macRecord, registryWith, sourceEntry } from "../support/sources.ts";
import { launch } from "./chromium.ts";

const PERSON = "user@example.com";

Deno.test("Chromium without JavaScript shows the header and the sources asked before a slow inventory answers, then the whole page", async () => {
  let open!: () => void;
  const gate = new Promise<void>((resolve) => open = resolve);
  let calls = 0;
  const slow = sourceEntry(async (email): Promise<DeviceRecord[]> => {
    calls++;
    await gate;
    return [{ ...macRecord("slow-mbp", "SLOW1", new Date("2026-11-26T11:00:00Z")), email }];
  });
  const app = await startApp({
    registry: registryWith({ slowsrc: slow }),
    config: demoWith({ PLUGINS: { demo: {}, slowsrc: {} } }),
    stream: true,
  });
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, app.app.fetch);
  const origin = `http://127.0.0.1:${server.addr.port}`;
  const browser = await launch();
  try {
    const [name, value] = (await app.login(PERSON)).split("=") as [string, string];
    const context = await browser.newContext({ javaScriptEnabled: false });
    await context.addCookies([{ name, value, url: origin }]);
    const page = await context.newPage();
    await page.goto(`${origin}/devices`, { waitUntil: "commit" });

    const nav = page.getByRole("navigation", { name: "Main" });
    await nav.waitFor({ state: "visible" });
    const status = page.locator(".asking");
    await status.waitFor({ state: "visible" });
    assert.match(await status.innerText(), /^Asking demo, slowsrc about your devices\./);
    assert.equal(await page.locator("article.device").count(), 0, "no device before it answers");
    assert.equal(calls, 1);

    open();
    await page.locator("article.device", { hasText: "slow-mbp" }).waitFor({ state: "visible" });
    await page.waitForLoadState("load");
    assert.equal(await status.isVisible(), false, "the status line goes once the content is in");
    assert.equal(await page.locator("h1").innerText(), "Your devices");
    assert.ok(await page.locator("footer").isVisible());
    assert.ok((await page.locator("article.device").count()) > 1, "demo devices as well");
    assert.equal(calls, 1);
    await context.close();
  } finally {
    open();
    await browser.close();
    await server.shutdown();
    await app.close();
  }
});

Deno.test("Chromium with htmx swaps the fresh devices in when a stale page's refresh answers", async () => {
  let open: () => void = () => {};
  let gate: Promise<void> | null = null;
  const names = ["old-mbp"];
  const slow = sourceEntry(async (email): Promise<DeviceRecord[]> => {
    if (gate) await gate;
    return names.map((n, i) => ({
      ...macRecord(n, `SER${i}`, new Date("2026-11-26T11:00:00Z")),
      email,
    }));
  });
  const app = await startApp({
    registry: registryWith({ slowsrc: slow }),
    config: demoWith({ PLUGINS: { demo: {}, slowsrc: {} } }),
  });
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, app.app.fetch);
  const origin = `http://127.0.0.1:${server.addr.port}`;
  const browser = await launch();
  try {
    const cookie = await app.login(PERSON);
    await (await app.request("/devices", { cookie })).text(); // the snapshot: old-mbp
    app.clock.now = new Date(app.clock.now.getTime() + 2 * 3_600_000);
    names.splice(0, 1, "new-mbp");
    gate = new Promise((resolve) => open = resolve);
    const [name, value] = cookie.split("=") as [string, string];
    const context = await browser.newContext();
    await context.addCookies([{ name, value, url: origin }]);
    const page = await context.newPage();
    await page.goto(`${origin}/devices`);
    assert.match(await page.locator("#checked-age").innerText(), /Checked 2 hours ago/);
    assert.equal(await page.locator("article.device", { hasText: "old-mbp" }).count(), 1);
    open();
    await page.locator("article.device", { hasText: "new-mbp" }).waitFor({ state: "visible" });
    assert.equal(await page.locator("article.device", { hasText: "old-mbp" }).count(), 0);
    assert.match(await page.locator("#checked-age").innerText(), /Checked just now/);
    await context.close();
  } finally {
    open();
    await browser.close();
    await server.shutdown();
    await app.close();
  }
});
