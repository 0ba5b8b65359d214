import assert from "node:assert/strict";
import type { DeviceRecord } from "../../engine/core/types.ts";
import { csrfOf, demoWith, startApp, type TestApp } from "../support/app.ts";
import { macRecord, registryWith, sourceEntry } from "../support/sources.ts";

const PERSON = "user@example.com";
const MIN = 60_000;

/** An inventory that counts its lookups and answers what `answer` holds (or fails). */
function countingSource() {
  const state = {
    calls: 0,
    names: ["testsrc-mbp"],
    fail: false,
    /** While set, lookups wait for it. */
    gate: null as Promise<void> | null,
  };
  const entry = sourceEntry(async (email) => {
    state.calls++;
    if (state.gate) await state.gate;
    if (state.fail) throw new Error("connection refused");
    const now = new Date("2026-11-26T11:00:00Z");
    return state.names.map((n, i): DeviceRecord => ({ ...macRecord(n, `SER${i}`, now), email }));
  });
  return { state, entry };
}

async function start(options: { stream?: boolean; config?: Record<string, unknown> } = {}) {
  const src = countingSource();
  const { config, ...rest } = options;
  const app = await startApp({
    registry: registryWith({ testsrc: src.entry }),
    config: demoWith({ PLUGINS: { demo: {}, testsrc: {} }, ...config }),
    ...rest,
  });
  return { app, src };
}

function later(app: TestApp, ms: number): void {
  app.clock.now = new Date(app.clock.now.getTime() + ms);
}

/** Signs in and opens the Overview (the first view: one lookup, saved as the snapshot). */
async function signIn(app: TestApp): Promise<string> {
  const cookie = await app.login(PERSON);
  await (await app.request("/", { cookie })).text();
  return cookie;
}

/** Waits for the background refresh a stale view started (joins it; asks nothing itself). */
async function refreshed(app: TestApp): Promise<void> {
  await app.services.engine.view(PERSON, { maxAgeMs: Infinity });
}

Deno.test("views within the freshness window ask no inventory: pages, fragment and dismissals", async () => {
  const { app, src } = await start();
  try {
    const cookie = await signIn(app);
    assert.equal(src.state.calls, 1, "the first view: one lookup");
    for (const path of ["/devices", "/", "/accounts", "/activity", "/devices", "/"]) {
      assert.equal((await app.request(path, { cookie })).status, 200, path);
    }
    const devices = await (await app.request("/devices", { cookie })).text();
    assert.match(devices, /testsrc-mbp/);
    assert.match(devices, /Checked <time datetime="2026-11-26T12:00:00.000Z">just now<\/time>/);
    const page = await (await app.request("/", { cookie })).text();
    for (const id of ["firewall-fry", "signin-fry-3", "maintenance"]) {
      const res = await app.request(`/notifications/${id}/dismiss`, {
        method: "POST",
        cookie,
        headers: { "HX-Request": "true", "X-CSRF-Token": csrfOf(page) },
        body: new URLSearchParams(),
      });
      assert.equal(res.status, 200);
      assert.match(await res.text(), /id="alert-count"\s+hx-swap-oob="true">\d+<\/span>/);
    }
    assert.equal(src.state.calls, 1, "13 views and dismissals, one lookup");
  } finally {
    await app.close();
  }
});

Deno.test("a stale snapshot is shown at once with its age; the refresh replaces it (htmx and plain)", async (t) => {
  const { app, src } = await start();
  try {
    const cookie = await signIn(app);
    src.state.names = ["testsrc-mbp", "testsrc-new"];
    later(app, 2 * 60 * MIN);

    await t.step("plain view: old devices, the age, and a request for the fresh ones", async () => {
      let open!: () => void;
      src.state.gate = new Promise((resolve) => open = resolve);
      const html = await (await app.request("/devices", { cookie })).text();
      assert.equal(src.state.calls, 2, "the stale view started one refresh");
      assert.match(html, /testsrc-mbp/);
      assert.doesNotMatch(html, /testsrc-new/);
      assert.match(html, /Checked <time datetime="2026-11-26T12:00:00.000Z">2 hours ago<\/time>/);
      assert.match(html, /Checking again now/);
      assert.match(html, /<div id="devices-part" hx-get="\/devices" hx-trigger="load"/);
      assert.match(html, /<form method="post" action="\/check-again"/);
      src.state.gate = null;
      open();
    });

    await t.step(
      "htmx's request waits for the refresh and swaps the fresh devices in",
      async () => {
        const res = await app.request("/devices", {
          cookie,
          headers: { "HX-Request": "true", "HX-Request-Type": "partial" },
        });
        const html = await res.text();
        assert.match(html, /^<div id="devices-part"\s*>/, "no second refresh request");
        assert.match(html, /testsrc-new/);
        assert.match(html, /id="checked-age"[^>]*hx-swap-oob="true"/);
        assert.match(html, /Checked <time datetime="2026-11-26T14:00:00.000Z">just now<\/time>/);
        assert.equal(src.state.calls, 2);
      },
    );

    await t.step("without JavaScript, the next view shows them", async () => {
      later(app, 3 * 60 * MIN);
      await (await app.request("/devices", { cookie })).text(); // stale again: refresh
      await refreshed(app);
      const html = await (await app.request("/devices", { cookie })).text();
      assert.match(html, /testsrc-new/);
      assert.doesNotMatch(html, /Checking again now/);
      assert.equal(src.state.calls, 3);
    });
  } finally {
    await app.close();
  }
});

/** The age line's first part, as the Devices page shows it (tags and all). */
function ageLine(html: string): string {
  const m = /<div id="checked-age"[^>]*><span>(.*?)<\/span>/s.exec(html);
  assert.ok(m, "the page has its age line");
  return m[1]!.replace(/\s+/g, " ");
}

const CHECKING = 'Checked <time datetime="2026-11-26T12:00:00.000Z">2 hours ago</time>. ' +
  "Checking again now; the page shows the answer when it comes.";
const QUEUED = 'Checked <time datetime="2026-11-26T12:00:00.000Z">2 hours ago</time>. ' +
  "Queued to check again: the inventories are busy, so this page shows the newest answer we have.";

/** An app whose testsrc allows one lookup an hour, two people with snapshots 2 hours old. */
async function twoStalePeople() {
  const { app, src } = await start({
    config: { SNAPSHOTS: { REFRESH_BUDGETS: { testsrc: { REQUESTS: 1, PER_SECONDS: 3600 } } } },
  });
  const green = await app.login("green@example.com");
  await (await app.request("/", { cookie: green })).text();
  const cookie = await signIn(app);
  assert.equal(src.state.calls, 2, "two first views: two lookups, outside the queue");
  later(app, 2 * 60 * MIN);
  let open!: () => void;
  src.state.gate = new Promise((resolve) => open = resolve);
  return { app, src, green, cookie, open };
}

Deno.test("a stale view says 'checking again now' while its refresh runs, and 'queued' while it waits for the inventories' budget", async () => {
  // one lookup an hour at testsrc: the first stale person's refresh runs, the second one waits
  const { app, src, green, cookie, open } = await twoStalePeople();
  const queue = app.services.refreshQueue;
  try {
    const running = await (await app.request("/devices", { cookie })).text();
    assert.equal(src.state.calls, 3, "the refresh started before the page was answered");
    assert.equal(ageLine(running), CHECKING);
    assert.match(running, /<div id="devices-part" hx-get="\/devices" hx-trigger="load"/);

    // green@'s first stale view, right after: the hour's one token is taken, so it is queued
    // (the page says so at once, not "checking" until the queue tries and learns it)
    const first = await (await app.request("/devices", { cookie: green })).text();
    assert.equal(ageLine(first), QUEUED);
    assert.match(first, /<div id="devices-part"\s*>/, "nothing to wait for: no htmx reload");
    const again = await (await app.request("/devices", { cookie: green })).text();
    assert.equal(ageLine(again), QUEUED);
    assert.equal(src.state.calls, 3, "nothing was asked for green@");
    assert.deepEqual(queue.counts.requests, {
      started: 1,
      queued: 1,
      "already queued": 1,
      full: 0,
    });
    src.state.gate = null;
    open();
  } finally {
    queue.stop();
    await app.close();
  }
});

Deno.test("two people's stale views at the same moment with one token left: one says 'checking', the other 'queued'", async () => {
  const { app, src, green, cookie, open } = await twoStalePeople();
  const queue = app.services.refreshQueue;
  try {
    const pages = await Promise.all(
      [cookie, green].map(async (c) => await (await app.request("/devices", { cookie: c })).text()),
    );
    assert.deepEqual(pages.map(ageLine).sort(), [CHECKING, QUEUED]);
    assert.equal(src.state.calls, 3, "one lookup: the one the page says runs");
    assert.equal(queue.queued, 1);
    src.state.gate = null;
    open();
  } finally {
    queue.stop();
    await app.close();
  }
});

Deno.test("Check again asks now and redirects back: the first tap after signing in works, then once a minute per person", async () => {
  const { app, src } = await start();
  try {
    const cookie = await signIn(app);
    const csrf = csrfOf(await (await app.request("/devices", { cookie })).text());
    const check = (next: string) =>
      app.request("/check-again", {
        method: "POST",
        cookie,
        body: new URLSearchParams({ _csrf_token: csrf, next }),
      });
    // right after signing in (the first view just collected): the first tap works
    src.state.names = ["testsrc-fixed"];
    const first = await check("/devices");
    assert.equal(first.status, 303);
    assert.equal(first.headers.get("location"), "/devices");
    assert.equal(src.state.calls, 2);
    assert.match(await (await app.request("/devices", { cookie })).text(), /testsrc-fixed/);
    // a second tap in the same minute: refused, saying when to try, with or without htmx
    for (const headers of [{}, { "HX-Request": "true" }]) {
      const again = await app.request("/check-again", {
        method: "POST",
        cookie,
        headers,
        body: new URLSearchParams({ _csrf_token: csrf, next: "/devices" }),
      });
      assert.equal(again.status, 429);
      assert.equal(again.headers.get("retry-after"), "60");
      assert.match(
        await again.text(),
        /You asked for a new check less than 60 seconds ago\. Try again in 60 seconds\./,
      );
    }
    assert.equal(src.state.calls, 2);

    later(app, 61_000);
    const res = await check("/devices");
    assert.equal(res.status, 303);
    assert.equal(src.state.calls, 3);

    later(app, 61_000);
    const away = await check("https://evil.example/devices");
    assert.equal(away.headers.get("location"), "/");
    const forged = await app.request("/check-again", {
      method: "POST",
      cookie,
      body: new URLSearchParams({ _csrf_token: "0".repeat(64), next: "/" }),
    });
    assert.equal(forged.status, 403);
    assert.equal(src.state.calls, 4);
  } finally {
    await app.close();
  }
});

Deno.test("a source failing during a refresh keeps the old devices and the page says so", async () => {
  const { app, src } = await start();
  try {
    const cookie = await signIn(app);
    later(app, 2 * 60 * MIN);
    src.state.fail = true;
    await (await app.request("/devices", { cookie })).text();
    await refreshed(app);
    const html = await (await app.request("/devices", { cookie })).text();
    assert.match(html, /testsrc-mbp/);
    assert.match(html, /Checked <time datetime="2026-11-26T12:00:00.000Z">2 hours ago<\/time>/);
    assert.match(
      html,
      /We tried again just now but testsrc\s+did not answer, so you see what they said before\./,
    );
  } finally {
    await app.close();
  }
});

Deno.test("the JSON API answers live by default and from the snapshot with ?snapshot=true, saying its age", async () => {
  const { app, src } = await start();
  try {
    const cookie = await signIn(app);
    later(app, 5 * MIN);
    const snap = await app.request(`/api/v1/devices/merged/${PERSON}?snapshot=true`, { cookie });
    assert.equal(snap.status, 200);
    assert.equal(snap.headers.get("age"), "300");
    assert.equal(snap.headers.get("x-stethoscope-collected-at"), "2026-11-26T12:00:00.000Z");
    const items = await snap.json() as { name?: string }[];
    assert.ok(items.some((d) => d.name === "testsrc-mbp"));
    assert.equal(src.state.calls, 1);

    const live = await app.request(`/api/v1/devices/merged/${PERSON}`, { cookie });
    assert.equal(live.status, 200);
    assert.equal(live.headers.get("age"), null);
    await live.body?.cancel();
    assert.equal(src.state.calls, 2);

    const bad = await app.request(`/api/v1/devices/merged/${PERSON}?snapshot=yesplease`, {
      cookie,
    });
    assert.equal(bad.status, 400);
    assert.deepEqual(await bad.json(), {
      error: 'Invalid snapshot parameter "yesplease": expected true or false',
      status: 400,
    });
  } finally {
    await app.close();
  }
});

Deno.test("a first view streams: header, navigation and the sources asked go out before the slowest answers", async () => {
  const { app, src } = await start({ stream: true });
  try {
    let open!: () => void;
    src.state.gate = new Promise((resolve) => open = resolve);
    const cookie = await app.login(PERSON); // its redirect target is not followed: no lookup yet
    assert.equal(src.state.calls, 0);
    const res = await app.request("/devices", { cookie });
    assert.equal(res.status, 200, "the response starts while the source is still asked");
    assert.equal(res.headers.get("content-encoding"), null);
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    const first = (await reader.read()).value ?? "";
    assert.match(first, /^<!DOCTYPE html>/);
    assert.match(first, /<nav aria-label="Main">/);
    assert.match(first, /<p class="asking panel" role="status">Asking demo, testsrc about your/);
    assert.doesNotMatch(first, /testsrc-mbp|<\/html>/);
    open();
    let rest = "";
    for (let r = await reader.read(); !r.done; r = await reader.read()) rest += r.value;
    assert.match(rest, /^<div class="arrived">/);
    assert.match(rest, /testsrc-mbp/);
    assert.match(rest, /<\/html>$/);
    assert.equal(src.state.calls, 1);
  } finally {
    await app.close();
  }
});

Deno.test("Check again with a `next` that is no URL returns to the Overview instead of failing", async () => {
  const { app, src } = await start();
  try {
    const cookie = await signIn(app);
    const csrf = csrfOf(await (await app.request("/devices", { cookie })).text());
    later(app, 61_000);
    const res = await app.request("/check-again", {
      method: "POST",
      cookie,
      body: new URLSearchParams({ _csrf_token: csrf, next: "http://[" }),
    });
    assert.equal(res.status, 303);
    assert.equal(res.headers.get("location"), "/");
    assert.equal(src.state.calls, 2);
  } finally {
    await app.close();
  }
});

Deno.test("a streamed first view whose slow source fails names it in words after the status line, and is private", async () => {
  const { app, src } = await start({ stream: true });
  try {
    let open!: () => void;
    src.state.gate = new Promise((resolve) => open = resolve);
    src.state.fail = true;
    const cookie = await app.login(PERSON);
    const res = await app.request("/devices", { cookie });
    assert.equal(res.headers.get("cache-control"), "no-store, no-transform");
    assert.match(res.headers.get("vary") ?? "", /Cookie, Authorization/);
    open();
    const html = await res.text();
    const status = html.indexOf('<p class="asking panel" role="status">');
    const arrived = html.indexOf('<div class="arrived">');
    const error = html.indexOf("testsrc", arrived);
    assert.ok(
      status > 0 && arrived > status && error > arrived,
      "status, then content, then error",
    );
    assert.match(html.slice(arrived), /testsrc did not answer in time or answered with an error/);
    assert.doesNotMatch(html, /Something went wrong on our side/);
    assert.match(html, /<\/html>$/);
  } finally {
    await app.close();
  }
});
