import assert from "node:assert/strict";
import { assetUrls } from "../../routes/rendering/render.tsx";
import { CLEAR_ON_SIGN_OUT } from "../../routes/guards/private_responses.ts";
import { csrfOf, startApp } from "../support/app.ts";

const PERSON = "user@example.com";

function varyOf(res: Response): string[] {
  return (res.headers.get("vary") ?? "").split(",").map((v) => v.trim()).filter((v) => v !== "");
}

Deno.test("every response that depends on who is signed in is no-store and varies on Cookie and Authorization", async (t) => {
  const app = await startApp();
  try {
    const cookie = await app.login(PERSON);
    const cases: [string, string, RequestInit & { cookie?: string }][] = [
      ["page", "/devices", { cookie }],
      ["fragment", "/devices", { cookie, headers: { "HX-Request": "true" } }],
      ["JSON API", `/api/v1/devices/merged/${PERSON}`, { cookie }],
      ["error page naming the person", "/no/such/page", { cookie }],
      ["sign-in page", "/login", {}],
    ];
    for (const [what, path, init] of cases) {
      await t.step(what, async () => {
        const res = await app.request(path, init);
        await res.body?.cancel();
        assert.equal(res.headers.get("cache-control"), "no-store", `${what}: ${res.status}`);
        const vary = varyOf(res);
        assert.ok(vary.includes("Cookie") && vary.includes("Authorization"), vary.join(", "));
      });
    }
    await t.step("a fragment keeps its HX-Request Vary too", async () => {
      const res = await app.request("/devices", { cookie, headers: { "HX-Request": "true" } });
      await res.body?.cancel();
      assert.deepEqual(varyOf(res).sort(), [
        "Accept-Encoding",
        "Authorization",
        "Cookie",
        "HX-Request",
        "HX-Request-Type",
      ]);
    });
  } finally {
    await app.close();
  }
});

Deno.test("public assets keep their long-lived cache and no Cookie Vary", async () => {
  const app = await startApp();
  try {
    const res = await app.request(assetUrls.css);
    await res.body?.cancel();
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("cache-control"), "public, max-age=31536000, immutable");
    assert.ok(!varyOf(res).includes("Cookie"));
  } finally {
    await app.close();
  }
});

Deno.test('signing out sends Clear-Site-Data: "cache", "cookies"', async () => {
  const app = await startApp();
  try {
    const cookie = await app.login(PERSON);
    const token = csrfOf(await (await app.request("/", { cookie })).text());
    const res = await app.request("/logout", {
      method: "POST",
      cookie,
      body: new URLSearchParams({ _csrf_token: token }),
    });
    assert.equal(res.status, 303);
    assert.equal(res.headers.get("clear-site-data"), CLEAR_ON_SIGN_OUT);
    assert.equal(CLEAR_ON_SIGN_OUT, '"cache", "cookies"');
    const page = await app.request("/devices", { cookie });
    assert.equal(page.headers.get("clear-site-data"), null);
    await page.body?.cancel();
  } finally {
    await app.close();
  }
});

Deno.test("a refused cross-site sign-out, or one without a session, sends no Clear-Site-Data", async (t) => {
  const app = await startApp();
  try {
    const cookie = await app.login(PERSON);
    await t.step("POST /logout from another site: 403 and the cookies stay", async () => {
      const res = await app.request("/logout", {
        method: "POST",
        cookie,
        headers: {
          Origin: "https://attacker.example",
          "Content-Type": "application/x-www-form-urlencoded",
        },
        body: "x=1",
      });
      await res.body?.cancel();
      assert.equal(res.status, 403);
      assert.equal(res.headers.get("clear-site-data"), null);
      const still = await app.request("/devices", { cookie });
      await still.body?.cancel();
      assert.equal(still.status, 200, "the person is still signed in");
    });
    await t.step("POST /logout without a session clears nothing", async () => {
      const res = await app.request("/logout", { method: "POST" });
      await res.body?.cancel();
      assert.equal(res.status, 303);
      assert.equal(res.headers.get("clear-site-data"), null);
    });
  } finally {
    await app.close();
  }
});
