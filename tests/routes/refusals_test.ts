/**
 * The one refusal mapping (routes/refusals.ts, used by `app.onError`): each refusal class a route
 * throws becomes its status and a page, or `{error, status}` JSON under `/api/`.
 */
import assert from "node:assert/strict";
import { parseConfig } from "../../config/load.ts";
import { csrfOf, demoWith, startApp } from "../support/app.ts";

Deno.test("refusals: each class is answered with its status, as a page or as JSON under /api/", async (t) => {
  const app = await startApp({
    config: demoWith({
      PLUGINS: { demo: {}, restful_feedback: { URL: "http://127.0.0.1:9/unused" } },
    }),
  });
  try {
    const cookie = await app.login("user@example.com");
    const csrf = csrfOf(await (await app.request("/", { cookie })).text());

    await t.step("AuthFailure (the API's caller check) → JSON with WWW-Authenticate", async () => {
      const res = await app.request("/api/v1/devices/merged/user@example.com");
      assert.equal(res.status, 401);
      assert.equal(res.headers.get("WWW-Authenticate"), 'Bearer realm="stethoscope"');
      assert.deepEqual(await res.json(), {
        error: "Authorization Required: No authorization provided.",
        status: 401,
      });
    });

    await t.step("FeedbackRefused on a page → the error page with its status", async () => {
      const res = await app.request("/notifications/nope/dismiss", {
        method: "POST",
        cookie,
        body: new URLSearchParams({ _csrf_token: csrf }),
      });
      assert.equal(res.status, 404);
      assert.match(res.headers.get("Content-Type") ?? "", /^text\/html/);
      assert.match(await res.text(), /There is no such alert for you\./);
    });

    await t.step("FeedbackRefused under /api/ → JSON", async () => {
      const res = await app.request("/api/v1/feedback/restful_feedback", {
        method: "POST",
        cookie,
        headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
        body: JSON.stringify({ id: "nope", feedback: "yes", notes: "" }),
      });
      assert.equal(res.status, 404);
      assert.deepEqual(await res.json(), { error: "There is no such alert for you.", status: 404 });
    });

    await t.step("HTTPException (Hono's CSRF check) → the error page, 403", async () => {
      const res = await app.request("/notifications/nope/dismiss", {
        method: "POST",
        cookie,
        headers: { Origin: "https://evil.example" },
        body: new URLSearchParams({ _csrf_token: csrf }),
      });
      assert.equal(res.status, 403);
      assert.match(await res.text(), /This request came from another site and was refused\./);
    });
  } finally {
    await app.close();
  }
});

Deno.test("refusals: OidcRefused → the sign-in refused page with its status", async () => {
  const app = await startApp({
    config: parseConfig({
      PLUGINS: { demo: {} },
      SECRET_KEY: "a-session-secret-of-at-least-32-bytes!!",
      JWT_SECRET_KEY: "an-api-token-secret-of-at-least-32-bytes",
      LOGIN_MANAGER: "oidc",
      OIDC_ISSUER: "http://127.0.0.1:9", // never asked: the provider's error is answered first
      OIDC_CLIENT_ID: "stethoscope",
      OIDC_CLIENT_SECRET: "a-client-secret",
    }, { env: () => undefined }),
  });
  try {
    const res = await app.request("/auth/oidc/callback?error=access_denied&state=x");
    assert.equal(res.status, 403);
    const html = await res.text();
    assert.match(html, /Sign-in failed/);
    assert.match(html, /The sign-in provider did not allow the sign-in \(access denied\)\./);
  } finally {
    await app.close();
  }
});
