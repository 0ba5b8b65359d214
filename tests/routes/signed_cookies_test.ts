/**
 * Signed JSON cookies (routes/signin/signed_cookies.ts): the helper's outcomes (tampered, expired,
 * rotated and unknown keys), and session signatures verified once per cookie header — counted
 * HMAC checks, and what must stay per request (tampering, sign-out) still is.
 */
import assert from "node:assert/strict";
import { Hono } from "hono";
import { encodeBase64Url } from "../../lib/base64url.ts";
import type { AppEnv } from "../../routes/context.ts";
import {
  type CookieKeys,
  cookieKeys,
  REMEMBERED_BYTES_MAX,
  REMEMBERED_MAX,
  rememberedBytes,
  rememberedCount,
  signatureChecks,
  signedJsonCookie,
} from "../../routes/signin/signed_cookies.ts";
import { ORIGIN, startApp } from "../support/app.ts";

/** Counts the HMACs computed to check signatures while `fn` runs. */
async function countingVerifies(fn: () => Promise<void>): Promise<number> {
  const before = signatureChecks();
  await fn();
  return signatureChecks() - before;
}

Deno.test("ten page views with one session cookie verify its signature once; a tampered copy is still refused", async () => {
  const app = await startApp();
  try {
    const cookie = await app.login("green@example.com");
    const calls = await countingVerifies(async () => {
      for (let i = 0; i < 10; i++) {
        const res = await app.request("/healthz", { cookie });
        await res.body?.cancel();
        assert.equal(res.status, 200);
      }
    });
    assert.equal(calls, 1);
    const [name, value] = cookie.split("=") as [string, string];
    const tampered = `${name}=${value.slice(0, -3)}AAA`;
    const res = await app.request("/devices", { cookie: tampered });
    await res.body?.cancel();
    assert.equal(res.status, 302);
  } finally {
    await app.close();
  }
});

Deno.test("a remembered signature does not outlive sign-out: the revoked cookie is refused", async () => {
  const app = await startApp();
  try {
    const cookie = await app.login("green@example.com");
    assert.equal((await app.request("/devices", { cookie })).status, 200);
    const page = await (await app.request("/devices", { cookie })).text();
    const csrf = /name="_csrf_token" value="([^"]+)"/.exec(page)?.[1] ?? "";
    const out = await app.request("/logout", {
      method: "POST",
      cookie,
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: ORIGIN },
      body: `_csrf_token=${encodeURIComponent(csrf)}`,
    });
    await out.body?.cancel();
    const after = await app.request("/devices", { cookie });
    await after.body?.cancel();
    assert.equal(after.status, 302);
  } finally {
    await app.close();
  }
});

Deno.test("at most REMEMBERED_MAX cookie headers are remembered", async () => {
  const app = await startApp();
  try {
    for (let i = 0; i < REMEMBERED_MAX + 5; i++) {
      const cookie = await app.login("green@example.com");
      const res = await app.request("/healthz", { cookie: `${cookie}; n=${i}` });
      await res.body?.cancel();
    }
    assert.equal(rememberedCount(), REMEMBERED_MAX);
  } finally {
    await app.close();
  }
});

Deno.test("past REMEMBERED_MAX the least recently used header is forgotten: a header in use stays verified", async () => {
  const app = await startApp();
  try {
    const cookie = await app.login("green@example.com");
    const view = async (tag: string) => {
      const res = await app.request("/healthz", { cookie: `${cookie}; n=${tag}` });
      await res.body?.cancel();
    };
    await view("b");
    await view("a");
    assert.equal(await countingVerifies(() => view("b")), 0, "b remembered");
    // b was used after a: REMEMBERED_MAX - 1 new headers push out a, the least recently used
    for (let i = 0; i < REMEMBERED_MAX - 1; i++) await view(String(i));
    assert.deepEqual(
      [await countingVerifies(() => view("b")), await countingVerifies(() => view("a"))],
      [0, 1],
    );
  } finally {
    await app.close();
  }
});

Deno.test("padded cookie headers stay within REMEMBERED_BYTES_MAX: a 60 KB one is checked every time, 15 KB ones push out the least recent", async () => {
  // One valid session cookie plus a distinct padding cookie per request (Deno accepts 64 KB
  // headers): counted by headers alone, 1,024 of 60 KB would pin about 60 MB in this process.
  const app = await startApp();
  try {
    const cookie = await app.login("green@example.com");
    const view = async (pad: string) => {
      const res = await app.request("/healthz", { cookie: `${cookie}; ${pad}` });
      await res.body?.cancel();
      assert.equal(res.status, 200);
    };
    const before = rememberedBytes();
    const big = "x".repeat(60_000);
    const checks = await countingVerifies(async () => {
      for (let i = 0; i < 20; i++) await view(`pad${i}=${big}`);
    });
    assert.deepEqual([checks, rememberedBytes()], [20, before]);
    const medium = "y".repeat(15_000);
    for (let i = 0; i < 300; i++) await view(`pad${i}=${medium}`);
    assert.equal(REMEMBERED_BYTES_MAX, 4 * 1024 * 1024);
    assert.ok(rememberedBytes() <= REMEMBERED_BYTES_MAX, `${rememberedBytes()} bytes remembered`);
    assert.equal(await countingVerifies(() => view(`pad299=${medium}`)), 0, "the newest stays");
  } finally {
    await app.close();
  }
});

/** A value with an expiry, for the helper's own tests. */
interface Visit {
  n: number;
  exp: number;
}

const VISIT = signedJsonCookie<Visit>({
  name: "visit",
  path: "/",
  sameSite: "Lax",
  parse: (json) => {
    const v = json as Partial<Visit>;
    return typeof v.n === "number" && typeof v.exp === "number" ? { n: v.n, exp: v.exp } : null;
  },
});

const NOW = 1_800_000_000_000;

/** An app that writes a visit signed with `?key=` and reads it back with `keys`. */
function cookieApp(keys: CookieKeys): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get("/write", async (c) => {
    const exp = Number(c.req.query("exp") ?? NOW + 60_000);
    await VISIT.write(c, { n: 7, exp }, {
      key: c.req.query("key")!,
      secure: false,
      maxAgeSeconds: 60,
    });
    return c.body(null, 204);
  });
  app.get("/read", async (c) => {
    return c.json(await VISIT.read(c, { keys, expired: (v) => v.exp < NOW }));
  });
  return app;
}

async function written(app: Hono<AppEnv>, query: string): Promise<string> {
  const res = await app.request(`/write?${query}`);
  const header = res.headers.get("set-cookie") ?? "";
  assert.match(header, /^visit=[^;]+; Max-Age=60; Path=\/; HttpOnly; SameSite=Lax$/);
  return header.split(";")[0]!;
}

async function readWith(app: Hono<AppEnv>, cookie: string | undefined): Promise<unknown> {
  const res = await app.request("/read", cookie ? { headers: { Cookie: cookie } } : {});
  return await res.json();
}

Deno.test("signedJsonCookie(): one signed JSON cookie with expiry and key rotation", async (t) => {
  const app = cookieApp({ current: "key-now", previous: "key-before" });
  await t.step("signed with the current key: valid, by the current key", async () => {
    const cookie = await written(app, "key=key-now");
    assert.deepEqual(await readWith(app, cookie), {
      outcome: "valid",
      value: { n: 7, exp: NOW + 60_000 },
      key: "current",
    });
  });
  await t.step("signed with the previous key: still valid, by the previous key", async () => {
    const cookie = await written(app, "key=key-before");
    assert.deepEqual(await readWith(app, cookie), {
      outcome: "valid",
      value: { n: 7, exp: NOW + 60_000 },
      key: "previous",
    });
  });
  await t.step("signed with an unknown key: refused", async () => {
    const cookie = await written(app, "key=key-of-someone-else");
    assert.deepEqual(await readWith(app, cookie), { outcome: "refused" });
  });
  await t.step("the payload changed under its signature: refused", async () => {
    const cookie = await written(app, "key=key-now");
    const [name, value] = cookie.split("=") as [string, string];
    const [payload, signature] = decodeURIComponent(value).split(".") as [string, string];
    const forged = encodeBase64Url(
      new TextEncoder().encode(JSON.stringify({ n: 8, exp: NOW + 60_000 })),
    );
    assert.notEqual(forged, payload);
    const tampered = `${name}=${encodeURIComponent(`${forged}.${signature}`)}`;
    assert.deepEqual(await readWith(app, tampered), { outcome: "refused" });
  });
  await t.step("past its expiry: expired, with the value", async () => {
    const cookie = await written(app, `key=key-now&exp=${NOW - 1}`);
    assert.deepEqual(await readWith(app, cookie), {
      outcome: "expired",
      value: { n: 7, exp: NOW - 1 },
    });
  });
  await t.step("no cookie of that name: missing", async () => {
    assert.deepEqual(await readWith(app, undefined), { outcome: "missing" });
    assert.deepEqual(await readWith(app, "other=1"), { outcome: "missing" });
  });
  await t.step("without a previous key, the previous key's cookie is refused", async () => {
    const before = await written(app, "key=key-before");
    const onlyNow = cookieApp({ current: "key-now" });
    assert.deepEqual(await readWith(onlyNow, before), { outcome: "refused" });
  });
});

Deno.test("cookieKeys() is SECRET_KEY then SECRET_KEY_PREVIOUS; none without SECRET_KEY", () => {
  assert.deepEqual(cookieKeys({ SECRET_KEY: "a", SECRET_KEY_PREVIOUS: "b" }), {
    current: "a",
    previous: "b",
  });
  assert.deepEqual(cookieKeys({ SECRET_KEY: "a" }), { current: "a", previous: undefined });
  assert.equal(cookieKeys({ SECRET_KEY_PREVIOUS: "b" }), null);
});
