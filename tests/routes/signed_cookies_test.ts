/**
 * Session signatures are verified once per cookie header (routes/signed_cookies.ts): counted
 * WebCrypto verifies, and what must stay per request (tampering, sign-out) still is.
 */
import assert from "node:assert/strict";
import { REMEMBERED_MAX, rememberedCount } from "../../routes/signed_cookies.ts";
import { ORIGIN, startApp } from "../support/app.ts";

/** Counts `crypto.subtle.verify` calls while `fn` runs. */
async function countingVerifies(fn: () => Promise<void>): Promise<number> {
  const subtle = crypto.subtle as { verify: SubtleCrypto["verify"] };
  const original = subtle.verify;
  let calls = 0;
  subtle.verify = (...args: Parameters<SubtleCrypto["verify"]>) => {
    calls++;
    return original.apply(crypto.subtle, args);
  };
  try {
    await fn();
  } finally {
    subtle.verify = original;
  }
  return calls;
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
