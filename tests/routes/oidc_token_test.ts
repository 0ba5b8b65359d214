import assert from "node:assert/strict";
import { clientBasicAuth, pkceChallenge, randomUrlToken } from "../../routes/oidc_token.ts";

Deno.test("pkceChallenge() is RFC 7636 appendix B's S256 challenge", async () => {
  assert.equal(
    await pkceChallenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
    "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
  );
});

Deno.test("clientBasicAuth() form-encodes the id and secret first (RFC 6749 §2.3.1)", async (t) => {
  await t.step(
    "plain",
    () => assert.equal(clientBasicAuth("app", "s3cret"), "Basic YXBwOnMzY3JldA=="),
  );
  await t.step("a space is +, a colon %3A", () => {
    // base64 of "my+app:a%3Ab"
    assert.equal(clientBasicAuth("my app", "a:b"), "Basic bXkrYXBwOmElM0Fi");
  });
});

Deno.test("randomUrlToken() is unpadded base64url of the bytes asked for", () => {
  const token = randomUrlToken();
  assert.match(token, /^[A-Za-z0-9_-]{43}$/);
  assert.match(randomUrlToken(48), /^[A-Za-z0-9_-]{64}$/);
  assert.notEqual(randomUrlToken(), token);
});
