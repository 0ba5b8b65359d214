import assert from "node:assert/strict";
import type { Logger } from "../../config/log.ts";
import type { DeviceRecord } from "../../engine/core/types.ts";
import { PAGE_WINDOW_MS, prefersGzip } from "../../routes/rendering/page_cache.ts";
import { csrfOf, demoWith, startApp, type TestApp } from "../support/app.ts";
import { macRecord, registryWith, sourceEntry } from "../support/sources.ts";

const PERSON = "user@example.com";

/** The demo sources plus an inventory whose answer (device names) a test changes, counted. */
async function start(options: { log?: Logger } = {}) {
  const state = { calls: 0, names: ["testsrc-mbp"] };
  const entry = sourceEntry((email) => {
    state.calls++;
    const at = new Date("2026-11-26T11:00:00Z");
    return Promise.resolve(
      state.names.map((n, i): DeviceRecord => ({ ...macRecord(n, `SER${i}`, at), email })),
    );
  });
  const app = await startApp({
    registry: registryWith({ testsrc: entry }),
    config: demoWith({ PLUGINS: { demo: {}, testsrc: {} } }),
    ...options,
  });
  return { app, state };
}

/** A page as a browser gets it: gzip accepted, decoded, with the nonce of its CSP header. */
async function view(app: TestApp, cookie: string, path = "/devices", encoding = "gzip") {
  const res = await app.request(path, { cookie, headers: { "Accept-Encoding": encoding } });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("content-encoding"), "gzip");
  const html = await new Response(res.body!.pipeThrough(new DecompressionStream("gzip"))).text();
  const nonce = /'nonce-([^']+)'/.exec(res.headers.get("content-security-policy") ?? "")![1]!;
  return { res, html, nonce };
}

/** Pages sent from the cache and pages rendered, from the app's metrics. */
async function counts(app: TestApp): Promise<{ hits: number; renders: number }> {
  const text = await app.metrics.render();
  const read = (name: string) => Number(new RegExp(`^${name} (\\d+)$`, "m").exec(text)?.[1] ?? 0);
  return {
    hits: read("stethoscope_page_cache_hits"),
    renders: read("stethoscope_page_cache_renders"),
  };
}

function badge(html: string): number {
  return Number(/id="alert-count"[^>]*>(\d+)<\/span>/.exec(html)?.[1]);
}

/** Signs in and opens the Devices page without gzip (the cache's path is not taken): the first
 * view, whose lookup saves the snapshot the cached views are made from. */
async function signIn(app: TestApp, email = PERSON): Promise<string> {
  const cookie = await app.login(email);
  assert.equal((await app.request("/devices", { cookie })).status, 200);
  return cookie;
}

function later(app: TestApp, ms: number): void {
  app.clock.now = new Date(app.clock.now.getTime() + ms);
}

Deno.test("prefersGzip() is true exactly when the compress middleware would choose gzip outright", () => {
  for (
    const yes of ["gzip", "gzip, deflate, br", "br;q=1, GZIP", "gzip;q=1", "deflate, gzip ; q=1.0"]
  ) {
    assert.equal(prefersGzip(yes), true, yes);
  }
  for (const no of [undefined, "", "br", "deflate", "gzip;q=0.9", "gzip;q=0", "*", "x-gzip"]) {
    assert.equal(prefersGzip(no), false, String(no));
  }
});

Deno.test("a Devices page from the cache is the page an uncached render gives, with this response's nonce", async () => {
  const { app } = await start();
  try {
    const cookie = await signIn(app);
    const first = await view(app, cookie);
    const cached = await view(app, cookie);
    assert.deepEqual(await counts(app), { hits: 1, renders: 1 });
    // q=0.9: not the cache's path; the compress middleware gzips a fresh render
    const uncached = await view(app, cookie, "/devices", "gzip;q=0.9");
    assert.deepEqual(await counts(app), { hits: 1, renders: 1 });

    const nonces = [first, cached, uncached].map((v) => v.nonce);
    assert.equal(new Set(nonces).size, 3, "a new nonce per response");
    for (const v of [first, cached, uncached]) {
      assert.equal(v.html.split(`nonce="${v.nonce}"`).length, 2, "the script carries its nonce");
    }
    const same = (v: typeof first) => v.html.replace(`nonce="${v.nonce}"`, 'nonce="N"');
    assert.equal(same(cached), same(uncached));
    assert.equal(same(first), same(uncached));
    assert.match(cached.html, /<h1>Your devices<\/h1>/);
    assert.match(cached.html, /testsrc-mbp/);

    const headers = (v: typeof first) =>
      [...v.res.headers].filter(([k]) =>
        !["content-security-policy", "content-length"].includes(k)
      );
    assert.deepEqual(headers(cached), headers(uncached));
    assert.equal(cached.res.headers.get("vary"), uncached.res.headers.get("vary"));
  } finally {
    await app.close();
  }
});

Deno.test("a dismissal, an answer, Check again, a new snapshot and the clock's window each make the next view a render", async (t) => {
  const { app, state } = await start();
  try {
    const cookie = await signIn(app);
    const base = await view(app, cookie);
    const csrf = csrfOf(base.html);
    const post = (path: string, fields: Record<string, string> = {}) =>
      app.request(path, {
        method: "POST",
        cookie,
        body: new URLSearchParams({ _csrf_token: csrf, ...fields }),
      });
    let expected = { hits: 0, renders: 1 };
    /** One view that must be rendered, then one from the cache; returns the page. */
    const renderedThenCached = async () => {
      const page = await view(app, cookie);
      expected = { hits: expected.hits, renders: expected.renders + 1 };
      assert.deepEqual(await counts(app), expected, "rendered");
      await view(app, cookie);
      expected = { hits: expected.hits + 1, renders: expected.renders };
      assert.deepEqual(await counts(app), expected, "then from the cache");
      return page.html;
    };
    const alerts = badge(base.html);
    assert.ok(alerts >= 2, `the demo person has alerts: ${alerts}`);

    await t.step(
      "dismissing an alert about a failing practice: the practice stays counted",
      async () => {
        assert.equal((await post("/notifications/firewall-fry/dismiss")).status, 303);
        assert.equal(badge(await renderedThenCached()), alerts);
      },
    );

    await t.step("answering a question: the badge counts one fewer", async () => {
      const res = await post("/notifications/signin-fry-3/feedback", { feedback: "yes" });
      assert.equal(res.status, 303);
      assert.equal(badge(await renderedThenCached()), alerts - 1);
    });

    await t.step("Check again: the inventory's new answer is on the page", async () => {
      later(app, 61_000); // Check again waits a minute after a lookup
      await renderedThenCached(); // (a new window)
      state.names = ["testsrc-fixed"];
      assert.equal((await post("/check-again", { next: "/devices" })).status, 303);
      assert.equal(state.calls, 2);
      const html = await renderedThenCached();
      assert.match(html, /testsrc-fixed/);
      assert.doesNotMatch(html, /testsrc-mbp/);
    });

    await t.step("a snapshot saved elsewhere (another process)", async () => {
      const current = (await app.services.store.snapshot(PERSON))!;
      const at = new Date("2026-11-26T11:30:00Z");
      await app.services.engine.views.save({
        ...current,
        devices: { items: [{ ...macRecord("saved-mini", "SER9", at), email: PERSON }], errors: [] },
      });
      const html = await renderedThenCached();
      assert.match(html, /saved-mini/);
      assert.doesNotMatch(html, /testsrc-fixed/);
      assert.equal(state.calls, 2, "from the saved snapshot, no lookup");
    });

    await t.step("the clock's window: the age line moves on", async () => {
      const t = app.clock.now.getTime();
      app.clock.now = new Date(Math.ceil((t + 1) / PAGE_WINDOW_MS) * PAGE_WINDOW_MS);
      assert.match(await renderedThenCached(), /Checked <time[^>]*>just now<\/time>/);
      later(app, PAGE_WINDOW_MS - 1);
      await view(app, cookie);
      expected = { ...expected, hits: expected.hits + 1 };
      assert.deepEqual(await counts(app), expected, "the window's last millisecond: the cache");
      later(app, 1);
      await renderedThenCached();
      later(app, 2 * 60_000);
      assert.match(await renderedThenCached(), /Checked <time[^>]*>2 minutes ago<\/time>/);
    });
  } finally {
    await app.close();
  }
});

Deno.test("another session or person never gets a cached page, and a signed-out session gets none", async () => {
  const { app } = await start();
  try {
    const first = await signIn(app);
    const second = await signIn(app);
    const other = await signIn(app, "admin@example.com");
    const a = await view(app, first);
    await view(app, first);
    const b = await view(app, second);
    const c = await view(app, other);
    assert.deepEqual(await counts(app), { hits: 1, renders: 3 });
    assert.notEqual(csrfOf(a.html), csrfOf(b.html));
    assert.equal(b.html.includes(csrfOf(a.html)), false, "no CSRF token of the first session");
    assert.match(c.html, /admin@example\.com/);
    assert.equal(c.html.includes(csrfOf(a.html)), false);

    const out = await app.request("/logout", {
      method: "POST",
      cookie: first,
      body: new URLSearchParams({ _csrf_token: csrfOf(a.html) }),
    });
    assert.equal(out.status, 303);
    const replayed = await app.request("/devices", {
      cookie: first,
      headers: { "Accept-Encoding": "gzip" },
    });
    assert.equal(replayed.status, 302, "the signed-out copy of the cookie is sent to sign in");
    assert.equal(replayed.headers.get("location"), "/login?next=%2Fdevices");
    assert.deepEqual(await counts(app), { hits: 1, renders: 3 });
  } finally {
    await app.close();
  }
});

Deno.test("only a person's own pages are cached: a privileged look at another person renders each time", async () => {
  const { app } = await start();
  try {
    const admin = await app.login("admin@example.com");
    await signIn(app); // the person's snapshot
    const before = await counts(app);
    for (let i = 0; i < 2; i++) {
      const { html } = await view(app, admin, `/devices?email=${PERSON}`);
      assert.match(html, /Devices of user@example\.com/);
    }
    assert.deepEqual(await counts(app), before);
    assert.deepEqual(before, { hits: 0, renders: 0 });
  } finally {
    await app.close();
  }
});

Deno.test("a stale snapshot is never served from the cache: the view starts the refresh", async () => {
  const { app, state } = await start();
  try {
    const cookie = await signIn(app);
    await view(app, cookie);
    await view(app, cookie);
    later(app, 16 * 60_000); // past the 15-minute freshness window
    const stale = await view(app, cookie);
    assert.match(stale.html, /Checking again now/);
    await app.services.engine.view(PERSON, { maxAgeMs: Infinity }); // the refresh, joined
    assert.equal(state.calls, 2);
    assert.deepEqual(await counts(app), { hits: 1, renders: 2 });
    assert.doesNotMatch((await view(app, cookie)).html, /Checking again now/);
  } finally {
    await app.close();
  }
});

Deno.test("every view from the cache is audited as a data access, with the devices shown", async () => {
  const lines: { msg: string; fields: Record<string, unknown> }[] = [];
  const log: Logger = {
    debug() {},
    info(msg, fields = {}) {
      lines.push({ msg, fields });
    },
    warn() {},
    error() {},
    child() {
      return log;
    },
  };
  const { app } = await start({ log });
  try {
    const cookie = await signIn(app);
    lines.length = 0;
    for (let i = 0; i < 3; i++) await view(app, cookie);
    assert.deepEqual(await counts(app), { hits: 2, renders: 1 });
    const audits = lines.filter((l) => l.msg === "data access").map((l) => l.fields);
    const expected = {
      audit: true,
      accessing_user: PERSON,
      target: PERSON,
      record_type: "device",
      context: "merged",
    };
    assert.equal(audits.length, 3);
    const counted = audits.map(({ count, ...rest }) => {
      assert.equal(typeof count, "number");
      return rest;
    });
    assert.deepEqual(counted, [expected, expected, expected]);
    assert.deepEqual(new Set(audits.map((a) => a.count)).size, 1, "the same devices each time");
  } finally {
    await app.close();
  }
});
