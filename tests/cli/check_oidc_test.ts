/**
 * `check-config --online` and `connectivity` check the sign-in before employees use it, against
 * the certified `oidc-provider` on loopback: a working provider, a wrong issuer (and Entra's
 * `{tenantid}` template), a closed port and a wrong client secret, each with its exact lines.
 *
 * @module
 */
import assert from "node:assert/strict";
import { checkOidc } from "../../cli/check_oidc.ts";
import { parseConfig } from "../../config/load.ts";
import type { Config } from "../../config/schema.ts";
import { type CertifiedProvider, startCertifiedProvider } from "../fakes/oidc_provider.ts";
import { runMain } from "../support/run_main.ts";

const REDIRECT = "http://localhost/auth/oidc/callback";

function oidcConfig(issuer: string, extra: Record<string, unknown> = {}): Config {
  return parseConfig({
    PLUGINS: { demo: {} },
    SECRET_KEY: "a-session-secret-of-at-least-32-bytes!!",
    JWT_SECRET_KEY: "an-api-token-secret-of-at-least-32-bytes",
    LOGIN_MANAGER: "oidc",
    OIDC_ISSUER: issuer,
    OIDC_CLIENT_ID: "stethoscope",
    OIDC_CLIENT_SECRET: "a-client-secret-for-the-certified-provider",
    ...extra,
  }, { env: () => undefined });
}

/** Runs `fn` with a certified provider (optionally calling itself `issuer`). */
async function withProvider(
  fn: (op: CertifiedProvider, hostPort: string) => Promise<void>,
  issuer?: string,
): Promise<void> {
  const op = await startCertifiedProvider({ redirectUri: REDIRECT, ...(issuer ? { issuer } : {}) });
  try {
    // The provider's own issuer may be another URL: the host:port it listens on is the server's.
    const hostPort = new URL(op.url).host;
    await fn(op, hostPort);
  } finally {
    await op.close();
  }
}

const providerTest = (name: string, fn: () => Promise<void>) =>
  // oidc-provider keeps timers and sockets of its own between requests.
  Deno.test({ name, sanitizeOps: false, sanitizeResources: false, fn });

providerTest(
  "check --online: a working provider prints both issuers, the keys and the token endpoint",
  async () => {
    await withProvider(async (op, at) => {
      assert.deepEqual(await checkOidc(oidcConfig(op.url)), {
        ok: true,
        lines: [
          `oidc: issuer ok: OIDC_ISSUER ${op.url}, discovered ${op.url}`,
          `oidc: keys ok: 1 key from ${at}`,
          `oidc: token endpoint ok: ${at} accepts the client's credentials (a made-up code: HTTP 400 invalid_grant)`,
        ],
      });
    });
  },
);

providerTest("check --online: a wrong issuer prints both values", async () => {
  await withProvider(async (op) => {
    const port = new URL(op.url).port;
    // The provider calls itself https://sso.example.com; the operator wrote where it listens.
    assert.deepEqual(await checkOidc(oidcConfig(`http://127.0.0.1:${port}`)), {
      ok: false,
      lines: [
        `oidc: OIDC_ISSUER is         http://127.0.0.1:${port}`,
        "oidc: discovery says issuer https://sso.example.com",
        'oidc: FAILED: the provider\'s discovery document names another issuer: set OIDC_ISSUER to the issuer it names (ID tokens carry it as "iss")',
      ],
    });
  }, "https://sso.example.com");
});

providerTest("check --online: Entra's multi-tenant issuer template is explained", async () => {
  const template = "https://login.microsoftonline.com/{tenantid}/v2.0";
  await withProvider(async (op) => {
    const port = new URL(op.url).port;
    const result = await checkOidc(oidcConfig(`http://127.0.0.1:${port}/`));
    assert.equal(result.ok, false);
    assert.deepEqual(result.lines, [
      `oidc: OIDC_ISSUER is         http://127.0.0.1:${port}/`,
      `oidc: discovery says issuer ${template}`,
      "oidc: FAILED: Entra's multi-tenant endpoints (common, organizations) publish the issuer as a template with {tenantid}: every tenant's tokens would match it. Set OIDC_ISSUER to your tenant's issuer, https://login.microsoftonline.com/<your tenant id>/v2.0",
    ]);
  }, template);
});

providerTest("check --online: a closed port names host:port and the cause", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  assert.deepEqual(await checkOidc(oidcConfig(`http://127.0.0.1:${port}`)), {
    ok: false,
    lines: [`oidc: FAILED: discovery 127.0.0.1:${port}: connection refused`],
  });
});

providerTest("check --online: a wrong client secret is found before anyone signs in", async () => {
  await withProvider(async (op, at) => {
    const config = oidcConfig(op.url, {
      OIDC_CLIENT_SECRET: "a-wrong-client-secret-someone-pasted",
    });
    const result = await checkOidc(config);
    assert.deepEqual(result, {
      ok: false,
      lines: [
        `oidc: issuer ok: OIDC_ISSUER ${op.url}, discovered ${op.url}`,
        `oidc: keys ok: 1 key from ${at}`,
        `oidc: FAILED: token endpoint ${at} refused the client's credentials (HTTP 401 invalid_client: client authentication failed); check OIDC_CLIENT_ID and OIDC_CLIENT_SECRET`,
      ],
    });
    assert.ok(!JSON.stringify(result).includes("a-wrong-client-secret"));
  });
});

/** Runs main() with what it prints to stdout and stderr as one text. */
async function run(args: string[]): Promise<{ code: number; out: string }> {
  const { code, out, err } = await runMain(args);
  return { code, out: out + err };
}

providerTest(
  "main.ts check-config --online and connectivity exit 1 on a wrong secret, 0 when it works",
  async () => {
    await withProvider(async (op, at) => {
      const path = await Deno.makeTempFile({ suffix: ".json" });
      const write = (secret: string) =>
        Deno.writeTextFile(
          path,
          JSON.stringify({
            SECRET_KEY: "a-session-secret-of-at-least-32-bytes!!",
            JWT_SECRET_KEY: "an-api-token-secret-of-at-least-32-bytes",
            PLUGINS: { demo: {} },
            RELEASE_DATA: { FETCH: false },
            LOGIN_MANAGER: "oidc",
            OIDC_ISSUER: op.url,
            OIDC_CLIENT_ID: op.clientId,
            OIDC_CLIENT_SECRET: secret,
          }),
        );
      const refusedLine = `oidc: FAILED: token endpoint ${at} refused the client's credentials ` +
        "(HTTP 401 invalid_client: client authentication failed); check OIDC_CLIENT_ID and OIDC_CLIENT_SECRET\n";
      try {
        await write("a-wrong-client-secret-someone-pasted");
        const offline = await run(["check-config", "--config", path]);
        assert.equal(offline.code, 0, "without --online nothing is asked of the provider");
        assert.ok(!offline.out.includes("oidc:"));
        const online = await run(["check-config", "--online", "--config", path]);
        assert.equal(online.code, 1);
        assert.ok(online.out.endsWith(refusedLine), online.out);
        const conn = await run(["connectivity", "--config", path, "--plugins", "oidc"]);
        assert.equal(conn.code, 1);
        assert.ok(conn.out.includes(refusedLine), conn.out);

        await write(op.clientSecret);
        const ok = await run(["check-config", "--online", "--config", path]);
        assert.equal(ok.code, 0, ok.out);
        assert.ok(ok.out.endsWith(`(a made-up code: HTTP 400 invalid_grant)\n`), ok.out);
      } finally {
        await Deno.remove(path);
      }
    });
  },
);
