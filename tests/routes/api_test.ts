/**
 * Over 300 lines: one test per API contract of the original (merged devices, timestamps, credential
 * errors, who may read whom, CORS), all through the same app and get() helper.
 *
 * @module
 */
import assert from "node:assert/strict";
import { SignJWT } from "jose";
import { mintToken } from "../../routes/api/tokens.ts";
import { demoWith, startApp, type TestApp } from "../support/app.ts";
import { encodeBase64Url } from "../../lib/base64url.ts";

async function get(
  app: TestApp,
  path: string,
  token?: string,
  headers: Record<string, string> = {},
) {
  const res = await app.request(path, {
    headers: token === undefined ? headers : { Authorization: `Bearer ${token}`, ...headers },
  });
  return { status: res.status, body: await res.json(), headers: res.headers };
}

Deno.test("GET /api/v1/devices/merged/:email answers the person's merged devices as JSON", async () => {
  const app = await startApp();
  try {
    const token = await mintToken(app.config, { email: "user@example.com", now: app.clock.now });
    const { status, body, headers } = await get(
      app,
      "/api/v1/devices/merged/user@example.com",
      token,
    );
    assert.equal(status, 200);
    assert.match(headers.get("content-type") ?? "", /^application\/json/);
    assert.equal(body.length, 7);
    const mac = body.find((d: { identifiers: { serial?: string } }) =>
      d.identifiers.serial === "DECAFBAD00"
    );
    assert.deepEqual(mac.sources, ["bitfit", "jamf"]);
    assert.equal(mac.name, "fry-mbp");
    assert.equal(mac.last_sync, "2026-11-26T11:00:00.000Z");
    assert.equal(mac.practices.firewall.status, "warn");
    assert.equal(mac.practices.encryption.status, "ok");
    assert.equal(mac.practices.encryption.last_updated, "2026-11-26T11:00:00.000Z");
    assert.equal(mac.practices.uptodate.status, "warn");
    assert.equal(mac._raw, undefined);
    const staged = await get(app, "/api/v1/devices/staged/user@example.com", token);
    assert.deepEqual(staged.body, body);
  } finally {
    await app.close();
  }
});

Deno.test("accounts, notifications and events answer with ISO timestamps, newest first", async () => {
  const app = await startApp();
  try {
    const token = await mintToken(app.config, { email: "user@example.com", now: app.clock.now });
    const accounts = await get(app, "/api/v1/accounts/merged/user@example.com", token);
    assert.deepEqual(accounts.body, [{
      name: "user@example.com",
      type: "google",
      source: "google",
      user_usage: { "accounts:is_2sv_enrolled": true },
      last_updated: "2026-11-26T12:00:00.000Z",
    }]);
    const notes = await get(app, "/api/v1/notifications/merged/user@example.com", token);
    assert.deepEqual(notes.body.map((n: { id: string }) => n.id), [
      "firewall-fry",
      "signin-fry-3",
      "maintenance",
    ]);
    const events = await get(app, "/api/v1/events/merged/user@example.com", token);
    assert.deepEqual(
      events.body.map((e: { id: string; timestamp: string }) => [e.id, e.timestamp]),
      [
        ["fry-1", "2026-11-26T11:00:00.000Z"],
        ["fry-2", "2026-11-26T03:00:00.000Z"],
        ["fry-3", "2026-11-25T09:00:00.000Z"],
      ],
    );
  } finally {
    await app.close();
  }
});

Deno.test("the API answers the original's status codes and messages for bad credentials", async (t) => {
  const app = await startApp();
  const path = "/api/v1/devices/merged/user@example.com";
  const key = new TextEncoder().encode(app.config.JWT_SECRET_KEY!);
  const now = Math.floor(app.clock.now.getTime() / 1000);
  const cases: [string, Record<string, string>, number, string][] = [
    ["no credentials", {}, 401, "Authorization Required: No authorization provided."],
    [
      "three parts",
      { Authorization: "Bearer a b" },
      400,
      "Invalid Authorization Header: Header is improperly formatted.",
    ],
    [
      "wrong type",
      { Authorization: "Basic abc" },
      400,
      "Invalid Authorization Header: Authorization type (Basic) is invalid.",
    ],
    [
      "lower-case bearer",
      { Authorization: "bearer abc" },
      400,
      "Invalid Authorization Header: Authorization type (bearer) is invalid.",
    ],
    [
      "not a JWT",
      { Authorization: "Bearer not-a-token" },
      401,
      "JWT Error: Token could not be decoded.",
    ],
  ];
  try {
    for (const [name, headers, status, error] of cases) {
      await t.step(name, async () => {
        const res = await get(app, path, undefined, headers);
        assert.equal(res.status, status);
        assert.deepEqual(res.body, { error, status });
      });
    }
    await t.step("expired", async () => {
      const token = await new SignJWT({ email: "user@example.com" }).setProtectedHeader({
        alg: "HS256",
      }).setExpirationTime(now - 10).sign(key);
      const res = await get(app, path, token);
      assert.deepEqual(res.body, { error: "JWT Error: Token is expired.", status: 401 });
    });
    await t.step("not yet valid", async () => {
      const token = await new SignJWT({ email: "user@example.com" }).setProtectedHeader({
        alg: "HS256",
      }).setNotBefore(now + 600).setExpirationTime(now + 3600).sign(key);
      const res = await get(app, path, token);
      assert.deepEqual(res.body, { error: "JWT Error: Token is invalid.", status: 401 });
    });
    await t.step("signed with another key", async () => {
      const token = await new SignJWT({ email: "user@example.com" }).setProtectedHeader({
        alg: "HS256",
      }).setExpirationTime(now + 60).sign(new TextEncoder().encode("x".repeat(40)));
      const res = await get(app, path, token);
      assert.deepEqual(res.body, { error: "JWT Error: Token is invalid.", status: 401 });
    });
    await t.step("another algorithm", async () => {
      const token = await new SignJWT({ email: "user@example.com" }).setProtectedHeader({
        alg: "HS512",
      }).setExpirationTime(now + 60).sign(key);
      const res = await get(app, path, token);
      assert.equal(res.status, 401);
    });
    await t.step("alg none", async () => {
      const b64 = (o: unknown) => encodeBase64Url(new TextEncoder().encode(JSON.stringify(o)));
      const token = `${b64({ alg: "none", typ: "JWT" })}.${
        b64({ email: "user@example.com", exp: now + 60 })
      }.`;
      const res = await get(app, path, token);
      assert.equal(res.status, 401);
    });
  } finally {
    await app.close();
  }
});

Deno.test("a person may read only their own email; privileged callers may read anyone's", async () => {
  const app = await startApp({ config: demoWith({ PRIVILEGED_USERS: ["admin@example.com"] }) });
  try {
    const now = app.clock.now;
    const green = await mintToken(app.config, { email: "green@example.com", now });
    for (const kind of ["devices", "accounts", "notifications", "events"]) {
      const res = await get(app, `/api/v1/${kind}/merged/user@example.com`, green);
      assert.equal(res.status, 403, kind);
      assert.deepEqual(res.body, {
        error: "Access Denied: User is not allowed to access resource.",
        status: 403,
      });
    }
    const admin = await mintToken(app.config, { email: "admin@example.com", now });
    const res = await get(app, "/api/v1/devices/merged/user@example.com", admin);
    assert.equal(res.status, 200);
    assert.equal(res.body.length, 7);
    const upper = await mintToken(app.config, { email: "Admin@Example.com", now });
    assert.equal(
      (await get(app, "/api/v1/events/merged/user@example.com", upper)).status,
      200,
      "PRIVILEGED_USERS matches the token's email in any letter case",
    );
    const mine = await mintToken(app.config, { email: "Green@Example.com", now });
    assert.equal((await get(app, "/api/v1/devices/merged/green@example.com", mine)).status, 200);
    // the token's sub is used when it is an email and there is no email claim (decision 9)
    const key = new TextEncoder().encode(app.config.JWT_SECRET_KEY!);
    const subOnly = await new SignJWT({}).setProtectedHeader({ alg: "HS256" }).setSubject(
      "green@example.com",
    ).setExpirationTime(Math.floor(now.getTime() / 1000) + 60).sign(key);
    assert.equal((await get(app, "/api/v1/devices/merged/green@example.com", subOnly)).status, 200);
  } finally {
    await app.close();
  }
});

Deno.test("auth is checked before the parameter; a bad parameter is a 400 with the value escaped", async () => {
  const app = await startApp();
  try {
    const anon = await get(app, `/api/v1/devices/merged/${encodeURIComponent("<x>")}`);
    assert.equal(anon.status, 401);
    const token = await mintToken(app.config, { email: "admin@example.com", now: app.clock.now });
    const bad = await get(
      app,
      `/api/v1/devices/merged/${encodeURIComponent("not-a-<valid>")}`,
      token,
    );
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body, {
      error: "Invalid email address: 'not-a-&lt;valid&gt;'.",
      status: 400,
    });
  } finally {
    await app.close();
  }
});

Deno.test("the session cookie authorises same-origin API calls", async () => {
  const app = await startApp();
  try {
    const cookie = await app.login("green@example.com");
    const res = await app.request("/api/v1/devices/merged/green@example.com", { cookie });
    assert.equal(res.status, 200);
    assert.equal((await res.json()).length, 2);
    const other = await app.request("/api/v1/devices/merged/user@example.com", { cookie });
    assert.equal(other.status, 403);
  } finally {
    await app.close();
  }
});

Deno.test("debug routes exist only when enabled, and only for privileged users", async () => {
  const off = await startApp();
  try {
    const token = await mintToken(off.config, { email: "admin@example.com", now: off.clock.now });
    assert.equal((await get(off, "/api/v1/devices/serial/DECAFBAD00", token)).status, 404);
  } finally {
    await off.close();
  }
  const app = await startApp({
    config: demoWith({ ENABLE_DEBUG_ENDPOINTS: true, PRIVILEGED_USERS: ["ops@example.com"] }),
  });
  try {
    const now = app.clock.now;
    const ops = await mintToken(app.config, { email: "ops@example.com", now });
    const user = await mintToken(app.config, { email: "user@example.com", now });
    const mine = await get(app, "/api/v1/devices/demo/email/user@example.com", user);
    assert.equal(
      mine.status,
      403,
      "debug routes are for privileged users only, even for own email",
    );
    const raw = await get(app, "/api/v1/devices/demo/email/user@example.com", ops);
    assert.equal(raw.status, 200);
    assert.equal(raw.body.length, 8, "per-plugin route answers the plugin's raw records");
    assert.equal(raw.body[0].source, "bitfit");
    const merged = await get(app, "/api/v1/devices/email/user@example.com", ops);
    assert.equal(merged.body.length, 7);
    const badMac = await get(app, "/api/v1/devices/macaddr/zz:zz", ops);
    assert.deepEqual(badMac.body, { error: "Invalid MAC address: 'zz:zz'.", status: 400 });
    const unknown = await get(app, "/api/v1/devices/nope/email/user@example.com", ops);
    assert.equal(unknown.status, 404);
    const account = await get(app, "/api/v1/account/demo/email/user@example.com", ops);
    assert.deepEqual(account.body.user_usage, { "accounts:is_2sv_enrolled": true });
    const events = await get(app, "/api/v1/events/demo/email/user@example.com", ops);
    assert.deepEqual(events.body.map((e: { id: string }) => e.id), ["fry-1", "fry-2", "fry-3"]);
    const notes = await get(app, "/api/v1/notifications/demo/email/user@example.com", ops);
    assert.equal(notes.body.length, 3);
    const notMine = await get(app, "/api/v1/events/demo/email/user@example.com", user);
    assert.equal(notMine.status, 403);
    const noPlugin = await get(app, "/api/v1/account/jamf/email/user@example.com", ops);
    assert.equal(noPlugin.status, 404);
  } finally {
    await app.close();
  }
});

Deno.test("CORS answers only the configured origins", async () => {
  const app = await startApp({ config: demoWith({ CORS_ORIGINS: ["https://ui.example.com"] }) });
  try {
    const ok = await app.request("/api/v1/devices/merged/user@example.com", {
      method: "OPTIONS",
      headers: { Origin: "https://ui.example.com", "Access-Control-Request-Method": "GET" },
    });
    assert.equal(ok.status, 204);
    assert.equal(ok.headers.get("access-control-allow-origin"), "https://ui.example.com");
    assert.equal(ok.headers.get("access-control-allow-methods"), "GET,OPTIONS");
    const other = await app.request("/api/v1/devices/merged/user@example.com", {
      method: "OPTIONS",
      headers: { Origin: "https://evil.example", "Access-Control-Request-Method": "GET" },
    });
    assert.equal(other.headers.get("access-control-allow-origin"), null);
  } finally {
    await app.close();
  }
  const none = await startApp();
  try {
    const res = await none.request("/api/v1/devices/merged/user@example.com", {
      headers: { Origin: "https://ui.example.com" },
    });
    await res.body?.cancel();
    assert.equal(res.headers.get("access-control-allow-origin"), null);
  } finally {
    await none.close();
  }
});
