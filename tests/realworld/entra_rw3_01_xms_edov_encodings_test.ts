/**
 * RW3-01 — Microsoft Entra ID sends its optional claim `xms_edov` (email domain owner verified),
 * which the README tells Entra operators to name in `OIDC_EMAIL_VERIFIED_CLAIM`, sometimes as the
 * boolean `true` and sometimes as the **string `"1"`**: a verified employee was refused with "Your
 * email address is not verified". Sources: supabase/auth `internal/api/provider/oidc.go` (accepts
 * `true`, `"1"` and `"true"` for `xms_edov`), coder/coder#26380 (sign-in refused on `"1"`),
 * MicrosoftDocs/azure-docs#111425 (the claim's type is not what its documentation says); the
 * 7 December 2026 case file (shared cases, RW3-01).
 *
 * The ID token below has the shape of an Entra v2.0 token (Microsoft identity platform, "ID token
 * claims reference": `ver`, `tid`, `oid`, `preferred_username`, `email`, plus the optional claim).
 * The standard `email_verified` is not loosened: it stays the boolean `true` only.
 *
 * @module
 */
import assert from "node:assert/strict";
import { parseConfig } from "../../config/load.ts";
import { identityOf, OidcRefused } from "../../routes/signin/oidc_rules.ts";
import { startFakeOidc } from "../fakes/oidc.ts";
import { startApp } from "../support/app.ts";

const TENANT = "9122040d-6c67-4c5b-b112-36a304b66dad";

/** The claims of an Entra v2.0 ID token for a work account, `xms_edov` as given. */
function entraClaims(xmsEdov: unknown): Record<string, unknown> {
  return {
    ver: "2.0",
    tid: TENANT,
    oid: "00000000-0000-0000-66f3-3332eca7ea81",
    sub: "AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ",
    name: "Green Example",
    preferred_username: "green@example.com",
    email: "green@example.com",
    ...(xmsEdov === undefined ? {} : { xms_edov: xmsEdov }),
  };
}

const entra = parseConfig({
  PLUGINS: { demo: {} },
  SECRET_KEY: "a-session-secret-of-at-least-32-bytes!!",
  JWT_SECRET_KEY: "an-api-token-secret-of-at-least-32-bytes",
  LOGIN_MANAGER: "oidc",
  OIDC_ISSUER: `https://login.microsoftonline.com/${TENANT}/v2.0`,
  OIDC_CLIENT_ID: "stethoscope",
  OIDC_EMAIL_VERIFIED_CLAIM: "xms_edov",
}, { env: () => undefined });

/** The refusal code of identityOf, or "signed in". */
function outcome(claims: Record<string, unknown>, config = entra): string {
  try {
    identityOf(claims, config);
    return "signed in";
  } catch (error: unknown) {
    if (error instanceof OidcRefused) return `${error.status} ${error.code}`;
    throw error;
  }
}

Deno.test('RW3-01: xms_edov as Entra sends it — true, "1" or "true" — means verified', () => {
  for (const value of [true, "1", "true", "True", 1]) {
    assert.equal(outcome(entraClaims(value)), "signed in", JSON.stringify(value));
  }
  assert.deepEqual(identityOf(entraClaims("1"), entra), {
    email: "green@example.com",
    groups: [],
  });
});

Deno.test('RW3-01: xms_edov false, "0", "false", missing or anything else is still refused', () => {
  for (const value of [false, "0", "false", 0, "", "yes", "2", null, ["1"], { value: "1" }]) {
    assert.equal(outcome(entraClaims(value)), "403 email_unverified", JSON.stringify(value));
  }
  assert.equal(outcome(entraClaims(undefined)), "403 email_verified_missing");
});

Deno.test("RW3-01: the standard email_verified stays the boolean true only", () => {
  const standard = { ...entra, OIDC_EMAIL_VERIFIED_CLAIM: "email_verified" };
  const claims = (v: unknown) => ({ email: "green@example.com", email_verified: v });
  assert.equal(outcome(claims(true), standard), "signed in");
  for (const value of ["1", "true", 1]) {
    assert.equal(outcome(claims(value), standard), "403 email_unverified", JSON.stringify(value));
  }
  // With xms_edov configured, an explicit email_verified false still wins.
  assert.equal(
    outcome({ ...entraClaims("1"), email_verified: false }),
    "403 email_unverified",
  );
});

Deno.test({
  name: 'RW3-01: an Entra employee whose token says xms_edov "1" signs in and sees their devices',
  fn: async () => {
    const fake = await startFakeOidc();
    const app = await startApp({
      config: { ...entra, OIDC_ISSUER: fake.url, OIDC_CLIENT_SECRET: fake.clientSecret },
    });
    fake.now = () => app.clock.now;
    fake.user = { email: "green@example.com" };
    fake.tamper = (c) => ({ ...entraClaims("1"), ...c });
    try {
      const start = await app.request("/auth/oidc/start?next=%2Fdevices");
      const pending = start.headers.getSetCookie()
        .find((c) => c.startsWith("stethoscope_oidc="))!.split(";")[0]!;
      const back = await fetch(start.headers.get("location")!, { redirect: "manual" });
      await back.body?.cancel();
      const callback = new URL(back.headers.get("location")!);
      const res = await app.request(callback.pathname + callback.search, { cookie: pending });
      await res.body?.cancel();
      assert.equal(res.status, 303);
      assert.equal(res.headers.get("location"), "/devices");
      const session = res.headers.getSetCookie()
        .find((c) => c.startsWith("stethoscope_session="))!.split(";")[0]!;
      const devices = await app.request("/devices", { cookie: session });
      assert.equal(devices.status, 200);
      assert.match(await devices.text(), /green@example\.com/);
    } finally {
      await app.close();
      await fake.close();
    }
  },
});
