import assert from "node:assert/strict";
import { startApp } from "../support/app.ts";

/** Counts device cards and returns their ratings in page order. */
function cards(html: string): string[] {
  return [...html.matchAll(/<article id="dev-[^"]*" class="panel device (\w+)"/g)].map((m) =>
    m[1]!
  );
}

function titles(html: string): string[] {
  return [...html.matchAll(/<h2 id="dev-[^"]*-h">([^<]*)<\/h2>/g)].map((m) => m[1]!);
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
      // The iPhone's screen lock is reported by no source: not "All good", but "can't check".
      assert.deepEqual(cards(html), ["ok", "partial"]);
      assert.deepEqual(titles(html), ["MacBook Pro (14-inch, 2024)", "iPhone 16"]);
      assert.deepEqual(
        [...html.matchAll(/<span class="rating">([^<]*)<\/span>/g)].map((m) => m[1]),
        ["All good", "Nothing to fix · 1 can&#39;t be checked"],
      );
      assert.match(html, /<h3 class="unknown">Can&#39;t check<\/h3>/);
      assert.match(html, /Screen lock can&#39;t be checked on this iPhone/);
      assert.match(html, /Google did not report this for this device\. You can check it yourself:/);
    });
    await t.step("someone with one critical device", async () => {
      const cookie = await app.login("one-red@example.com");
      const html = await (await app.request("/devices", { cookie })).text();
      assert.deepEqual(cards(html), ["critical", "ok"]);
      assert.match(
        html,
        /<strong class="crit">1 device<\/strong> needs fixing now: <strong class="crit">ThinkPad T14 Gen 4<\/strong>/,
      );
      // the card names the OS, its version and the host name
      assert.match(html, /<p>Windows 11 build 26200 · HERMES-T14<\/p>/);
      assert.match(html, /Disk is not encrypted/);
      assert.match(html, /<p>Disk encryption is at 0 %\.<\/p>/);
    });
    await t.step("someone with an unknown device seen only on the network", async () => {
      const cookie = await app.login("one-unknown@example.com");
      const html = await (await app.request("/devices", { cookie })).text();
      assert.deepEqual(cards(html), ["warning", "unknown"]);
      assert.match(html, /It was seen on the Planet Express network/);
      assert.match(html, /78:4F:43:9A:8B:7C/);
    });
    await t.step("an unknown device when no organisation name is configured", async () => {
      const { orgName: _orgName, ...ui } = app.config.UI;
      const unnamed = await startApp({ config: { ...app.config, UI: ui } });
      try {
        const cookie = await unnamed.login("one-unknown@example.com");
        const html = await (await unnamed.request("/devices", { cookie })).text();
        assert.match(html, /It was seen on your organisation&#39;s network/);
      } finally {
        await unnamed.close();
      }
    });
    await t.step("someone with nothing", async () => {
      const cookie = await app.login("nothing@example.com");
      const html = await (await app.request("/devices", { cookie })).text();
      assert.deepEqual(cards(html), []);
      assert.match(
        html,
        /We asked the demo inventory: it lists no devices for <strong>nothing@example.com<\/strong>\./,
      );
      assert.match(html, /A device is listed here once the IT team enrols it/);
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

Deno.test("a failing practice is open: what is wrong, steps for this OS, then why", async () => {
  const app = await startApp();
  try {
    const cookie = await app.login("one-red@example.com");
    const html = await (await app.request("/devices", { cookie })).text();
    const card = html.slice(html.indexOf("ThinkPad T14 Gen 4"));
    const item = card.slice(card.indexOf("<details open"), card.indexOf("</details>"));
    const order = [
      "Disk is not encrypted",
      "Disk encryption is at 0 %.",
      "How to fix it on Windows 11",
      "<ol><li>Open Settings → Privacy &amp; security → Device encryption",
      "Why it matters",
    ];
    const at = order.map((text) => item.indexOf(text));
    assert.ok(at.every((i) => i >= 0), JSON.stringify(at));
    assert.deepEqual([...at].sort((a, b) => a - b), at, "in reading order");
    // a done practice is one line, nothing to open
    assert.ok(card.includes(
      '<li id="dev-PF1RED0042-firewall"><span class="icon done" aria-hidden="true">✓</span>' +
        '<span class="visually-hidden">Done:</span> Firewall is on</li>',
    ));
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
    // critical alert under "Fix now", the question under "Suggested", the notice last
    assert.ok(overview.indexOf("firewall is off") < overview.indexOf("Sign-in attempt"));
    assert.ok(overview.indexOf("Sign-in attempt") < overview.indexOf("updated on Saturday"));
    const accounts = await (await app.request("/accounts", { cookie })).text();
    assert.match(accounts, /2-Step Verification is on/);
    const activity = await (await app.request("/activity", { cookie })).text();
    assert.match(activity, /<p class="where">198\.51\.100\.23<\/p>/);
    assert.match(activity, /<strong>Google: wrong password<\/strong>/);
    assert.match(activity, /<strong>Duo push approved<\/strong>/);
    assert.match(activity, /New New York, United States · 203\.0\.113\.77/);
    assert.match(activity, /times are in UTC/);
    const faq = await (await app.request("/faq", { cookie })).text();
    assert.match(faq, /Does Stethoscope install anything on my devices\?/);

    const red = await app.login("one-red@example.com");
    const redAccounts = await (await app.request("/accounts", { cookie: red })).text();
    assert.match(redAccounts, /2-Step Verification is off/);
    assert.match(redAccounts, /Open Google Account → Security → 2-Step Verification\./);
    const nothing = await app.login("nothing@example.com");
    const calm = await (await app.request("/", { cookie: nothing })).text();
    assert.match(calm, /Nothing to do, but no device is listed for you yet/);
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
      assert.match(html, /Demo mode: example data only\./, path);
    }
    const login = await (await app.request("/login")).text();
    assert.match(login, /Demo mode/);
  } finally {
    await app.close();
  }
});

Deno.test("after signing out, the sign-in page says so", async () => {
  const app = await startApp();
  try {
    const html = await (await app.request("/login?signed-out")).text();
    assert.match(
      html,
      /<p class="panel done" role="status">You are signed out of Stethoscope\.<\/p>/,
    );
    const plain = await (await app.request("/login")).text();
    assert.doesNotMatch(plain, /You are signed out/);
  } finally {
    await app.close();
  }
});

Deno.test("a privileged person looks someone up from a search box, and reads 'their'", async () => {
  const app = await startApp();
  try {
    const admin = await app.login("admin@example.com");
    const own = await (await app.request("/devices", { cookie: admin })).text();
    assert.match(own, /<form class="lookup" role="search" method="get" action="\/devices">/);
    const html = await (await app.request("/?email=user@example.com", { cookie: admin }))
      .text();
    assert.match(html, /<h1>Overview of user@example.com<\/h1>/);
    assert.match(html, /Their to-do list:/);
    assert.match(html, /value="user@example.com"/);
    assert.match(html, /<a class="tap" href="\/">Back to mine<\/a>/);
    const fry = await app.login("user@example.com");
    const plain = await (await app.request("/devices", { cookie: fry })).text();
    assert.doesNotMatch(plain, /role="search"/);
  } finally {
    await app.close();
  }
});
