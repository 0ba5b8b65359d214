import assert from "node:assert/strict";
import { SignJWT } from "jose";
import { identityOf, OidcRefused } from "../../routes/signin/oidc_rules.ts";
import { foldsIntoAscii, isPrivileged, sameEmail } from "../../routes/signin/privilege.ts";
import { demoWith, startApp } from "../support/app.ts";

// Unicode lower-casing turns U+212A KELVIN SIGN into "k" and U+0130 (capital I with dot) into "i"
// plus a combining dot, so "\u212Aif@example.com".toLowerCase() is "kif@example.com". Found by
// attacking the running server: such an address was privileged as kif@ and, from OIDC, signed in
// as kif@ outright (identityOf lower-cased it).
const KELVIN = "\u212Aif@example.com";
const DOTTED = "adm\u0130n@example.com";

Deno.test("letter case folds for ASCII letters only: no other character reads as an ASCII one", () => {
  assert.equal(sameEmail("Kif@Example.COM", "kif@example.com"), true);
  assert.equal(sameEmail(KELVIN, "kif@example.com"), false);
  assert.equal(sameEmail(DOTTED, "admin@example.com"), false);
  const config = {
    PRIVILEGED_USERS: ["kif@example.com", "admin@example.com"],
    PRIVILEGED_GROUPS: [],
  };
  assert.equal(isPrivileged(config, { email: KELVIN }), false);
  assert.equal(isPrivileged(config, { email: DOTTED }), false);
  assert.equal(isPrivileged(config, { email: "KIF@example.com" }), true);
  assert.deepEqual(
    [KELVIN, DOTTED, "José@example.com", "JOSÉ@example.com", "kif@example.com"].map(foldsIntoAscii),
    [true, true, false, false, false],
  );
});

Deno.test("OIDC sign-in refuses an address that Unicode lower-casing makes another person's", () => {
  const config = demoWith({});
  for (const email of [KELVIN, DOTTED]) {
    assert.throws(
      () => identityOf({ email, email_verified: true }, config),
      (e: unknown) => e instanceof OidcRefused && e.status === 403 && e.code === "ambiguous_email",
      email,
    );
  }
  assert.deepEqual(identityOf({ email: "Kif@Example.com", email_verified: true }, config), {
    email: "kif@example.com",
    groups: [],
  });
});

Deno.test("an API token for such an address is refused, not read as kif@ or as privileged", async () => {
  const JWT_SECRET_KEY = "an-api-token-secret-of-at-least-32-bytes";
  const app = await startApp({
    config: demoWith({ JWT_SECRET_KEY, PRIVILEGED_USERS: ["kif@example.com"] }),
  });
  try {
    const now = Math.floor(app.clock.now.getTime() / 1000);
    const token = await new SignJWT({ email: KELVIN })
      .setProtectedHeader({ alg: "HS256" })
      .setIssuedAt(now)
      .setExpirationTime(now + 3600)
      .sign(new TextEncoder().encode(JWT_SECRET_KEY));
    for (
      const path of [
        "/api/v1/devices/merged/kif@example.com",
        "/api/v1/devices/merged/green@example.com",
      ]
    ) {
      const res = await app.request(path, { headers: { Authorization: `Bearer ${token}` } });
      assert.equal(res.status, 401, path);
      assert.deepEqual(await res.json(), { error: "JWT Error: Token is invalid.", status: 401 });
    }
  } finally {
    await app.close();
  }
});
