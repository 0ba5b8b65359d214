import assert from "node:assert/strict";
import { startApp } from "../support/app.ts";

/** Counts device cards and returns their ratings in page order. */
function cards(html: string): string[] {
  return [...html.matchAll(/<article class="panel device (\w+)"/g)].map((m) => m[1]!);
}

function titles(html: string): string[] {
  return [...html.matchAll(/<h2 id="device-\d+">([^<]*)<\/h2>/g)].map((m) => m[1]!);
}

Deno.test("pages redirect an anonymous visitor to the sign-in page and back", async () => {
  const t = await startApp();
  try {
    const res = await t.request("/devices?email=x");
    assert.equal(res.status, 302);
    assert.equal(res.headers.get("location"), "/login?next=%2Fdevices%3Femail%3Dx");
    const login = await t.request("/login?next=%2Fdevices");
    const html = await login.text();
    assert.equal(login.status, 200);
    assert.match(html, /<input type="hidden" name="next" value="\/devices"\/?>/);
    for (const email of ["green@example.com", "one-red@example.com", "user@example.com"]) {
      assert.ok(html.includes(`value="${email}"`), email);
    }
  } finally {
    await t.close();
  }
});

Deno.test("the devices page shows each demo person's merged devices, most urgent first", async (t) => {
  const app = await startApp();
  try {
    await t.step("someone all green", async () => {
      const cookie = await app.login("green@example.com");
      const html = await (await app.request("/devices", { cookie })).text();
      assert.deepEqual(cards(html), ["ok", "ok"]);
      assert.deepEqual(titles(html), ["MacBook Pro (14-inch, 2024)", "iPhone 16"]);
      assert.ok(!html.includes("require attention"));
    });
    await t.step("someone with one critical device", async () => {
      const cookie = await app.login("one-red@example.com");
      const html = await (await app.request("/devices", { cookie })).text();
      assert.deepEqual(cards(html), ["critical", "ok"]);
      assert.match(
        html,
        /You have <strong class="crit">1 device<\/strong> that requires attention: <strong class="crit">ThinkPad T14 Gen 4<\/strong>/,
      );
      assert.match(html, /Disk encryption/);
      assert.match(html, /Encryption Percentage: 0/);
    });
    await t.step("someone with an unknown device seen only on the network", async () => {
      const cookie = await app.login("one-unknown@example.com");
      const html = await (await app.request("/devices", { cookie })).text();
      assert.deepEqual(cards(html), ["warning", "unknown"]);
      assert.match(html, /It was seen on the Planet Express network/);
      assert.match(html, /78:4F:43:9A:8B:7C/);
    });
    await t.step("someone with nothing", async () => {
      const cookie = await app.login("nothing@example.com");
      const html = await (await app.request("/devices", { cookie })).text();
      assert.deepEqual(cards(html), []);
      assert.match(html, /No devices found for <strong>nothing@example.com<\/strong>/);
    });
    await t.step("someone with many devices on every platform", async () => {
      const cookie = await app.login("user@example.com");
      const html = await (await app.request("/devices", { cookie })).text();
      // bitFit and JAMF records of the MacBook are merged into one card: 8 records, 7 devices.
      assert.equal(cards(html).length, 7);
      assert.deepEqual(cards(html).slice(0, 4), ["critical", "critical", "critical", "critical"]);
      for (const name of ["MacBook Pro (16-inch, 2023)", "ThinkPad X1 Carbon Gen 12", "Pixel 6"]) {
        assert.ok(titles(html).includes(name), name);
      }
      assert.ok(titles(html).includes("Chromebook Plus"));
    });
  } finally {
    await app.close();
  }
});

Deno.test("a practice opens without JavaScript: details, description and directions", async () => {
  const app = await startApp();
  try {
    const cookie = await app.login("one-red@example.com");
    const html = await (await app.request("/devices", { cookie })).text();
    const card = html.slice(html.indexOf("ThinkPad T14 Gen 4"));
    assert.match(card, /<details><summary>/);
    assert.match(card, /<pre>Encryption Percentage: 0<\/pre>/);
    assert.match(card, /How to fix it/);
  } finally {
    await app.close();
  }
});

Deno.test("htmx asks for the device list fragment; plain requests get the page", async () => {
  const app = await startApp();
  try {
    const cookie = await app.login("green@example.com");
    const res = await app.request("/devices", {
      cookie,
      headers: { "HX-Request": "true", "HX-Request-Type": "partial" },
    });
    const html = await res.text();
    assert.match(html, /^<div id="devices-part"\s*>/);
    assert.ok(html.includes('<div id="device-list">'));
    assert.ok(!html.includes("<html"));
    assert.equal(
      res.headers.get("vary"),
      "HX-Request, HX-Request-Type, Accept-Encoding, Cookie, Authorization",
    );
    const full = await (await app.request("/devices", { cookie })).text();
    assert.ok(full.startsWith("<!DOCTYPE html>"));
  } finally {
    await app.close();
  }
});

Deno.test("overview, accounts, activity and FAQ render for a demo person", async () => {
  const app = await startApp();
  try {
    const cookie = await app.login("user@example.com");
    const overview = await (await app.request("/", { cookie })).text();
    assert.match(overview, /Sign-in attempt from a new place/);
    assert.match(overview, /This was not me/);
    assert.match(overview, /Stethoscope will be updated on Saturday/);
    // notifications newest first
    assert.ok(overview.indexOf("firewall is off") < overview.indexOf("Sign-in attempt"));
    assert.ok(overview.indexOf("Sign-in attempt") < overview.indexOf("updated on Saturday"));
    const accounts = await (await app.request("/accounts", { cookie })).text();
    assert.match(accounts, /2-Step Verification is on/);
    const activity = await (await app.request("/activity", { cookie })).text();
    assert.match(activity, /198\.51\.100\.23/);
    assert.match(activity, /failed sign-in \(login_failure_invalid_password\)/);
    const faq = await (await app.request("/faq", { cookie })).text();
    assert.match(faq, /Does Stethoscope install anything on my devices\?/);

    const red = await app.login("one-red@example.com");
    const redAccounts = await (await app.request("/accounts", { cookie: red })).text();
    assert.match(redAccounts, /2-Step Verification is off/);
    assert.match(redAccounts, /Turn on 2-Step Verification/);
    const nothing = await app.login("nothing@example.com");
    const calm = await (await app.request("/", { cookie: nothing })).text();
    assert.match(
      calm,
      /You have no alerts\. Now is a good time to <a href="\/devices">review your devices<\/a>/,
    );
  } finally {
    await app.close();
  }
});

Deno.test("every page carries the demo banner in demo mode", async () => {
  const app = await startApp();
  try {
    const cookie = await app.login("green@example.com");
    for (const path of ["/", "/devices", "/accounts", "/activity", "/faq"]) {
      const html = await (await app.request(path, { cookie })).text();
      assert.match(html, /Demo mode: built-in example people/, path);
    }
    const login = await (await app.request("/login")).text();
    assert.match(login, /Demo mode/);
  } finally {
    await app.close();
  }
});
