/**
 * The sign-in checked before employees use it (`check-config --online`, `connectivity`): the
 * provider's discovery document (its issuer printed next to `OIDC_ISSUER`, Entra's `{tenantid}`
 * template explained), its key set, and its token endpoint asked to redeem a code that does not
 * exist with our client's credentials — a provider that accepts the credentials answers
 * `invalid_grant`, one that refuses them `invalid_client`, so a wrong `OIDC_CLIENT_SECRET` is found
 * here rather than by the first person who signs in. Each failure names the host:port and the
 * cause (DNS, refused, TLS, timeout, HTTP status). Kept apart from `connectivity.ts` (plugins) and
 * wired by one call each. Changes when what a working sign-in needs does.
 *
 * @module
 */
import type { Config } from "../config/schema.ts";
import {
  discoverProvider,
  probeTokenEndpoint,
  type ProviderMetadata,
} from "../routes/signin/oidc_client.ts";
import { signInProblem, TENANT_HINT } from "../routes/signin/oidc_errors.ts";
import { PROVIDER_TIMEOUT_MS, providerFetch } from "../routes/signin/oidc_fetch.ts";
import { OidcRefused } from "../routes/signin/oidc_rules.ts";

/** What the check found: `ok`, and the lines to print (each starts with `oidc: `). */
export interface OidcCheck {
  ok: boolean;
  lines: string[];
}

/**
 * Checks the configured OpenID provider online. Nothing is checked (and `ok`) when
 * `LOGIN_MANAGER` is not `"oidc"`.
 *
 * @param config the app configuration
 * @returns the verdict and its lines, e.g. `oidc: issuer ok: http://127.0.0.1:4000 (discovered
 *   the same)`, `oidc: keys ok: 1 key from 127.0.0.1:4000`, `oidc: token endpoint ok:
 *   127.0.0.1:4000 accepts the client's credentials`, or `oidc: FAILED: …` lines
 */
export async function checkOidc(config: Config): Promise<OidcCheck> {
  if (config.LOGIN_MANAGER !== "oidc" || !config.OIDC_ISSUER || !config.OIDC_CLIENT_ID) {
    return { ok: true, lines: [] };
  }
  const lines: string[] = [];
  const fail = (line: string): OidcCheck => ({
    ok: false,
    lines: [...lines, `oidc: FAILED: ${line}`],
  });
  let meta: ProviderMetadata;
  try {
    meta = await discoverProvider(config);
  } catch (error: unknown) {
    const refused = signInProblem(error, "discovery");
    if (refused.code === "discovery_issuer_mismatch") {
      lines.push(`oidc: OIDC_ISSUER is         ${refused.detail.configured}`);
      lines.push(`oidc: discovery says issuer ${refused.detail.discovered}`);
      return fail(
        refused.detail.hint ??
          'the provider\'s discovery document names another issuer: set OIDC_ISSUER to the issuer it names (ID tokens carry it as "iss")',
      );
    }
    return fail(`discovery ${where(discoveryUrl(config.OIDC_ISSUER))}: ${cause(refused)}`);
  }
  const explicit = config.OIDC_AUTHORIZATION_URL && config.OIDC_TOKEN_URL && config.OIDC_JWKS_URL;
  lines.push(
    explicit
      ? `oidc: issuer ${config.OIDC_ISSUER} (endpoints set explicitly; discovery not used)`
      : `oidc: issuer ok: OIDC_ISSUER ${config.OIDC_ISSUER}, discovered ${meta.issuer}`,
  );
  if (/\{tenantid\}/i.test(config.OIDC_ISSUER)) return fail(TENANT_HINT);

  try {
    const answer = await providerFetch("keys", meta.jwks_uri)(meta.jwks_uri, {
      method: "GET",
      headers: { accept: "application/json" },
      body: undefined,
      redirect: "manual",
      signal: AbortSignal.timeout(PROVIDER_TIMEOUT_MS),
    });
    const keys = ((await answer.json()) as { keys: unknown[] }).keys.length;
    lines.push(`oidc: keys ok: ${keys} key${keys === 1 ? "" : "s"} from ${where(meta.jwks_uri)}`);
    if (keys === 0) return fail(`keys: ${where(meta.jwks_uri)} publishes no key`);
  } catch (error: unknown) {
    return fail(`keys ${where(meta.jwks_uri)}: ${cause(signInProblem(error, "keys"))}`);
  }

  const refused = await probeTokenEndpoint(config, meta);
  const token = `token endpoint ${where(meta.token_endpoint)}`;
  if (refused === null) return fail(`${token} redeemed a code that does not exist`);
  const { status, error: code, error_description: text } = refused.detail;
  const answer = `HTTP ${status}${code ? ` ${code}` : ""}${text ? `: ${text}` : ""}`;
  if (refused.code === "sign_in_misconfigured") {
    return fail(
      `${token} refused the client's credentials (${answer}); check OIDC_CLIENT_ID and OIDC_CLIENT_SECRET`,
    );
  }
  if (refused.code !== "token_exchange_failed") return fail(`${token}: ${cause(refused)}`);
  if (code !== "invalid_grant") return fail(`${token}: answered ${answer}`);
  lines.push(
    `oidc: token endpoint ok: ${
      where(meta.token_endpoint)
    } accepts the client's credentials (a made-up code: HTTP ${status} ${code})`,
  );
  return { ok: true, lines };
}

/** The discovery document's URL for an issuer (OpenID Connect Discovery 1.0 §4). */
function discoveryUrl(issuer: string): string {
  return `${issuer.replace(/\/+$/, "")}/.well-known/openid-configuration`;
}

/** `host:port` of a URL (the scheme's default port written out). */
function where(url: string): string {
  const u = new URL(url);
  return `${u.hostname}:${u.port || (u.protocol === "https:" ? "443" : "80")}`;
}

/** The cause of a refusal in an operator's words. */
function cause(refused: OidcRefused): string {
  const d = refused.detail;
  if (d.cause) return d.cause;
  if (d.status) return `HTTP ${d.status}${d.error ? ` ${d.error}` : ""}`;
  return refused.message.replace(/^The sign-in provider /, "").replace(/ Try again.*$/, "");
}

/**
 * Runs {@link checkOidc} and prints its lines (`check-config --online`).
 *
 * @param config the app configuration
 * @param print where the lines go
 * @returns the exit code: 0 when the sign-in works (or is not OIDC), 1 otherwise
 */
export async function printOidcCheck(
  config: Config,
  print: (text: string) => void,
): Promise<number> {
  const { ok, lines } = await checkOidc(config);
  if (lines.length > 0) print(lines.join("\n") + "\n");
  return ok ? 0 : 1;
}

/**
 * Adds the sign-in check to `connectivity`'s results when `LOGIN_MANAGER` is `"oidc"`.
 *
 * @param config the app configuration
 * @param results the lines so far (the check's lines are appended)
 * @param checks checks so far
 * @param failed failures so far
 * @returns the counts with the sign-in check in them
 */
export async function withOidc(
  config: Config,
  results: string[],
  checks: number,
  failed: number,
): Promise<{ checks: number; failed: number }> {
  const { ok, lines } = await checkOidc(config);
  if (lines.length === 0) return { checks, failed };
  results.push(...lines);
  return { checks: checks + 1, failed: failed + (ok ? 0 : 1) };
}
