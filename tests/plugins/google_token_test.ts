import assert from "node:assert/strict";
import { exportPKCS8, generateKeyPair } from "jose";
import { createTokenProvider } from "../../plugins/sources/google/token.ts";
import { startGoogleFake } from "../fakes/google.ts";

const CLIENT_EMAIL = "stethoscope@project.iam.gserviceaccount.com";
const ADMIN = "admin@example.com";
const keys = await generateKeyPair("RS256", { extractable: true });
const PEM = await exportPKCS8(keys.privateKey);

Deno.test("createTokenProvider() token exchange survives the first caller's abort for the others", async () => {
  const now = () => new Date("2024-05-20T12:00:00Z");
  const fake = startGoogleFake({
    publicKey: keys.publicKey,
    clientEmail: CLIENT_EMAIL,
    subject: ADMIN,
    now,
  });
  try {
    const tokens = await createTokenProvider({
      clientEmail: CLIENT_EMAIL,
      privateKey: PEM,
      subject: ADMIN,
      scopes: ["https://www.googleapis.com/auth/admin.directory.device.mobile.readonly"],
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
