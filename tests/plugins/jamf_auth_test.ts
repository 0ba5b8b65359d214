/**
 * Over 300 lines: one test per token path Jamf documents (account, API client, renewal, 401,
 * pre-10.35 Basic, refusals), all against the same fake and setup().
 *
 * Jamf Pro tokens (plugins/sources/jamf_auth.ts) against the fake Jamf Pro 11.5+ server: account
 * and API-client tokens, sharing, renewal, refusals worded by what was refused.
 *
 * @module
 */
import assert from "node:assert/strict";
import { silentLogger } from "../../config/log.ts";
import type { Store } from "../../engine/core/store_ports.ts";
import { AuthError, createHttpClient } from "../../plugins/http.ts";
import jamf from "../../plugins/sources/jamf.ts";
import { createJamfAuth, jamfRequest } from "../../plugins/sources/jamf_auth.ts";
import { jamfServerUrl } from "../../plugins/sources/jamf_credentials.ts";
import type { PluginInstance } from "../../plugins/plugin.ts";
import {
  type FakeJamf,
  type FakeJamfOptions,
  JAMF_ACCOUNT,
  JAMF_API_CLIENT,
  JAMF_CLIENT_ID,
  JAMF_CLIENT_SECRET,
  JAMF_PASSWORD,
  JAMF_USER,
  startFakeJamf,
} from "../fakes/jamf.ts";
import { basicAuth } from "../../lib/basic_auth.ts";

const EMAIL = "fry@planetexpress.com";
const signal = () => new AbortController().signal;
const ACCOUNT = JAMF_ACCOUNT;
const CLIENT = JAMF_API_CLIENT;

async function setup(
  credentials: Record<string, string>,
  options: FakeJamfOptions & { now?: () => Date } = {},
): Promise<{ fake: FakeJamf; plugin: PluginInstance }> {
  const fake = await startFakeJamf(options);
  const config = jamf.schema.parse({ ...credentials, JAMF_API_HOSTADDR: fake.hostaddr });
  const plugin = await jamf.create(config, {
    name: "jamf",
    timeoutMs: 5000,
    log: silentLogger,
    store: {} as Store,
    now: options.now ?? (() => new Date()),
    demo: false,
  });
  return { fake, plugin };
}

const tokenRequests = (fake: FakeJamf) =>
  fake.requests.filter((r) => r.method === "POST").map((r) => r.url.pathname);
const classicAuth = (fake: FakeJamf) =>
  fake.requests.filter((r) => r.url.pathname.startsWith("/JSSResource/"))
    .map((r) => r.headers.get("authorization"));

Deno.test("jamf account: one token from /api/v1/auth/token, shared by concurrent lookups", async () => {
  const { fake, plugin } = await setup(ACCOUNT);
  try {
    const results = await Promise.all(
      [1, 2, 3, 4].map(() => plugin.devicesByEmail!(EMAIL, { signal: signal() })),
    );
    assert.deepEqual(results.map((r) => r.length), [2, 2, 2, 2]);
    assert.deepEqual(tokenRequests(fake), ["/api/v1/auth/token"]);
    const token = fake.requests[0]!;
    assert.equal(
      token.headers.get("authorization"),
      basicAuth(JAMF_USER, JAMF_PASSWORD),
    );
    assert.deepEqual(new Set(classicAuth(fake)), new Set([`Bearer ${fake.issued[0]}`]));
    assert.equal(classicAuth(fake).length, 12);
  } finally {
    await fake.close();
  }
});

Deno.test("jamf API client: form-encoded client_credentials at /api/oauth/token, then Bearer", async () => {
  const { fake, plugin } = await setup(CLIENT);
  try {
    await plugin.checkConnectivity!({ signal: signal() });
    const [token, classic] = fake.requests;
    assert.equal(token!.url.pathname, "/api/oauth/token");
    assert.equal(token!.headers.get("content-type"), "application/x-www-form-urlencoded");
    assert.deepEqual(Object.fromEntries(new URLSearchParams(token!.body)), {
      client_id: JAMF_CLIENT_ID,
      client_secret: JAMF_CLIENT_SECRET,
      grant_type: "client_credentials",
    });
    assert.equal(token!.headers.get("authorization"), null);
    assert.equal(classic!.url.pathname, "/JSSResource/jssuser");
    assert.equal(classic!.headers.get("authorization"), `Bearer ${fake.issued[0]}`);
  } finally {
    await fake.close();
  }
});

Deno.test("jamf token is renewed shortly before it expires, not on every call", async (t) => {
  let at = Date.now();
  const { fake, plugin } = await setup(CLIENT, { now: () => new Date(at) });
  const lookup = () => plugin.devicesBySerial!("DECAFBAD00", { signal: signal() });
  try {
    await lookup();
    await t.step("reused 239 s into a 300 s token", async () => {
      at += 239_000;
      await lookup();
      assert.equal(fake.issued.length, 1);
    });
    await t.step("renewed 241 s in (60 s before expiry)", async () => {
      at += 2_000;
      await lookup();
      assert.equal(fake.issued.length, 2);
      assert.equal(classicAuth(fake).at(-1), `Bearer ${fake.issued[1]}`);
    });
  } finally {
    await fake.close();
  }
});

Deno.test("jamf renews once after an unexpected 401, and stops there", async (t) => {
  const { fake, plugin } = await setup(ACCOUNT);
  const lookup = () => plugin.devicesBySerial!("DECAFBAD00", { signal: signal() });
  try {
    await lookup();
    await t.step("a revoked token is replaced and the call succeeds", async () => {
      fake.revokeTokens();
      const [device] = await lookup();
      assert.equal(device?.serial, "DECAFBAD00");
      assert.equal(fake.issued.length, 2);
    });
    await t.step(
      "a server that refuses fresh tokens too gets one renewal, then an error",
      async () => {
        fake.refuseClassic("all");
        const before = fake.requests.length;
        await assert.rejects(lookup(), {
          name: "AuthError",
          message: "JAMF refused a fresh bearer token of account api-reader from " +
            "/api/v1/auth/token for GET /computers/serialnumber/DECAFBAD00 (HTTP 401): the " +
            "credentials were accepted, so the server refuses this request itself (API access " +
            "or Basic-only endpoint)",
        });
        assert.deepEqual(fake.requests.slice(before).map((r) => `${r.method} ${r.url.pathname}`), [
          "GET /JSSResource/computers/serialnumber/DECAFBAD00",
          "POST /api/v1/auth/token",
          "GET /JSSResource/computers/serialnumber/DECAFBAD00",
        ]);
      },
    );
  } finally {
    await fake.close();
  }
});

Deno.test("jamf token request is not cancelled by the caller who started it", async () => {
  const fake = await startFakeJamf();
  const auth = createJamfAuth({
    serverUrl: jamfServerUrl(fake.hostaddr),
    credentials: { kind: "account", username: JAMF_USER, password: JAMF_PASSWORD },
    timeoutMs: 5000,
  });
  try {
    const first = new AbortController();
    const a = auth.authorization(first.signal);
    const b = auth.authorization(signal());
    first.abort(new Error("the first page was closed"));
    await assert.rejects(a, { message: "the first page was closed" });
    assert.equal(await b, `Bearer ${fake.issued[0]}`);
    assert.deepEqual(tokenRequests(fake), ["/api/v1/auth/token"]);
  } finally {
    await fake.close();
  }
});

Deno.test("jamf before 10.35 (no token endpoint): Basic, and the endpoint is asked only once", async () => {
  const { fake, plugin } = await setup(ACCOUNT, { tokenEndpoints: false });
  try {
    await plugin.devicesByEmail!(EMAIL, { signal: signal() });
    await plugin.devicesByEmail!(EMAIL, { signal: signal() });
    assert.deepEqual(tokenRequests(fake), ["/api/v1/auth/token"]);
    assert.deepEqual(
      new Set(classicAuth(fake)),
      new Set([basicAuth(JAMF_USER, JAMF_PASSWORD)]),
    );
  } finally {
    await fake.close();
  }
});

Deno.test("jamf refusals say what the server refused, and never leak a secret", async (t) => {
  const cases: {
    name: string;
    credentials: Record<string, string>;
    fake?: FakeJamfOptions;
    refuse?: "privilege";
    message: string;
    secret: string;
  }[] = [
    {
      name: "wrong API client secret",
      credentials: { ...CLIENT, JAMF_CLIENT_SECRET: "not-the-secret" },
      message: "JAMF refused the API client at POST /api/oauth/token (HTTP 401); check " +
        "JAMF_CLIENT_ID and JAMF_CLIENT_SECRET, and that the API client is enabled in Jamf Pro",
      secret: "not-the-secret",
    },
    {
      name: "wrong account password",
      credentials: { ...ACCOUNT, JAMF_API_PASSWORD: "wrong-pass" },
      message: "JAMF refused the account at POST /api/v1/auth/token (HTTP 401); check " +
        "JAMF_API_USERNAME and JAMF_API_PASSWORD, or configure an API client (JAMF_CLIENT_ID, " +
        "JAMF_CLIENT_SECRET)",
      secret: "wrong-pass",
    },
    {
      name: "API client on a server older than 10.49",
      credentials: CLIENT,
      fake: { tokenEndpoints: false },
      message: "JAMF has no API client endpoint (POST /api/oauth/token answered 404): API " +
        "clients need Jamf Pro 10.49 or later; on an older server configure JAMF_API_USERNAME " +
        "and JAMF_API_PASSWORD",
      secret: JAMF_CLIENT_SECRET,
    },
    {
      name: "Basic refused by a server without token endpoint",
      credentials: { ...ACCOUNT, JAMF_API_PASSWORD: "wrong-pass" },
      fake: { tokenEndpoints: false },
      message: "JAMF refused Basic authentication for GET /jssuser (HTTP 401) and the server " +
        "has no token endpoint (/api/v1/auth/token answered 404): check JAMF_API_USERNAME and " +
        "JAMF_API_PASSWORD; if Basic authentication is turned off on this server, configure " +
        "an API client",
      secret: "wrong-pass",
    },
    {
      name: "a token endpoint that refuses API access is not a password problem",
      credentials: ACCOUNT,
      fake: { tokenForbidden: true },
      message: "JAMF accepted the account but refused it a token at POST /api/v1/auth/token " +
        "(HTTP 403): give it API access in Jamf Pro (an API role, or an account privilege set " +
        "allowing the API)",
      secret: JAMF_PASSWORD,
    },
    {
      name: "a missing privilege is not a password problem",
      credentials: CLIENT,
      refuse: "privilege",
      message: "JAMF accepted the credentials but refused GET /jssuser (HTTP 403): the account " +
        "or API client lacks a privilege this needs (Read Computers, Read Users)",
      secret: JAMF_CLIENT_SECRET,
    },
  ];
  for (const c of cases) {
    await t.step(c.name, async () => {
      const { fake, plugin } = await setup(c.credentials, c.fake ?? {});
      try {
        if (c.refuse) fake.refuseClassic(c.refuse);
        const error = await plugin.checkConnectivity!({ signal: signal() }).then(
          () => assert.fail("connectivity succeeded"),
          (e: unknown) => e,
        );
        assert.ok(error instanceof AuthError || error instanceof Error);
        assert.equal((error as Error).message, c.message);
        assert.ok(!(error as Error).message.includes(c.secret));
        if (c.name.endsWith("not a password problem")) {
          assert.ok(!(error as Error).message.includes("PASSWORD"), "no password hint");
        }
      } finally {
        await fake.close();
      }
    });
  }
});

Deno.test("jamfRequest() sends no Authorization of the client's own", async () => {
  const fake = await startFakeJamf({ basicClassic: true });
  try {
    const auth = createJamfAuth({
      serverUrl: jamfServerUrl(`${fake.hostaddr}/`),
      credentials: { kind: "client", clientId: JAMF_CLIENT_ID, clientSecret: JAMF_CLIENT_SECRET },
      timeoutMs: null,
    });
    const http = createHttpClient({ name: "JAMF", baseUrl: fake.hostaddr, timeoutMs: 5000 });
    const answer = await jamfRequest(http, auth, {
      method: "GET",
      path: "/jssuser",
      signal: signal(),
    });
    assert.deepEqual(answer.body, { user: { name: JAMF_USER, privileges: ["Read Computers"] } });
    assert.equal(auth.describe(), "bearer token of API client from /api/oauth/token");
  } finally {
    await fake.close();
  }
});

Deno.test("jamf config takes exactly one credential pair and says which is wrong", async (t) => {
  const host = { JAMF_API_HOSTADDR: "https://example.jamfcloud.com/JSSResource" };
  const problems = (config: Record<string, string>) => {
    const parsed = jamf.schema.safeParse({ ...host, ...config });
    return parsed.success
      ? []
      : parsed.error.issues.map((i) => `${i.path.join(".") || "(section)"}: ${i.message}`);
  };
  await t.step("an API client alone is accepted (RW-01's config)", () => {
    assert.deepEqual(problems({ JAMF_CLIENT_ID: "abc", JAMF_CLIENT_SECRET: "def" }), []);
  });
  await t.step("both pairs", () => {
    assert.deepEqual(problems({ ...ACCOUNT, ...CLIENT }), [
      "(section): give either JAMF_API_USERNAME and JAMF_API_PASSWORD (a Jamf Pro account) or " +
      "JAMF_CLIENT_ID and JAMF_CLIENT_SECRET (an API client), not both",
    ]);
  });
  await t.step("neither pair", () => {
    assert.deepEqual(problems({}), [
      "(section): JAMF credentials are missing: give JAMF_CLIENT_ID and JAMF_CLIENT_SECRET " +
      "(an API client, Jamf Pro 10.49+) or JAMF_API_USERNAME and JAMF_API_PASSWORD",
    ]);
  });
  await t.step("half a pair", () => {
    assert.deepEqual(problems({ JAMF_CLIENT_ID: "abc" }), [
      "JAMF_CLIENT_SECRET: required with JAMF_CLIENT_ID",
    ]);
  });
});
