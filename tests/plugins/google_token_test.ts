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
      backoffMs: () => 1,
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
