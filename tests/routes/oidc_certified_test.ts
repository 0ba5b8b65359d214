/**
 * The sign-in flow against a certified OpenID Provider (npm `oidc-provider`) on loopback, not only
 * the hand-written fake: discovery, PKCE, the code exchange, ID-token verification through jose's
 * remote key set, the email rules, privilege by group, and the single-use pending sign-in.
 *
 * @module
 */
import assert from "node:assert/strict";
import { parseConfig } from "../../config/load.ts";
import type { Config } from "../../config/schema.ts";
import { createLogger } from "../../config/log.ts";
import { type CertifiedProvider, startCertifiedProvider } from "../fakes/oidc_provider.ts";
import { startApp, type TestApp } from "../support/app.ts";

const sessionOf = (res: Response) =>
  (res.headers.getSetCookie().find((c) => c.startsWith("stethoscope_session=")) ?? "")
    .split(";")[0]!;

/** A configuration signing in at `op` (some keys replaced). */
function configFor(op: CertifiedProvider, extra: Record<string, unknown> = {}): Config {
  return parseConfig({
    PLUGINS: { demo: {} },
    SECRET_KEY: "a-session-secret-of-at-least-32-bytes!!",
    JWT_SECRET_KEY: "an-api-token-secret-of-at-least-32-bytes",
    LOGIN_MANAGER: "oidc",
    OIDC_ISSUER: op.url,
    OIDC_CLIENT_ID: op.clientId,
    OIDC_CLIENT_SECRET: op.clientSecret,
    ...extra,
  }, { env: () => undefined });
}

async function setUp(): Promise<{ app: TestApp; op: CertifiedProvider; close(): Promise<void> }> {
  const op = await startCertifiedProvider({ redirectUri: "http://localhost/auth/oidc/callback" });
  op.accounts.set("green", { email: "green@example.com", email_verified: true });
  op.accounts.set("red", { email: "one-red@example.com", email_verified: true, groups: ["sec"] });
  op.accounts.set("unverified", { email: "user@example.com", email_verified: false });
  op.accounts.set("silent", { email: "user@example.com" });
  const config = configFor(op, {
    OIDC_SCOPES: ["openid", "email", "groups"],
    OIDC_GROUPS_CLAIM: "groups",
    PRIVILEGED_GROUPS: ["sec"],
  });
  // The provider signs with the real clock.
  const app = await startApp({ config, now: new Date() });
  return {
    app,
    op,
    close: async () => {
      await app.close();
      await op.close();
    },
  };
}

/** start → the provider's login and consent → callback; returns the start's pending cookie too. */
async function signIn(
  app: TestApp,
  op: CertifiedProvider,
  account: string,
): Promise<{ res: Response; pending: string; back: URL }> {
  const start = await app.request("/auth/oidc/start?next=%2Fdevices");
  assert.equal(start.status, 302);
  const pending = start.headers.getSetCookie().find((c) => c.startsWith("stethoscope_oidc="))!
    .split(";")[0]!;
  const back = await op.signInAs(start.headers.get("location")!, account);
  const res = await app.request(back.pathname + back.search, { cookie: pending });
  return { res, pending, back };
}

Deno.test({
  name: "OIDC sign-in works against a certified provider (oidc-provider) and keeps every rule",
  // oidc-provider keeps timers and sockets of its own between requests.
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async (t) => {
    const { app, op, close } = await setUp();
    try {
      await t.step("a verified person signs in and sees their devices, not others'", async () => {
        const { res } = await signIn(app, op, "green");
        await res.body?.cancel();
        assert.equal(res.status, 303);
        assert.equal(res.headers.get("location"), "/devices");
        const cookie = sessionOf(res);
        assert.equal((await app.request("/devices", { cookie })).status, 200);
        const other = await app.request("/devices?email=user%40example.com", { cookie });
        await other.body?.cancel();
        assert.equal(other.status, 403);
      });
      await t.step("a member of a privileged group may look at others", async () => {
        const { res } = await signIn(app, op, "red");
        await res.body?.cancel();
        assert.equal(res.status, 303);
        const other = await app.request("/devices?email=user%40example.com", {
          cookie: sessionOf(res),
        });
        await other.body?.cancel();
        assert.equal(other.status, 200);
      });
      await t.step("email_verified false, or no email_verified at all, is refused", async () => {
        for (const account of ["unverified", "silent"]) {
          const { res } = await signIn(app, op, account);
          assert.equal(res.status, 403, account);
          assert.match(await res.text(), /verified/);
          assert.equal(sessionOf(res), "");
        }
      });
      await t.step("the provider's RFC 9207 iss is checked: another one is refused", async () => {
        const start = await app.request("/auth/oidc/start");
        const pending = start.headers.getSetCookie()
          .find((c) => c.startsWith("stethoscope_oidc="))!.split(";")[0]!;
        const back = await op.signInAs(start.headers.get("location")!, "green");
        assert.equal(back.searchParams.get("iss"), op.url, "the provider sends iss");
        back.searchParams.set("iss", "https://evil.example");
        const res = await app.request(back.pathname + back.search, { cookie: pending });
        assert.equal(res.status, 401);
        assert.match(await res.text(), /did not come from the sign-in provider this site trusts/);
      });
      await t.step("the same callback twice: the second is refused", async () => {
        const { res, pending, back } = await signIn(app, op, "green");
        await res.body?.cancel();
        assert.equal(res.status, 303);
        const again = await app.request(back.pathname + back.search, { cookie: pending });
        assert.equal(again.status, 401);
        assert.match(await again.text(), /This sign-in was already used/);
      });
    } finally {
      await close();
    }
  },
});

Deno.test({
  name:
    "OIDC with a wrong client secret: the person reads that sign-in is misconfigured, the log has the provider's error and description, never the secret",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const op = await startCertifiedProvider({ redirectUri: "http://localhost/auth/oidc/callback" });
    op.accounts.set("green", { email: "green@example.com", email_verified: true });
    const wrongSecret = "a-wrong-client-secret-someone-pasted";
    const lines: Record<string, unknown>[] = [];
    const config = configFor(op, { OIDC_CLIENT_SECRET: wrongSecret });
    const app = await startApp({
      config,
      now: new Date(),
      log: createLogger({ level: "info", sink: (_, line) => lines.push(JSON.parse(line)) }),
    });
    try {
      const { res } = await signIn(app, op, "green");
      const html = await res.text();
      assert.equal(res.status, 502);
      assert.match(html, /Sign-in is misconfigured; the security team has been told\./);
      assert.doesNotMatch(html, /Try again/);
      assert.equal(sessionOf(res), "");
      const logged = lines.find((l) => l.msg === "sign-in is misconfigured");
      assert.deepEqual(
        logged &&
          [logged.level, logged.reason, logged.status, logged.error, logged.error_description],
        ["error", "sign_in_misconfigured", "401", "invalid_client", "client authentication failed"],
      );
      assert.ok(!JSON.stringify(lines).includes(wrongSecret), "the secret is never logged");
      assert.ok(!JSON.stringify(lines).includes(op.clientSecret));
    } finally {
      await app.close();
      await op.close();
    }
  },
});

Deno.test({
  name:
    "OIDC against a provider that names Entra's {tenantid} template as its issuer: the page says an operator must check OIDC_ISSUER, the log has both issuers and why",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const template = "https://login.microsoftonline.com/{tenantid}/v2.0";
    const op = await startCertifiedProvider({
      redirectUri: "http://localhost/auth/oidc/callback",
      issuer: template,
    });
    const lines: Record<string, unknown>[] = [];
    const app = await startApp({
      config: configFor(op),
      now: new Date(),
      log: createLogger({ level: "info", sink: (_, line) => lines.push(JSON.parse(line)) }),
    });
    try {
      const res = await app.request("/auth/oidc/start");
      assert.equal(res.status, 502);
      assert.match(await res.text(), /An operator needs to check OIDC_ISSUER/);
      const logged = lines.find((l) => l.msg === "sign-in is misconfigured");
      assert.deepEqual(logged && [logged.level, logged.configured, logged.discovered], [
        "error",
        op.url,
        template,
      ]);
      assert.match(String(logged?.hint), /Set OIDC_ISSUER to your tenant's issuer/);
    } finally {
      await app.close();
      await op.close();
    }
  },
});
