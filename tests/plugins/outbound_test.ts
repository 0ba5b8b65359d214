/**
 * The outbound rules of `plugins/outbound.ts` (issue 22), each against loopback servers: schemes,
 * redirects (a 307 from a token endpoint to another loopback port that records what reaches it),
 * answer ceilings on endless bodies, and redaction of secrets echoed by an upstream.
 *
 * @module
 */
import assert from "node:assert/strict";
import { outbound, OutboundError, outboundFetch } from "../../plugins/outbound.ts";
import { createGraphClient } from "../../plugins/sources/intune/graph.ts";
import { createJamfAuth } from "../../plugins/sources/jamf_auth.ts";
import { createReleaseService } from "../../plugins/releases/mod.ts";
import { ReleaseDataSchema } from "../../config/schema.ts";
import { silentLogger } from "../../config/log.ts";
import { type FakeServer, json, startFake } from "../fakes/server.ts";

/** A server that answers every request with a 307 to `target` (path kept). */
function redirecting(target: () => string, status = 307): FakeServer {
  return startFake((req) =>
    new Response(null, { status, headers: { Location: `${target()}${req.path}` } })
  );
}

/** A body that never ends: 64 KiB chunks of `x` until the reader stops. */
function endless(): Response {
  const chunk = new TextEncoder().encode("x".repeat(65_536));
  return new Response(new ReadableStream({ pull: (c) => c.enqueue(chunk) }), {
    headers: { "Content-Type": "application/json" },
  });
}

Deno.test("a token request answered 307 to another origin is not re-sent there", async (t) => {
  const other = startFake(() => json({ access_token: "stolen", expires_in: 3600 }));
  const login = redirecting(() => other.url);
  try {
    await t.step("Intune's token endpoint", async () => {
      const graph = createGraphClient({
        graphUrl: `${login.url}/v1.0`,
        loginUrl: login.url,
        tenantId: "planetexpress.onmicrosoft.com",
        clientId: "intune-client",
        clientSecret: "intune-secret-value",
        timeoutMs: 5000,
        now: () => new Date("2026-12-07T09:00:00Z"),
      });
      await assert.rejects(graph.token(new AbortController().signal), (error: Error) => {
        assert.ok(error instanceof OutboundError);
        assert.equal(error.status, 307);
        assert.match(error.message, /redirects to another origin are not followed/);
        return true;
      });
    });
    await t.step("Jamf Pro's /api/oauth/token", async () => {
      const auth = createJamfAuth({
        serverUrl: login.url,
        timeoutMs: 5000,
        credentials: { kind: "client", clientId: "jamf-client", clientSecret: "jamf-secret-value" },
      });
      await assert.rejects(
        auth.authorization(new AbortController().signal),
        /answered HTTP 307 to http:\/\/127\.0\.0\.1:\d+\/api\/oauth\/token; redirects to another origin/,
      );
    });
    await t.step("a bearer GET (credentials in a header)", async () => {
      await assert.rejects(
        outbound("source", `${login.url}/devices`, {
          headers: { Authorization: "Bearer the-bearer-token" },
        }, { allowHttp: true }).then((r) => r.text()),
        /redirects to another origin are not followed/,
      );
    });
    assert.deepEqual(other.requests, [], "the other origin received nothing");
  } finally {
    await login.close();
    await other.close();
  }
});

Deno.test("a credentialed POST is not re-sent even within its origin; a GET follows there", async () => {
  let hits = 0;
  const server = startFake((req) => {
    hits++;
    if (req.path === "/token" || req.path === "/list") {
      return new Response(null, { status: 307, headers: { Location: "/moved" + req.path } });
    }
    return json({ path: req.path, auth: req.headers.get("Authorization") });
  });
  try {
    await assert.rejects(
      outbound("token", `${server.url}/token`, {
        method: "POST",
        body: new URLSearchParams({ client_secret: "sekret-value" }),
      }, { allowHttp: true }),
      /a request with credentials is not re-sent/,
    );
    assert.equal(hits, 1);
    const answer = await outbound("source", `${server.url}/list`, {
      headers: { Authorization: "Bearer same-origin-token" },
    }, { allowHttp: true });
    assert.deepEqual(await answer.json(), {
      path: "/moved/list",
      auth: "Bearer same-origin-token",
    });
  } finally {
    await server.close();
  }
});

Deno.test("redirects within one origin stop after 3; release feeds follow none", async () => {
  const server = startFake((req) => {
    const n = Number(req.url.searchParams.get("n") ?? "0");
    return n < 10
      ? new Response(null, { status: 302, headers: { Location: `/loop?n=${n + 1}` } })
      : json({ n });
  });
  try {
    await assert.rejects(
      outbound("source", `${server.url}/loop?n=0`, {}, { allowHttp: true, name: "LANDESK" }),
      /^OutboundError: LANDESK: http:\/\/127\.0\.0\.1:\d+\/loop answered HTTP 302 to .*; more than 3 redirects/,
    );
    assert.equal(server.requests.length, 4);
    const ok = await outbound("source", `${server.url}/loop?n=8`, {}, { allowHttp: true });
    assert.deepEqual(await ok.json(), { n: 10 });
    await assert.rejects(
      outbound("feed", `${server.url}/loop?n=9`, {}, { allowHttp: true, name: "SOFA" }),
      /SOFA: .* answered HTTP 302 .*; release feeds follow no redirect/,
    );
  } finally {
    await server.close();
  }
});

Deno.test("outbound() takes https: always, http: only when a setting names it, never file:", async () => {
  await assert.rejects(
    outbound("feed", "file:///etc/hostname", {}, { allowHttp: true, name: "SOFA" }),
    {
      name: "OutboundError",
      message: "SOFA: refused the file: URL file:///etc/hostname; only https: or http: is used",
    },
  );
  await assert.rejects(
    outbound("oidc", "http://127.0.0.1:9/.well-known/openid-configuration", {}),
    /refused the http: URL http:\/\/127\.0\.0\.1:9\/\.well-known\/openid-configuration; only https: is used/,
  );
  await assert.rejects(outbound("sink", "data:text/plain,hi", {}), /refused the data: URL/);
});

Deno.test("an endless answer is cut at the kind's ceiling with a clear error", async (t) => {
  const server = startFake(() => endless());
  try {
    await t.step("a token answer stops at 64 KiB", async () => {
      const answer = await outbound("token", `${server.url}/token`, { method: "POST" }, {
        allowHttp: true,
        name: "Intune token endpoint",
      });
      await assert.rejects(answer.json(), {
        name: "OutboundError",
        message:
          "Intune token endpoint: the answer is larger than 65536 bytes, the limit; not read",
      });
    });
    await t.step(
      "a declared Content-Length over the ceiling is refused before reading",
      async () => {
        server.fail({ kind: "huge", bytes: 70_000, declared: true });
        await assert.rejects(
          outbound("health", `${server.url}/health`, {}, { allowHttp: true, name: "feedback" }),
          /feedback: the answer is larger than 65536 bytes, the limit; not read/,
        );
      },
    );
    await t.step("the Intune token exchange names the ceiling", async () => {
      server.fail(null);
      const graph = createGraphClient({
        graphUrl: `${server.url}/v1.0`,
        loginUrl: server.url,
        tenantId: "t",
        clientId: "c",
        clientSecret: "intune-secret-value",
        timeoutMs: 5000,
        now: () => new Date("2026-12-07T09:00:00Z"),
      });
      await assert.rejects(
        graph.token(new AbortController().signal),
        /Intune token endpoint: the answer is larger than 65536 bytes/,
      );
    });
  } finally {
    await server.close();
  }
});

Deno.test("a token endpoint that echoes the client secret does not put it in the error", async () => {
  const secret = "Xq8~intune.secret-VALUE_42";
  const server = startFake((req) => {
    const sent = new URLSearchParams(req.body).get("client_secret");
    return json({
      error: `invalid_client: secret ${sent} is wrong`,
      error_description: `AADSTS7000215: Invalid client secret provided: ${sent}`,
      error_codes: [7000215],
    }, 401);
  });
  try {
    const graph = createGraphClient({
      graphUrl: `${server.url}/v1.0`,
      loginUrl: server.url,
      tenantId: "t",
      clientId: "c",
      clientSecret: secret,
      timeoutMs: 5000,
      now: () => new Date("2026-12-07T09:00:00Z"),
    });
    const error = await graph.token(new AbortController().signal).catch((e: Error) => e);
    assert.ok(error instanceof Error);
    assert.equal(error.message.includes(secret), false, error.message);
    assert.match(
      error.message,
      /HTTP 401, invalid_client: secret REDACTED is wrong, AADSTS7000215/,
    );
  } finally {
    await server.close();
  }
});

Deno.test("outboundFetch() holds a library's requests to the same rules", async () => {
  const other = startFake(() => json({ keys: [] }));
  const provider = redirecting(() => other.url, 302);
  try {
    const libraryFetch = outboundFetch("oidc", { allowHttp: true, name: "OpenID provider" });
    await assert.rejects(
      libraryFetch(new Request(`${provider.url}/jwks`)),
      /OpenID provider: .* answered HTTP 302 to http:\/\/127\.0\.0\.1:\d+\/jwks; redirects to another origin/,
    );
    assert.deepEqual(other.requests, []);
    const direct = await libraryFetch(`${other.url}/jwks`, {
      headers: { Accept: "application/json" },
    });
    assert.deepEqual(await direct.json(), { keys: [] });
  } finally {
    await provider.close();
    await other.close();
  }
});

Deno.test("release feeds refuse file: URLs and redirects (each feed names why)", async () => {
  const moved = startFake((req) =>
    new Response(null, { status: 301, headers: { Location: `/v2${req.path}` } })
  );
  try {
    const releases = createReleaseService({
      config: ReleaseDataSchema.parse({
        SOFA_MACOS_URL: "file:///etc/passwd",
        SOFA_IOS_URL: `${moved.url}/ios.json`,
        ENDOFLIFE_URL: `${moved.url}/api`,
        ENDOFLIFE_PRODUCTS: ["windows"],
      }),
      store: { releaseFeed: () => Promise.resolve(null), putReleaseFeed: () => Promise.resolve() },
      log: silentLogger,
      retries: 0,
    });
    const failed = await releases.refresh();
    assert.deepEqual(failed.map((f) => [f.name, f.error]), [
      [
        "sofa:macOS",
        "SOFA: refused the file: URL file:///etc/passwd; only https: or http: is used",
      ],
      [
        "sofa:iOS",
        `SOFA: ${moved.url}/ios.json answered HTTP 301 to ${moved.url}/v2/ios.json; release feeds ` +
        "follow no redirect: set the URL the upstream redirects to",
      ],
      [
        "endoflife:windows",
        `endoflife.date: ${moved.url}/api/windows.json answered HTTP 301 to ` +
        `${moved.url}/v2/api/windows.json; release feeds follow no redirect: set the URL the ` +
        "upstream redirects to",
      ],
    ]);
    assert.equal(moved.requests.length, 2, "one request per feed, no follow-up");
  } finally {
    await moved.close();
  }
});
