import assert from "node:assert/strict";
import { SignJWT } from "jose";
import { isPrivileged, sameEmail } from "../../routes/signin/privilege.ts";
import { mintToken, verifyToken } from "../../routes/api/tokens.ts";
import { demoWith, startApp, type TestApp } from "../support/app.ts";

const SECRETS = {
  SECRET_KEY: "a-session-secret-shared-by-every-process!",
  JWT_SECRET_KEY: "an-api-token-secret-shared-by-every-process",
};

Deno.test("isPrivileged() is the one definition: emails in any letter case, groups exactly", async (t) => {
  const config = {
    PRIVILEGED_USERS: ["Admin@Example.com", "svc-export@example.com"],
    PRIVILEGED_GROUPS: ["security-team", "0f6a1b2c-entra-object-id"],
  };
  const table: [string, { email: string; groups?: string[] }, boolean][] = [
    ["listed email, same case", { email: "Admin@Example.com" }, true],
    ["listed email, lower case", { email: "admin@example.com" }, true],
    ["listed email, upper case", { email: "ADMIN@EXAMPLE.COM" }, true],
    ["service account listed like a person", { email: "svc-export@example.com" }, true],
    ["unlisted email", { email: "fry@example.com" }, false],
    ["email that only contains a listed one", { email: "xadmin@example.com" }, false],
    ["listed group", { email: "fry@example.com", groups: ["staff", "security-team"] }, true],
    ["group id as Entra sends it", {
      email: "fry@example.com",
      groups: ["0f6a1b2c-entra-object-id"],
    }, true],
    [
      "group in another letter case",
      { email: "fry@example.com", groups: ["Security-Team"] },
      false,
    ],
    ["no groups", { email: "fry@example.com", groups: [] }, false],
  ];
  for (const [name, who, expected] of table) {
    await t.step(`${name} → ${expected}`, () => assert.equal(isPrivileged(config, who), expected));
  }
  await t.step("an empty configuration privileges no one", () => {
    assert.equal(
      isPrivileged({ PRIVILEGED_USERS: [], PRIVILEGED_GROUPS: [] }, { email: "a@b.c" }),
      false,
    );
  });
  await t.step("sameEmail() ignores letter case only", () => {
    assert.equal(sameEmail("Fry@PlanetExpress.com", "fry@planetexpress.com"), true);
    assert.equal(sameEmail("fry@planetexpress.com", "fry@planetexpress.co"), false);
  });
  await t.step(
    "API tokens use the same definition (email in another case, groups claim)",
    async () => {
      const app = demoWith({ ...SECRETS, PRIVILEGED_USERS: ["Admin@Example.com"] });
      const now = new Date("2026-11-26T12:00:00Z");
      const token = await mintToken(app, { email: "admin@example.com", now });
      assert.deepEqual(await verifyToken(app, token, now), {
        email: "admin@example.com",
        privileged: true,
      });
    },
  );
});

Deno.test("removing someone from PRIVILEGED_USERS ends their access to /dashboard, other people's pages and the API at once", async (t) => {
  const before = await startApp({
    config: demoWith({ ...SECRETS, PRIVILEGED_USERS: ["admin@example.com"] }),
  });
  const after = await startApp({ config: demoWith({ ...SECRETS, PRIVILEGED_USERS: [] }) });
  try {
    const cookie = await before.login("admin@example.com");
    const token = await mintToken(before.config, {
      email: "admin@example.com",
      now: before.clock.now,
    });
    // What `main.ts token --privileged` used to write: a claim the token carried forever.
    const t0 = Math.floor(before.clock.now.getTime() / 1000);
    const minted = await new SignJWT({ email: "admin@example.com", stethoscope_privileged: true })
      .setProtectedHeader({ alg: "HS256" }).setIssuedAt(t0).setExpirationTime(t0 + 3600)
      .sign(new TextEncoder().encode(SECRETS.JWT_SECRET_KEY));
    const checks: [string, (app: TestApp) => Promise<Response>][] = [
      [
        "the API with a token minted as privileged",
        (app) =>
          app.request("/api/v1/devices/merged/green@example.com", {
            headers: { Authorization: `Bearer ${minted}` },
          }),
      ],
      ["/dashboard", (app) => app.request("/dashboard", { cookie })],
      [
        "another person's devices page",
        (app) => app.request("/devices?email=green@example.com", { cookie }),
      ],
      [
        "the API with the session",
        (app) => app.request("/api/v1/devices/merged/green@example.com", { cookie }),
      ],
      ["the API with a token", (app) =>
        app.request("/api/v1/devices/merged/green@example.com", {
          headers: { Authorization: `Bearer ${token}` },
        })],
    ];
    for (const [name, send] of checks) {
      await t.step(
        `${name}: 200 while listed, 403 once removed (same cookie or token)`,
        async () => {
          const allowed = await send(before);
          await allowed.body?.cancel();
          assert.equal(allowed.status, 200);
          const refused = await send(after);
          await refused.body?.cancel();
          assert.equal(refused.status, 403);
        },
      );
    }
    await t.step("their own pages still work", async () => {
      const own = await after.request("/devices", { cookie });
      await own.body?.cancel();
      assert.equal(own.status, 200);
    });
  } finally {
    await before.close();
    await after.close();
  }
});

Deno.test("demo sign-in matches the email in any letter case and signs in as the listed person", async () => {
  const app = await startApp({ config: demoWith({ PRIVILEGED_USERS: ["admin@example.com"] }) });
  try {
    const cookie = await app.login("Admin@Example.COM");
    const res = await app.request("/dashboard", { cookie });
    assert.equal(res.status, 200);
    assert.match(await res.text(), /admin@example\.com/);
  } finally {
    await app.close();
  }
});
