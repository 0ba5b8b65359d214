import assert from "node:assert/strict";
import { demoWith, startApp } from "../support/app.ts";
import { macRecord, registryWith, sourceEntry } from "../support/sources.ts";
import { decodeBase64Url, encodeBase64Url } from "../../lib/base64url.ts";

Deno.test("responses carry a strict CSP with a nonce and the protective headers", async () => {
  const app = await startApp();
  try {
    const res = await app.request("/login");
    const csp = res.headers.get("content-security-policy") ?? "";
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
    assert.ok(nonce, csp);
    assert.ok(!csp.includes("unsafe-inline") && !csp.includes("unsafe-eval"), csp);
    assert.match(csp, /default-src 'self'/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.match(csp, /script-src 'self' 'nonce-/);
    const html = await res.text();
    assert.ok(html.includes(`nonce="${nonce}"`));
    assert.ok(!/<script(?![^>]*\bsrc=)/.test(html), "no inline script");
    assert.ok(!/style=/.test(html), "no inline style");
    assert.equal(res.headers.get("x-content-type-options"), "nosniff");
    assert.equal(res.headers.get("referrer-policy"), "same-origin");
    assert.equal(res.headers.get("x-frame-options"), "SAMEORIGIN");
    assert.equal(res.headers.get("x-powered-by"), null);
    assert.equal(res.headers.get("server"), null);
    assert.equal(res.headers.get("strict-transport-security"), null, "no HSTS on http");
  } finally {
    await app.close();
  }
});

Deno.test("HSTS is sent when the public origin is https", async () => {
  const app = await startApp({ config: demoWith({ PUBLIC_ORIGIN: "https://steth.example.com" }) });
  try {
    const res = await app.request("/healthz");
    assert.equal(
      res.headers.get("strict-transport-security"),
      "max-age=63072000; includeSubDomains",
    );
  } finally {
    await app.close();
  }
});

Deno.test("the session cookie is HttpOnly, SameSite=Lax, and Secure except on http://localhost", async () => {
  const app = await startApp();
  try {
    const res = await app.request("/login/demo", {
      method: "POST",
      body: new URLSearchParams({ email: "green@example.com" }),
    });
    const cookie = res.headers.get("set-cookie") ?? "";
    assert.match(cookie, /^stethoscope_session=/);
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Lax/);
    assert.ok(!/Secure/.test(cookie), cookie);
  } finally {
    await app.close();
  }
  const https = await startApp({
    config: demoWith({ PUBLIC_ORIGIN: "https://steth.example.com" }),
  });
  try {
    const res = await https.request("/login/demo", {
      method: "POST",
      headers: { Origin: "https://steth.example.com" },
      body: new URLSearchParams({ email: "green@example.com" }),
    });
    assert.match(res.headers.get("set-cookie") ?? "", /; Secure/);
  } finally {
    await https.close();
  }
});

Deno.test("a tampered, forged or expired session cookie is rejected", async (t) => {
  const app = await startApp();
  try {
    const cookie = await app.login("green@example.com");
    const ok = await app.request("/devices", { cookie });
    assert.equal(ok.status, 200);
    await t.step("tampered value", async () => {
      const [name, value] = cookie.split("=") as [string, string];
      const decoded = decodeURIComponent(value);
      const [payload, sig] = decoded.split(".") as [string, string];
      const text = new TextDecoder().decode(decodeBase64Url(payload));
      const forged = encodeBase64Url(
        new TextEncoder().encode(text.replace("green@example.com", "user@example.com")),
      );
      const res = await app.request("/devices", {
        cookie: `${name}=${encodeURIComponent(`${forged}.${sig}`)}`,
      });
      assert.equal(res.status, 302);
      assert.match(res.headers.get("location") ?? "", /^\/login/);
    });
    await t.step("garbage", async () => {
      const res = await app.request("/devices", { cookie: "stethoscope_session=%%%not-base64" });
      assert.equal(res.status, 302);
    });
    await t.step("idle for longer than SESSION_IDLE_SECONDS", async () => {
      app.clock.now = new Date(app.clock.now.getTime() + 8 * 3600_000 + 1000);
      const res = await app.request("/devices", { cookie });
      assert.equal(res.status, 302);
    });
  } finally {
    await app.close();
  }
});

Deno.test("a form posted from another origin is refused", async () => {
  const app = await startApp();
  try {
    const res = await app.request("/login/demo", {
      method: "POST",
      headers: { Origin: "https://evil.example" },
      body: new URLSearchParams({ email: "green@example.com" }),
    });
    assert.equal(res.status, 403);
    assert.equal(res.headers.get("set-cookie"), null);
  } finally {
    await app.close();
  }
});

Deno.test("sign-in goes back only to paths on this site", async (t) => {
  const app = await startApp();
  try {
    for (
      const [next, expected] of <[string, string][]> [
        ["/devices", "/devices"],
        ["//evil.example/", "/"],
        ["https://evil.example/", "/"],
        ["/\\evil.example", "/"],
        ["javascript:alert(1)", "/"],
      ]
    ) {
      await t.step(next, async () => {
        const res = await app.request("/login/demo", {
          method: "POST",
          body: new URLSearchParams({ email: "green@example.com", next }),
        });
        assert.equal(res.status, 303);
        assert.equal(res.headers.get("location"), expected);
      });
    }
  } finally {
    await app.close();
  }
});

Deno.test("a hostile device name from a source is shown as text, never as markup", async () => {
  const now = new Date("2026-11-26T12:00:00Z");
  const registry = registryWith({
    hostile: sourceEntry(() =>
      Promise.resolve([
        macRecord('<script>alert("x")</script><img src=x onerror=alert(1)>', "HOSTILE1", now),
      ])
    ),
  });
  const app = await startApp({
    registry,
    now,
    config: demoWith({ PLUGINS: { demo: {}, hostile: {} } }),
  });
  try {
    const cookie = await app.login("green@example.com");
    const html = await (await app.request("/devices", { cookie })).text();
    assert.ok(
      html.includes(
        "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;",
      ),
    );
    assert.ok(!html.includes('<script>alert("x")'));
    assert.ok(!html.includes("<img src=x"));
  } finally {
    await app.close();
  }
});

Deno.test("a failing, hanging or garbage-answering source never fails the page and is named", async (t) => {
  const now = new Date("2026-11-26T12:00:00Z");
  // The sleeper never answers: only its deadline ends its call (without one, the page would wait
  // forever). Why each of its calls was aborted is recorded.
  const sleeperAborts: string[] = [];
  const registry = registryWith({
    thrower: sourceEntry(() => Promise.reject(new Error("connection refused"))),
    sleeper: sourceEntry((_, signal) =>
      new Promise((_, reject) =>
        signal.addEventListener("abort", () => {
          sleeperAborts.push(String((signal.reason as Error).message));
          reject(signal.reason);
        })
      )
    ),
    garbage: sourceEntry(() => Promise.resolve("<html>not a list</html>")),
    good: sourceEntry(() => Promise.resolve([macRecord("good-mac", "GOOD0001", now)])),
  });
  const config = demoWith({
    PLUGINS: {
      thrower: {},
      sleeper: { TIMEOUT: 0.05 },
      garbage: {},
      good: {},
    },
  });
  const app = await startApp({ registry, now, config });
  try {
    const cookie = await app.login("green@example.com");
    const aborted = sleeperAborts.length;
    const res = await app.request("/devices", { cookie });
    const html = await res.text();
    assert.equal(res.status, 200);
    await t.step("the good source's device is shown", () => {
      assert.match(html, /good-mac/);
    });
    await t.step("the banner names each failing source", () => {
      assert.match(
        html,
        /Some information may be missing\.<\/strong> thrower, sleeper, garbage did not answer/,
      );
    });
    await t.step("the hanging source is cut off at its deadline", () => {
      assert.deepEqual(sleeperAborts.slice(aborted), ["sleeper did not answer within 0.05 s"]);
    });
  } finally {
    await app.close();
  }
});

Deno.test("path and query input is never reflected as markup", async () => {
  const app = await startApp({ config: demoWith({ PRIVILEGED_USERS: ["green@example.com"] }) });
  try {
    const cookie = await app.login("green@example.com");
    const res = await app.request(`/devices?email=${encodeURIComponent("<b>x</b>@")}`, { cookie });
    assert.equal(res.status, 400);
    const html = await res.text();
    assert.ok(html.includes("Invalid email address: &#39;&lt;b&gt;x&lt;/b&gt;@&#39;."));
    const missing = await app.request(`/no/${encodeURIComponent("<svg onload=x>")}`, { cookie });
    assert.equal(missing.status, 404);
    assert.ok(!(await missing.text()).includes("<svg"));
  } finally {
    await app.close();
  }
});

Deno.test("a person cannot look at someone else's devices; a privileged user can", async () => {
  const app = await startApp({ config: demoWith({ PRIVILEGED_USERS: ["green@example.com"] }) });
  try {
    const red = await app.login("one-red@example.com");
    const denied = await app.request("/devices?email=user%40example.com", { cookie: red });
    assert.equal(denied.status, 403);
    assert.ok(!(await denied.text()).includes("fry-mbp"));
    const admin = await app.login("green@example.com");
    const allowed = await app.request("/devices?email=user%40example.com", { cookie: admin });
    assert.equal(allowed.status, 200);
    const html = await allowed.text();
    assert.match(html, /Devices of user@example.com/);
    assert.match(html, /fry-mbp/);
  } finally {
    await app.close();
  }
});
