/**
 * Over 300 lines: one test per OIDC rule (code flow with PKCE, token refusals, state, redirects,
 * privileges, key rotation, client auth), sharing the fake provider and the signIn() walk above.
 *
 * @module
 */
import assert from "node:assert/strict";
import { parseConfig } from "../../config/load.ts";
import type { Config } from "../../config/schema.ts";
import { type FakeOidc, startFakeOidc } from "../fakes/oidc.ts";
import { startApp, type TestApp } from "../support/app.ts";

/** A configured (non-demo) deployment signing in through the fake provider. */
function oidcConfig(fake: FakeOidc, extra: Record<string, unknown> = {}): Config {
  return parseConfig({
    PLUGINS: { demo: {} },
    SECRET_KEY: "a-session-secret-of-at-least-32-bytes!!",
    JWT_SECRET_KEY: "an-api-token-secret-of-at-least-32-bytes",
    LOGIN_MANAGER: "oidc",
    OIDC_ISSUER: fake.url,
    OIDC_CLIENT_ID: fake.clientId,
    OIDC_CLIENT_SECRET: fake.clientSecret,
    OIDC_GROUPS_CLAIM: "groups",
    PRIVILEGED_GROUPS: ["security-team"],
    ALLOWED_EMAIL_DOMAINS: ["example.com"],
    ...extra,
  }, { env: () => undefined });
}

/** A started app with its fake provider sharing the app's clock. */
async function setUp(
  extra: Record<string, unknown> = {},
  fakeOptions: Parameters<typeof startFakeOidc>[0] = {},
): Promise<{ app: TestApp; fake: FakeOidc; close: () => Promise<void> }> {
  const fake = await startFakeOidc(fakeOptions);
  const app = await startApp({ config: oidcConfig(fake, extra) });
  fake.now = () => app.clock.now;
  return {
    app,
    fake,
    close: async () => {
      await app.close();
      await fake.close();
    },
  };
}

function cookieNamed(res: Response, name: string): string | undefined {
  return res.headers.getSetCookie().find((c) => c.startsWith(`${name}=`));
}

/** The provider's redirect back to us, as a path on the app. */
async function authorize(location: string): Promise<string> {
  const res = await fetch(location, { redirect: "manual" });
  await res.body?.cancel();
  assert.equal(res.status, 302, `authorize answered ${res.status}`);
  const back = new URL(res.headers.get("location")!);
  assert.equal(back.origin, "http://localhost");
  return back.pathname + back.search;
}

/** Runs start → provider → callback; returns the callback's response. */
async function signIn(
  app: TestApp,
  options: { next?: string; spoilCallback?: (path: string) => string } = {},
): Promise<Response> {
  const start = await app.request(
    `/auth/oidc/start?next=${encodeURIComponent(options.next ?? "/")}`,
  );
  assert.equal(start.status, 302);
  const pending = cookieNamed(start, "stethoscope_oidc");
  assert.ok(pending, "a pending sign-in cookie is set");
  let callback = await authorize(start.headers.get("location")!);
  if (options.spoilCallback) callback = options.spoilCallback(callback);
  return await app.request(callback, { cookie: pending.split(";")[0]! });
}

Deno.test("OIDC sign-in: /login offers the provider, and the code flow with PKCE ends signed in on the page asked for", async (t) => {
  const { app, fake, close } = await setUp();
  try {
    await t.step("/login shows a button to the provider carrying next", async () => {
      const res = await app.request("/login?next=%2Fdevices");
      assert.equal(res.status, 200);
      const html = await res.text();
      const host = new URL(fake.url).host;
      assert.ok(html.includes(`Sign in with ${host}`), html);
      assert.ok(html.includes('href="/auth/oidc/start?next=%2Fdevices"'));
    });

    let session = "";
    await t.step(
      "start sets a short-lived, HttpOnly, SameSite=Lax cookie scoped to /auth/oidc",
      async () => {
        const start = await app.request("/auth/oidc/start?next=%2Fdevices");
        assert.equal(start.status, 302);
        const cookie = cookieNamed(start, "stethoscope_oidc") ?? "";
        assert.match(cookie, /Max-Age=600/);
        assert.match(cookie, /Path=\/auth\/oidc/);
        assert.match(cookie, /HttpOnly/);
        assert.match(cookie, /SameSite=Lax/);
        const to = new URL(start.headers.get("location")!);
        assert.equal(to.origin + to.pathname, `${fake.url}/authorize`);
        assert.equal(to.searchParams.get("code_challenge_method"), "S256");
        assert.equal(to.searchParams.get("redirect_uri"), "http://localhost/auth/oidc/callback");
        assert.equal(to.searchParams.get("client_id"), fake.clientId);
        assert.equal(to.searchParams.get("scope"), "openid email profile");
        assert.ok((to.searchParams.get("state") ?? "").length >= 43);
        assert.ok((to.searchParams.get("nonce") ?? "").length >= 43);
        assert.ok(!to.href.includes("verifier"), "the PKCE verifier never leaves the server");

        const callback = await authorize(to.href);
        const res = await app.request(callback, { cookie: cookie.split(";")[0]! });
        assert.equal(res.status, 303);
        assert.equal(res.headers.get("location"), "/devices");
        session = (cookieNamed(res, "stethoscope_session") ?? "").split(";")[0]!;
        assert.ok(session.length > 30);
        assert.match(cookieNamed(res, "stethoscope_oidc") ?? "", /Max-Age=0/, "pending cleared");
      },
    );

    await t.step("the token request used the client secret (basic) and the PKCE verifier", () => {
      const token = fake.requests.find((r) => r.path === "/token")!;
      assert.match(token.headers.get("authorization") ?? "", /^Basic /);
      const form = new URLSearchParams(token.body);
      assert.equal(form.get("grant_type"), "authorization_code");
      assert.ok((form.get("code_verifier") ?? "").length >= 43);
      assert.equal(form.get("client_secret"), null);
      assert.deepEqual(fake.clientAuth, ["basic"]);
    });

    await t.step("the session shows the person's own devices", async () => {
      const res = await app.request("/devices", { cookie: session });
      assert.equal(res.status, 200);
      const html = await res.text();
      assert.match(html, /Your devices/);
      assert.match(html, /green@example.com/);
    });

    await t.step("a second sign-in reuses discovery and the cached keys", async () => {
      const res = await signIn(app);
      assert.equal(res.status, 303);
      assert.equal(fake.requests.filter((r) => r.path === "/jwks").length, 1);
      assert.equal(
        fake.requests.filter((r) => r.path === "/.well-known/openid-configuration").length,
        1,
      );
    });
  } finally {
    await close();
  }
});

Deno.test("OIDC sign-in refuses bad ID tokens with a plain reason, no session and no token shown", async (t) => {
  const { app, fake, close } = await setUp();
  const cases: {
    name: string;
    status: number;
    reason: RegExp;
    arrange: () => void;
  }[] = [
    {
      name: "wrong signature",
      status: 401,
      reason: /signature is not valid/,
      arrange: () => fake.signing = "wrong-key",
    },
    {
      name: "alg none",
      status: 401,
      reason: /unsigned or signed with a method this site does not accept/,
      arrange: () => fake.signing = "none",
    },
    {
      name: "HS256 signed with the client secret",
      status: 401,
      reason: /unsigned or signed with a method this site does not accept/,
      arrange: () => fake.signing = "hs256",
    },
    {
      name: "wrong audience",
      status: 401,
      reason: /issued for a different application/,
      arrange: () => fake.tamper = (c) => ({ ...c, aud: "another-app" }),
    },
    {
      name: "several audiences without azp",
      status: 401,
      reason: /issued for a different application/,
      arrange: () => fake.tamper = (c) => ({ ...c, aud: [fake.clientId, "another-app"] }),
    },
    {
      name: "wrong issuer",
      status: 401,
      reason: /issued by a different provider/,
      arrange: () => fake.tamper = (c) => ({ ...c, iss: "https://evil.example" }),
    },
    {
      name: "expired",
      status: 401,
      reason: /has expired/,
      arrange: () =>
        fake.tamper = (c) => ({ ...c, iat: Number(c.iat) - 7200, exp: Number(c.iat) - 3600 }),
    },
    {
      name: "missing nonce",
      status: 401,
      reason: /does not belong to this sign-in attempt/,
      arrange: () =>
        fake.tamper = (c) => {
          const { nonce: _nonce, ...rest } = c;
          return rest;
        },
    },
    {
      name: "another sign-in's nonce",
      status: 401,
      reason: /does not belong to this sign-in attempt/,
      arrange: () => fake.tamper = (c) => ({ ...c, nonce: "nonce-of-another-attempt" }),
    },
    {
      name: "unverified email",
      status: 403,
      reason: /email address is not verified/,
      arrange: () => fake.user = { email: "green@example.com", email_verified: false },
    },
    {
      name: "email of a domain that is not allowed",
      status: 403,
      reason: /Accounts from gmail\.com cannot sign in here/,
      arrange: () => fake.user = { email: "green@gmail.com", email_verified: true },
    },
    {
      name: "no email claim",
      status: 403,
      reason: /did not share a valid email address/,
      arrange: () => fake.user = { sub: "12345" },
    },
    {
      name: "no email_verified claim",
      status: 403,
      reason: /did not confirm that your email address is verified/,
      arrange: () => fake.user = { email: "green@example.com" },
    },
    {
      name: 'email_verified as the string "true" (not the boolean)',
      status: 403,
      reason: /email address is not verified/,
      arrange: () => fake.tamper = (c) => ({ ...c, email_verified: "true" }),
    },
  ];
  try {
    for (const c of cases) {
      await t.step(c.name, async () => {
        fake.signing = "good";
        fake.tamper = null;
        fake.user = { email: "green@example.com", email_verified: true };
        c.arrange();
        const res = await signIn(app);
        const html = await res.text();
        assert.equal(res.status, c.status);
        assert.match(html, /Sign-in failed/);
        assert.match(html, c.reason);
        assert.ok(!html.includes("eyJ"), "no token in the page");
        assert.ok(!/\bat [^ ]+\.ts:\d+/.test(html), "no stack trace");
        assert.equal(cookieNamed(res, "stethoscope_session"), undefined);
      });
    }
  } finally {
    await close();
  }
});

Deno.test("OIDC callback refuses a wrong state, a missing or stale pending sign-in, provider errors and a failing token endpoint", async (t) => {
  const { app, fake, close } = await setUp();
  try {
    await t.step("an iss that is not the configured issuer (RFC 9207 mix-up)", async () => {
      const res = await signIn(app, {
        spoilCallback: (p) => `${p}&iss=${encodeURIComponent("https://evil.example")}`,
      });
      assert.equal(res.status, 401);
      assert.match(await res.text(), /did not come from the sign-in provider this site trusts/);
      assert.equal(cookieNamed(res, "stethoscope_session"), undefined);
    });
    await t.step("state that does not match the pending sign-in", async () => {
      const res = await signIn(app, {
        spoilCallback: (p) => p.replace(/state=[^&]+/, "state=forged-state"),
      });
      assert.equal(res.status, 401);
      assert.match(await res.text(), /does not match the sign-in you started/);
    });

    await t.step("callback without the pending cookie (login CSRF)", async () => {
      const start = await app.request("/auth/oidc/start");
      const callback = await authorize(start.headers.get("location")!);
      const res = await app.request(callback);
      assert.equal(res.status, 401);
      assert.match(await res.text(), /took too long or was started in another browser/);
      assert.equal(cookieNamed(res, "stethoscope_session"), undefined);
    });

    await t.step("a pending sign-in older than 10 minutes", async () => {
      const start = await app.request("/auth/oidc/start");
      const pending = cookieNamed(start, "stethoscope_oidc")!.split(";")[0]!;
      const callback = await authorize(start.headers.get("location")!);
      app.clock.now = new Date(app.clock.now.getTime() + 11 * 60_000);
      const res = await app.request(callback, { cookie: pending });
      assert.equal(res.status, 401);
      assert.match(await res.text(), /took too long/);
    });

    await t.step("a tampered pending cookie", async () => {
      const start = await app.request("/auth/oidc/start");
      const pending = cookieNamed(start, "stethoscope_oidc")!.split(";")[0]!;
      const callback = await authorize(start.headers.get("location")!);
      const [name, value] = pending.split("=") as [string, string];
      const forged = `${name}=${value.replace(/^./, (ch) => ch === "A" ? "B" : "A")}`;
      const res = await app.request(callback, { cookie: forged });
      assert.equal(res.status, 401);
    });

    await t.step("the provider reports access_denied", async () => {
      fake.authorizeError = "access_denied";
      const res = await signIn(app);
      fake.authorizeError = null;
      assert.equal(res.status, 403);
      assert.match(await res.text(), /did not allow the sign-in/);
    });

    await t.step("a hostile error parameter is not reflected", async () => {
      const res = await app.request(
        `/auth/oidc/callback?error=${encodeURIComponent("<script>alert(1)</script>")}&state=x`,
      );
      assert.equal(res.status, 401);
      const html = await res.text();
      assert.ok(!html.includes("<script>alert"));
      assert.match(html, /reported a problem \(unknown\)/);
    });

    await t.step("the token endpoint fails", async () => {
      fake.tokenStatus = 500;
      const res = await signIn(app);
      fake.tokenStatus = null;
      assert.equal(res.status, 401);
      assert.match(await res.text(), /did not confirm the sign-in/);
    });

    await t.step("a code used twice", async () => {
      const start = await app.request("/auth/oidc/start");
      const pending = cookieNamed(start, "stethoscope_oidc")!.split(";")[0]!;
      const callback = await authorize(start.headers.get("location")!);
      assert.equal((await app.request(callback, { cookie: pending })).status, 303);
      const again = await app.request(callback, { cookie: pending });
      assert.equal(again.status, 401);
    });
  } finally {
    await close();
  }
});

Deno.test("OIDC sign-in goes back only to paths on this site", async (t) => {
  const { app, close } = await setUp();
  try {
    for (
      const [next, expected] of <[string, string][]> [
        ["/activity?x=1", "/activity?x=1"],
        ["//evil.example/", "/"],
        ["https://evil.example/", "/"],
        ["/\\evil.example", "/"],
        ["/%0d%0aSet-Cookie:x=1", "/%0d%0aSet-Cookie:x=1"],
        ["/\r\nSet-Cookie: x=1", "/"],
      ]
    ) {
      await t.step(JSON.stringify(next), async () => {
        const res = await signIn(app, { next });
        assert.equal(res.status, 303);
        assert.equal(res.headers.get("location"), expected);
      });
    }
  } finally {
    await close();
  }
});

Deno.test("OIDC privileges come from PRIVILEGED_USERS or the groups claim", async (t) => {
  const { app, fake, close } = await setUp({ PRIVILEGED_USERS: ["Green@Example.com"] });
  try {
    const lookUp = async (session: string) =>
      (await app.request("/devices?email=user%40example.com", { cookie: session })).status;
    const sessionOf = (res: Response) =>
      (cookieNamed(res, "stethoscope_session") ?? "").split(";")[0]!;

    await t.step("a listed user (case-insensitive) may look up others", async () => {
      fake.user = { email: "green@example.com", email_verified: true };
      assert.equal(await lookUp(sessionOf(await signIn(app))), 200);
    });
    let member = "";
    await t.step("a member of a privileged group may look up others", async () => {
      fake.user = {
        email: "one-red@example.com",
        email_verified: true,
        groups: ["staff", "security-team"],
      };
      member = sessionOf(await signIn(app));
      assert.equal(await lookUp(member), 200);
    });
    await t.step("anyone else may not", async () => {
      fake.user = { email: "one-red@example.com", email_verified: true, groups: ["staff"] };
      assert.equal(await lookUp(sessionOf(await signIn(app))), 403);
    });
    await t.step("once the group leaves PRIVILEGED_GROUPS, the same session may not", async () => {
      const after = await startApp({ config: oidcConfig(fake, { PRIVILEGED_GROUPS: [] }) });
      try {
        const res = await after.request("/devices?email=user%40example.com", { cookie: member });
        await res.body?.cancel();
        assert.equal(res.status, 403);
      } finally {
        await after.close();
      }
    });
  } finally {
    await close();
  }
});

Deno.test("OIDC keys are fetched again when a token names an unknown kid a minute later (key rotation)", async () => {
  const { app, fake, close } = await setUp();
  // openid-client measures the keys' age on the real clock (Date.now): a minute passes here.
  const realNow = Date.now;
  try {
    assert.equal((await signIn(app)).status, 303);
    await fake.rotate();
    Date.now = () => realNow() + 61_000;
    const res = await signIn(app);
    assert.equal(res.status, 303);
    assert.equal(fake.requests.filter((r) => r.path === "/jwks").length, 2);
  } finally {
    Date.now = realNow;
    await close();
  }
});

Deno.test("OIDC keys are not fetched again for an unknown kid within the cooldown (no hammering)", async () => {
  const { app, fake, close } = await setUp();
  try {
    assert.equal((await signIn(app)).status, 303);
    await fake.rotate();
    const res = await signIn(app);
    assert.equal(res.status, 401);
    assert.match(await res.text(), /signed with a key the provider does not publish/);
    assert.equal(fake.requests.filter((r) => r.path === "/jwks").length, 1);
  } finally {
    await close();
  }
});

Deno.test("OIDC uses client_secret_post when the provider only supports it, and explicit endpoints skip discovery", async (t) => {
  await t.step("client_secret_post", async () => {
    const { app, fake, close } = await setUp({}, { authMethods: ["client_secret_post"] });
    try {
      assert.equal((await signIn(app)).status, 303);
      assert.deepEqual(fake.clientAuth, ["post"]);
      const token = fake.requests.find((r) => r.path === "/token")!;
      assert.equal(token.headers.get("authorization"), null);
    } finally {
      await close();
    }
  });
  await t.step("explicit endpoints", async () => {
    const fake = await startFakeOidc();
    const app = await startApp({
      config: oidcConfig(fake, {
        OIDC_AUTHORIZATION_URL: `${fake.url}/authorize`,
        OIDC_TOKEN_URL: `${fake.url}/token`,
        OIDC_JWKS_URL: `${fake.url}/jwks`,
      }),
    });
    fake.now = () => app.clock.now;
    try {
      assert.equal((await signIn(app)).status, 303);
      assert.equal(fake.requests.some((r) => r.path.startsWith("/.well-known")), false);
    } finally {
      await app.close();
      await fake.close();
    }
  });
});

Deno.test("OIDC routes answer 404 when OIDC is not configured, and an unreachable provider is a clear 502", async (t) => {
  await t.step("not configured", async () => {
    const app = await startApp();
    try {
      const res = await app.request("/auth/oidc/start");
      assert.equal(res.status, 404);
      await res.body?.cancel();
    } finally {
      await app.close();
    }
  });
  await t.step("provider down", async () => {
    const { app, fake } = await setUp();
    await fake.close();
    try {
      const res = await app.request("/auth/oidc/start");
      assert.equal(res.status, 502);
      assert.match(await res.text(), /cannot be reached right now/);
    } finally {
      await app.close();
    }
  });
  const badKeys: [string, string][] = [
    ["keys endpoint answers 404", "/no-such-jwks"],
    ["keys endpoint answers something that is not a key set", "/.well-known/openid-configuration"],
  ];
  for (const [name, path] of badKeys) {
    await t.step(name, async () => {
      const fake = await startFakeOidc();
      const app = await startApp({
        config: oidcConfig(fake, {
          OIDC_AUTHORIZATION_URL: `${fake.url}/authorize`,
          OIDC_TOKEN_URL: `${fake.url}/token`,
          OIDC_JWKS_URL: `${fake.url}${path}`,
        }),
      });
      fake.now = () => app.clock.now;
      try {
        const res = await signIn(app);
        assert.equal(res.status, 502);
        assert.match(
          await res.text(),
          /cannot be reached right now \(keys answered unexpectedly\)/,
        );
      } finally {
        await app.close();
        await fake.close();
      }
    });
  }
});

Deno.test("OIDC_EMAIL_VERIFIED_CLAIM: another claim (Entra ID's xms_edov) or false for a provider that sends none", async (t) => {
  const cases: [string, Record<string, unknown>, Record<string, unknown>, number][] = [
    ["xms_edov true", { OIDC_EMAIL_VERIFIED_CLAIM: "xms_edov" }, { xms_edov: true }, 303],
    ["xms_edov false", { OIDC_EMAIL_VERIFIED_CLAIM: "xms_edov" }, { xms_edov: false }, 403],
    ["xms_edov missing", { OIDC_EMAIL_VERIFIED_CLAIM: "xms_edov" }, {}, 403],
    ["false: no claim needed", { OIDC_EMAIL_VERIFIED_CLAIM: false }, {}, 303],
    ["false: email_verified false still refused", { OIDC_EMAIL_VERIFIED_CLAIM: false }, {
      email_verified: false,
    }, 403],
  ];
  for (const [name, setting, claims, status] of cases) {
    await t.step(name, async () => {
      const { app, fake, close } = await setUp(setting);
      try {
        fake.user = { email: "green@example.com" };
        fake.tamper = (c) => ({ ...c, ...claims });
        const res = await signIn(app);
        await res.body?.cancel();
        assert.equal(res.status, status);
      } finally {
        await close();
      }
    });
  }
});

Deno.test("OIDC pending sign-in is single-use: a second callback with the same cookie is refused", async (t) => {
  const { app, close } = await setUp();
  try {
    const start = await app.request("/auth/oidc/start?next=%2Fdevices");
    const pending = cookieNamed(start, "stethoscope_oidc")!.split(";")[0]!;
    const authorizeUrl = start.headers.get("location")!;
    await t.step("the first callback signs in", async () => {
      const first = await app.request(await authorize(authorizeUrl), { cookie: pending });
      await first.body?.cancel();
      assert.equal(first.status, 303);
    });
    await t.step("a fresh code for the same state, nonce and PKCE set is refused", async () => {
      // The provider answers the same authorization request again (a replayed or second tab).
      const again = await app.request(await authorize(authorizeUrl), { cookie: pending });
      const html = await again.text();
      assert.equal(again.status, 401);
      assert.match(html, /This sign-in was already used\. Start again from the sign-in page\./);
      assert.equal(cookieNamed(again, "stethoscope_session"), undefined);
    });
    await t.step("and a new sign-in works", async () => {
      const res = await signIn(app);
      await res.body?.cancel();
      assert.equal(res.status, 303);
    });
  } finally {
    await close();
  }
});
