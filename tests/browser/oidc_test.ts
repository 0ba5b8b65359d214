import assert from "node:assert/strict";
import { parseConfig } from "../../config/load.ts";
import { startFakeOidc } from "../fakes/oidc.ts";
import { startApp } from "../support/app.ts";
import { launch } from "./chromium.ts";

Deno.test("Chromium signs in through the OIDC provider, lands on the page it asked for, and signs out", async () => {
  const fake = await startFakeOidc();
  const app = await startApp({
    config: parseConfig({
      PLUGINS: { demo: {} },
      SECRET_KEY: "a-session-secret-of-at-least-32-bytes!!",
      JWT_SECRET_KEY: "an-api-token-secret-of-at-least-32-bytes",
      LOGIN_MANAGER: "oidc",
      OIDC_ISSUER: fake.url,
      OIDC_CLIENT_ID: fake.clientId,
      OIDC_CLIENT_SECRET: fake.clientSecret,
    }, { env: () => undefined }),
  });
  fake.now = () => app.clock.now;
  fake.user = { email: "green@example.com", email_verified: true };
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, app.app.fetch);
  const origin = `http://127.0.0.1:${server.addr.port}`;
  const browser = await launch();
  try {
    const page = await browser.newPage();
    await page.goto(`${origin}/devices`);
    assert.equal(new URL(page.url()).pathname, "/login");
    await page.getByRole("link", { name: `Sign in with ${new URL(fake.url).host}` }).click();
    await page.waitForURL(`${origin}/devices`);
    assert.equal(await page.locator("h1").first().textContent(), "Your devices");
    assert.ok((await page.content()).includes("green@example.com"));
    const cookies = await page.context().cookies(origin);
    const session = cookies.find((c) => c.name === "stethoscope_session");
    assert.ok(session?.httpOnly);
    assert.equal(session?.sameSite, "Lax");
    assert.equal(cookies.some((c) => c.name === "stethoscope_oidc"), false, "pending cleared");

    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(`${origin}/login?signed-out`);
    assert.match(await page.getByRole("status").innerText(), /^You are signed out of /);
    await page.goto(`${origin}/devices`);
    assert.equal(new URL(page.url()).pathname, "/login");
  } finally {
    await browser.close();
    await server.shutdown();
    await app.close();
    await fake.close();
  }
});
