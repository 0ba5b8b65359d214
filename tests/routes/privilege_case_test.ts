import assert from "node:assert/strict";
import { demoWith, startApp } from "../support/app.ts";

// An admin configured in upper case is privileged on every path that decides privilege; the
// token, OIDC and CLI paths are covered in privilege_test.ts, oidc_test.ts and token_explain_test.ts.
Deno.test("an admin listed in upper case in PRIVILEGED_USERS is privileged after a session sign-in", async () => {
  const app = await startApp({ config: demoWith({ PRIVILEGED_USERS: ["Admin@Example.COM"] }) });
  try {
    const admin = await app.login("admin@example.com");
    assert.equal((await app.request("/dashboard", { cookie: admin })).status, 200);
    const other = await app.request("/devices?email=user%40example.com", { cookie: admin });
    assert.equal(other.status, 200);
    const user = await app.login("user@example.com");
    assert.equal((await app.request("/dashboard", { cookie: user })).status, 403);
  } finally {
    await app.close();
  }
});
