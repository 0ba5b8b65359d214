/**
 * Okta ID tokens as Okta documents them: scope-dependent claims (`email` and `email_verified`
 * come with the `email` scope, `preferred_username` — the Okta login, which need not be the
 * email address — with `profile`), `ver: 1`, `idp`, `amr`, and a `groups` claim (a list of group
 * names, when an operator adds one). Sources: Okta developer docs, OpenID Connect & OAuth 2.0 API
 * "ID token claims" (scope-dependent claims) and "Customize tokens returned from Okta with a groups
 * claim" (developer.okta.com/docs/guides/customize-tokens-groups-claim). Right behaviour, as
 * routes/signin/oidc_rules.ts documents it: the person is the `email` claim, never
 * `preferred_username`; a token without `email_verified` (the `email` scope not asked for, or a
 * claim filtered out) is refused in plain words, not treated as verified; the groups are kept.
 *
 * @module
 */
import assert from "node:assert/strict";
import { parseConfig } from "../../config/load.ts";
import { identityOf, OidcRefused } from "../../routes/signin/oidc_rules.ts";

/** The claims of an Okta org authorization server ID token for Alice, `extra` added. */
function oktaClaims(extra: Record<string, unknown>): Record<string, unknown> {
  return {
    sub: "00uid4BxXw6I6TV4m0g3",
    name: "Alice Example",
    ver: 1,
    iss: "https://example.okta.com",
    aud: "0oaoesxtxmPf08QHk0h7",
    iat: 1733130000,
    exp: 1733133600,
    jti: "ID.4eAWJOCMB3SX8XewDfVR",
    amr: ["pwd", "mfa"],
    idp: "00ok1u7AsAkrwdZL3z0g3",
    auth_time: 1733129990,
    ...extra,
  };
}

const okta = parseConfig({
  PLUGINS: { demo: {} },
  SECRET_KEY: "a-session-secret-of-at-least-32-bytes!!",
  JWT_SECRET_KEY: "an-api-token-secret-of-at-least-32-bytes",
  LOGIN_MANAGER: "oidc",
  OIDC_ISSUER: "https://example.okta.com",
  OIDC_CLIENT_ID: "0oaoesxtxmPf08QHk0h7",
  OIDC_GROUPS_CLAIM: "groups",
}, { env: () => undefined });

/** What the person gets: the identity, or the status, code and words of the refusal. */
function outcome(claims: Record<string, unknown>): unknown {
  try {
    return identityOf(claims, okta);
  } catch (error: unknown) {
    if (error instanceof OidcRefused) return [error.status, error.code, error.message];
    throw error;
  }
}

Deno.test("Okta: the person is the email claim, not a preferred_username that differs", () => {
  assert.deepEqual(
    outcome(oktaClaims({
      email: "Alice.Example@example.com",
      email_verified: true,
      preferred_username: "aexample@corp.example.com",
      groups: ["Everyone", "Stethoscope Admins"],
    })),
    { email: "alice.example@example.com", groups: ["Everyone", "Stethoscope Admins"] },
  );
});

Deno.test("Okta: without the email scope there is no email_verified (nor email) — refused in plain words", () => {
  assert.deepEqual(
    outcome(oktaClaims({ email: "alice@example.com", preferred_username: "alice@example.com" })),
    [
      403,
      "email_verified_missing",
      "The sign-in provider did not confirm that your email address is verified, so this site cannot trust it. Ask the site's operators to check the sign-in settings.",
    ],
  );
  assert.deepEqual(
    outcome(oktaClaims({ preferred_username: "alice@example.com", groups: ["Everyone"] })),
    [
      403,
      "no_email",
      "The sign-in provider did not share a valid email address for your account, so this site cannot tell whose devices to show.",
    ],
  );
});

Deno.test("Okta: email_verified false is refused; a single group name is kept as one group", () => {
  assert.deepEqual(
    outcome(oktaClaims({ email: "alice@example.com", email_verified: false })),
    [
      403,
      "email_unverified",
      "Your email address is not verified with the sign-in provider. Verify it there, then sign in again.",
    ],
  );
  assert.deepEqual(
    outcome(oktaClaims({ email: "alice@example.com", email_verified: true, groups: "Everyone" })),
    { email: "alice@example.com", groups: ["Everyone"] },
  );
});
