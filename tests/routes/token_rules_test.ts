import assert from "node:assert/strict";
import { SignJWT } from "jose";
import { parseConfig } from "../../config/load.ts";
import { ConfigError } from "../../config/problems.ts";
import { mintToken } from "../../routes/api/tokens.ts";
import { demoWith, startApp, type TestApp } from "../support/app.ts";
import { decodeBase64Url } from "../../lib/base64url.ts";

const JWT_SECRET_KEY = "an-api-token-secret-of-at-least-32-bytes";
const PATH = "/api/v1/devices/merged/green@example.com";
const DAY = 86_400;

/** Signs `claims` with the app's key, as a script with the key could. */
function sign(claims: Record<string, unknown>): Promise<string> {
  return new SignJWT({ email: "green@example.com", ...claims })
    .setProtectedHeader({ alg: "HS256" })
    .sign(new TextEncoder().encode(JWT_SECRET_KEY));
}

async function answer(app: TestApp, token: string): Promise<[number, unknown]> {
  const res = await app.request(PATH, { headers: { Authorization: `Bearer ${token}` } });
  return [res.status, await res.json()];
}

const refused = (why: string): [number, unknown] => [401, {
  error: `JWT Error: Token is invalid (${why}).`,
  status: 401,
}];

Deno.test("API tokens: exp required, lifetime at most JWT_MAX_LIFETIME, iat not in the future", async (t) => {
  const app = await startApp({ config: demoWith({ JWT_SECRET_KEY }) });
  const now = Math.floor(app.clock.now.getTime() / 1000);
  try {
    const cases: [string, Record<string, unknown>, number | [number, unknown]][] = [
      ["no exp", { iat: now }, refused("no expiry")],
      ["lives 90 days (the default maximum)", { iat: now, exp: now + 90 * DAY }, 200],
      [
        "lives 90 days and 1 s",
        { iat: now, exp: now + 90 * DAY + 1 },
        refused(
          "it lives longer than JWT_MAX_LIFETIME allows",
        ),
      ],
      [
        "no iat, expires in 10 years",
        { exp: now + 3650 * DAY },
        refused(
          "it lives longer than JWT_MAX_LIFETIME allows",
        ),
      ],
      ["no iat, expires in 1 hour", { exp: now + 3600 }, 200],
      [
        "issued 2 minutes in the future",
        { iat: now + 120, exp: now + 3600 },
        refused(
          "issued in the future",
        ),
      ],
      ["issued now", { iat: now, exp: now + 3600 }, 200],
    ];
    for (const [name, claims, expected] of cases) {
      await t.step(name, async () => {
        const [status, body] = await answer(app, await sign(claims));
        if (typeof expected === "number") assert.equal(status, expected);
        else assert.deepEqual([status, body], expected);
      });
    }
  } finally {
    await app.close();
  }
  const lenient = await startApp({
    config: demoWith({ JWT_SECRET_KEY, JWT_LEEWAY: 300, JWT_MAX_LIFETIME: 3600 }),
  });
  try {
    await t.step("JWT_LEEWAY forgives a clock 2 minutes ahead", async () => {
      const [status] = await answer(lenient, await sign({ iat: now + 120, exp: now + 1800 }));
      assert.equal(status, 200);
    });
    await t.step("JWT_MAX_LIFETIME is a setting", async () => {
      assert.deepEqual(
        await answer(lenient, await sign({ iat: now, exp: now + 3601 })),
        refused("it lives longer than JWT_MAX_LIFETIME allows"),
      );
    });
  } finally {
    await lenient.close();
  }
});

Deno.test("API tokens: JWT_AUDIENCE and JWT_ISSUER are checked when set and written by mintToken", async (t) => {
  const config = demoWith({
    JWT_SECRET_KEY,
    JWT_AUDIENCE: "stethoscope-api",
    JWT_ISSUER: "https://steth.example.com",
  });
  const app = await startApp({ config });
  const now = Math.floor(app.clock.now.getTime() / 1000);
  const base = { iat: now, exp: now + 3600 };
  try {
    await t.step("a minted token carries both and is accepted", async () => {
      const token = await mintToken(config, { email: "green@example.com", now: app.clock.now });
      const claims = JSON.parse(new TextDecoder().decode(decodeBase64Url(token.split(".")[1]!)));
      assert.equal(claims.aud, "stethoscope-api");
      assert.equal(claims.iss, "https://steth.example.com");
      assert.equal((await answer(app, token))[0], 200);
    });
    const cases: [string, Record<string, unknown>, string][] = [
      ["no aud", { ...base, iss: "https://steth.example.com" }, "no audience"],
      [
        "another aud",
        { ...base, aud: "other-app", iss: "https://steth.example.com" },
        "wrong audience",
      ],
      ["no iss", { ...base, aud: "stethoscope-api" }, "no issuer"],
      [
        "another iss",
        { ...base, aud: "stethoscope-api", iss: "https://evil.example" },
        "wrong issuer",
      ],
    ];
    for (const [name, claims, why] of cases) {
      await t.step(`${name} → refused`, async () => {
        assert.deepEqual(await answer(app, await sign(claims)), refused(why));
      });
    }
  } finally {
    await app.close();
  }
  await t.step("without the settings, aud and iss are not required", async () => {
    const plain = await startApp({ config: demoWith({ JWT_SECRET_KEY }) });
    try {
      assert.equal((await answer(plain, await sign(base)))[0], 200);
    } finally {
      await plain.close();
    }
  });
});

Deno.test("mintToken() and the configuration refuse lifetimes past JWT_MAX_LIFETIME", async () => {
  const config = demoWith({ JWT_SECRET_KEY, JWT_MAX_LIFETIME: 7 * DAY });
  await assert.rejects(
    () => mintToken(config, { email: "green@example.com", seconds: 8 * DAY }),
    new RangeError(
      "A token lifetime of 691200 s is longer than JWT_MAX_LIFETIME (604800 s); the API would refuse it",
    ),
  );
  assert.throws(
    () =>
      parseConfig({
        PLUGINS: { demo: {} },
        SECRET_KEY: "a-session-secret-of-at-least-32-bytes!!",
        JWT_SECRET_KEY,
        JWT_EXPIRATION_DELTA: 2 * DAY,
        JWT_MAX_LIFETIME: DAY,
      }, { env: () => undefined }),
    (error: unknown) =>
      error instanceof ConfigError && error.problems.includes(
        "JWT_EXPIRATION_DELTA: 172800 s is longer than JWT_MAX_LIFETIME (86400 s); tokens minted with it would be refused",
      ),
  );
});
