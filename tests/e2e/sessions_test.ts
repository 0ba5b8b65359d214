/**
 * Sign-out holds across processes and restarts: real `main.ts serve` processes sharing one SQLite
 * store (as two processes on one host, or one process restarted), signing in through the loopback
 * OpenID provider.
 *
 * @module
 */
import assert from "node:assert/strict";
import { type FakeOidc, startFakeOidc } from "../fakes/oidc.ts";
import { type RunningServer, startServer } from "../support/server.ts";

/** start → provider → callback against a running server; returns the session cookie. */
async function signIn(server: RunningServer): Promise<string> {
  const start = await fetch(`${server.url}/auth/oidc/start?next=%2Fdevices`, {
    redirect: "manual",
  });
  await start.body?.cancel();
  assert.equal(start.status, 302);
  const pending = start.headers.getSetCookie().find((c) => c.startsWith("stethoscope_oidc="))!;
  const authorize = await fetch(start.headers.get("location")!, { redirect: "manual" });
  await authorize.body?.cancel();
  const callback = await fetch(authorize.headers.get("location")!, {
    redirect: "manual",
    headers: { Cookie: pending.split(";")[0]! },
  });
  await callback.body?.cancel();
  assert.equal(callback.status, 303);
  const session = callback.headers.getSetCookie()
    .find((c) => c.startsWith("stethoscope_session="))!;
  return session.split(";")[0]!;
}

/** The status of GET /devices with `cookie` (200 signed in, 302 to /login when refused). */
async function devicesStatus(server: RunningServer, cookie: string): Promise<number> {
  const res = await fetch(`${server.url}/devices`, {
    redirect: "manual",
    headers: { Cookie: cookie },
  });
  await res.body?.cancel();
  return res.status;
}

async function writeConfig(cwd: string, fake: FakeOidc): Promise<void> {
  await Deno.writeTextFile(
    `${cwd}/config.json`,
    JSON.stringify({
      PLUGINS: { demo: {} },
      SECRET_KEY: "a-session-secret-shared-by-both-processes",
      JWT_SECRET_KEY: "an-api-token-secret-shared-by-both-processes",
      LOGIN_MANAGER: "oidc",
      OIDC_ISSUER: fake.url,
      OIDC_CLIENT_ID: fake.clientId,
      OIDC_CLIENT_SECRET: fake.clientSecret,
      STORE: { TYPE: "sqlite", PATH: "./data/sessions.db" },
      // Tests talk only to 127.0.0.1: no release-feed fetching from the public feeds.
      RELEASE_DATA: { FETCH: false },
    }),
  );
}

Deno.test("a signed-out cookie is refused by the other process and after a restart", async (t) => {
  const fake = await startFakeOidc();
  const cwd = await Deno.makeTempDir({ prefix: "stethoscope-sessions-" });
  const servers: RunningServer[] = [];
  const serve = async () => {
    const s = await startServer(["--config", "config.json"], { cwd });
    servers.push(s);
    return s;
  };
  try {
    await writeConfig(cwd, fake);
    const [a, b] = [await serve(), await serve()];
    const cookie = await signIn(a);
    await t.step("the session works on both processes", async () => {
      assert.equal(await devicesStatus(a, cookie), 200);
      assert.equal(await devicesStatus(b, cookie), 200);
    });
    await t.step("signing out on one process refuses the cookie on the other", async () => {
      const out = await fetch(`${a.url}/logout`, {
        method: "POST",
        redirect: "manual",
        headers: { Cookie: cookie, Origin: a.url },
      });
      await out.body?.cancel();
      assert.equal(out.status, 303);
      assert.equal(await devicesStatus(b, cookie), 302);
      assert.equal(await devicesStatus(a, cookie), 302);
    });
    await t.step("and after both restart", async () => {
      for (const s of servers.splice(0)) assert.equal(await s.stop(), 0);
      const c = await serve();
      assert.equal(await devicesStatus(c, cookie), 302);
      assert.equal(await devicesStatus(c, await signIn(c)), 200, "a new sign-in still works");
    });
  } finally {
    for (const s of servers) await s.stop();
    await fake.close();
    await Deno.remove(cwd, { recursive: true });
  }
});
