import assert from "node:assert/strict";
import { createTokenProvider } from "../../plugins/sources/google/token.ts";
import {
  GOOGLE_ADMIN,
  GOOGLE_CLIENT_EMAIL,
  GOOGLE_SCOPES,
  startGoogleServiceAccount,
} from "../support/google.ts";

Deno.test("createTokenProvider() token exchange survives the first caller's abort for the others", async () => {
  const now = () => new Date("2024-05-20T12:00:00Z");
  const { google: fake, privateKey } = await startGoogleServiceAccount(now);
  try {
    const tokens = await createTokenProvider({
      clientEmail: GOOGLE_CLIENT_EMAIL,
      privateKey,
      subject: GOOGLE_ADMIN,
      scopes: [GOOGLE_SCOPES.mobile],
      tokenUri: fake.tokenUri,
      now,
      backoffMs: 1,
    });
    const first = new AbortController();
    const gaveUp = tokens.token(first.signal);
    const waits = tokens.token(new AbortController().signal);
    first.abort(new Error("the first page view went away"));
    await assert.rejects(gaveUp, /the first page view went away/);
    assert.equal(await waits, "fake-token-1");
    assert.equal(fake.tokenRequests, 1, "one exchange, shared");
    assert.equal(await tokens.token(new AbortController().signal), "fake-token-1", "cached");
  } finally {
    await fake.close();
  }
});

Deno.test("createTokenProvider() retries a 5xx of the token endpoint through the HTTP client, then names a refusal", async () => {
  const now = () => new Date("2024-05-20T12:00:00Z");
  const { google: fake, privateKey } = await startGoogleServiceAccount(now);
  await fake.close(); // only its key pair is used: this endpoint answers 503, then a token
  const answers = [
    () => new Response("busy", { status: 503 }),
    () => Response.json({ access_token: "after-503", expires_in: 3600 }),
    // RFC 6749 §5.2 error answer, as Google sends for a revoked key
    () =>
      Response.json({ error: "invalid_grant", error_description: "Invalid JWT Signature." }, {
        status: 400,
      }),
  ];
  let seen = 0;
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    () => answers[seen++]!(),
  );
  try {
    const options = {
      clientEmail: GOOGLE_CLIENT_EMAIL,
      privateKey,
      subject: GOOGLE_ADMIN,
      scopes: [GOOGLE_SCOPES.mobile],
      tokenUri: `http://127.0.0.1:${server.addr.port}/token`,
      now,
      backoffMs: 1,
    };
    const tokens = await createTokenProvider(options);
    assert.equal(await tokens.token(new AbortController().signal), "after-503");
    assert.equal(seen, 2, "the 503 was retried once");
    const refused = await createTokenProvider(options);
    await assert.rejects(refused.token(new AbortController().signal), (e: Error) => {
      assert.equal(
        e.message,
        "Google authentication failure: the token endpoint refused the service-account assertion " +
          "(HTTP 400, invalid_grant: Invalid JWT Signature.); check GOOGLE_API_SECRETS, " +
          "GOOGLE_API_USERNAME and GOOGLE_API_SCOPES",
      );
      return true;
    });
    assert.equal(seen, 3, "a 400 is not retried");
  } finally {
    await server.shutdown();
  }
});
