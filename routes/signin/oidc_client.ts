/**
 * The OpenID provider as the routes see it, on `openid-client` (panva's certified relying-party
 * library): discovery (or the explicit `OIDC_*_URL` endpoints), the authorization URL with PKCE,
 * and the code exchange with every ID-token check (signature against the provider's JWKS, issuer,
 * audience and `azp`, times, nonce). Ours here: which client authentication to use, the app's
 * clock, the discovery cache, the HTTP rules of every call to the provider (oidc_fetch.ts), and
 * refusing a discovered issuer that is not the configured one. The email rules and the plain words
 * of each refusal are in oidc_rules.ts. Changes when what the routes ask of the provider does.
 *
 * @module
 */
import * as oidc from "openid-client";
import type { Config } from "../../config/schema.ts";
import { PROVIDER_TIMEOUT_MS, providerFetch } from "./oidc_fetch.ts";
import { issuerMismatch, signInProblem } from "./oidc_errors.ts";
import { identityOf, type OidcIdentity, OidcRefused, trimSlash } from "./oidc_rules.ts";

export { randomNonce, randomPKCECodeVerifier, randomState } from "openid-client";

/** The provider's endpoints (discovered, or from the `OIDC_*_URL` keys). */
export type ProviderMetadata = oidc.ServerMetadata & {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  jwks_uri: string;
};

/** The path the provider sends the browser back to (the redirect URI's path). */
export const CALLBACK_PATH = "/auth/oidc/callback";

/** How long discovery is trusted before being fetched again (the keys: openid-client's 5 min). */
export const CACHE_MS = 60 * 60_000;
/** Seconds of clock difference tolerated on the ID token's `exp` and `nbf`. */
const CLOCK_TOLERANCE_S = 60;
/** ID-token signature algorithms accepted with explicit endpoints (asymmetric only). */
const ID_TOKEN_ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256"];

/** What the routes need from the provider. */
export interface OidcClient {
  /** The endpoints (discovery is fetched once and cached for {@link CACHE_MS}). */
  metadata(): Promise<ProviderMetadata>;
  /** The provider URL to send the browser to (PKCE S256 challenge of `verifier`). */
  authorizationUrl(params: {
    state: string;
    nonce: string;
    verifier: string;
    redirectUri: string;
  }): Promise<URL>;
  /**
   * Exchanges the callback's code, verifies the ID token and applies the email rules.
   * `callback` is the provider's redirect back (its query: `code`, `state`, maybe `iss`).
   */
  signIn(callback: URLSearchParams, params: {
    state: string;
    nonce: string;
    verifier: string;
    redirectUri: string;
    now: Date;
  }): Promise<OidcIdentity>;
}

/**
 * The provider's endpoints for `config.OIDC_ISSUER`: the `OIDC_AUTHORIZATION_URL`,
 * `OIDC_TOKEN_URL` and `OIDC_JWKS_URL` keys when all three are set (nothing fetched), else
 * discovery (OpenID Connect Discovery 1.0 §4) by openid-client, an explicit key overriding the
 * discovered endpoint. The discovered `issuer` must be the configured one (trailing slashes
 * aside): Entra's multi-tenant `…/common/v2.0` discovers `…/{tenantid}/v2.0` and is refused.
 *
 * @param config the app configuration (`OIDC_ISSUER`, `OIDC_*_URL`)
 * @returns the endpoints
 * @throws {OidcRefused} 502 `provider_unreachable` when discovery cannot be reached or answers
 *   unexpectedly; 502 `discovery_issuer_mismatch` (with both issuers in `detail`)
 */
export async function discoverProvider(config: Config): Promise<ProviderMetadata> {
  const issuer = config.OIDC_ISSUER!;
  const explicit = {
    ...(config.OIDC_AUTHORIZATION_URL
      ? { authorization_endpoint: config.OIDC_AUTHORIZATION_URL }
      : {}),
    ...(config.OIDC_TOKEN_URL ? { token_endpoint: config.OIDC_TOKEN_URL } : {}),
    ...(config.OIDC_JWKS_URL ? { jwks_uri: config.OIDC_JWKS_URL } : {}),
  };
  if (Object.keys(explicit).length === 3) {
    return {
      issuer,
      id_token_signing_alg_values_supported: ID_TOKEN_ALGORITHMS,
      ...explicit,
    } as ProviderMetadata;
  }
  let discovered: oidc.ServerMetadata;
  try {
    const found = await oidc.discovery(
      new URL(issuer),
      config.OIDC_CLIENT_ID!,
      undefined,
      undefined,
      {
        [oidc.customFetch]: providerFetch("discovery"),
        timeout: PROVIDER_TIMEOUT_MS / 1000,
        ...(issuer.startsWith("http:") ? { execute: [oidc.allowInsecureRequests] } : {}),
      },
    );
    discovered = found.serverMetadata();
  } catch (error: unknown) {
    const body = sameIssuerButSlash(error, issuer);
    if (!body) throw signInProblem(error, "discovery");
    discovered = body;
  }
  if (trimSlash(discovered.issuer) !== trimSlash(issuer)) {
    throw issuerMismatch(issuer, discovered.issuer);
  }
  const meta = { ...discovered, ...explicit } as ProviderMetadata;
  for (const key of ["authorization_endpoint", "token_endpoint", "jwks_uri"] as const) {
    if (typeof meta[key] !== "string") throw signInProblem(new Error(`no ${key}`), "discovery");
  }
  return meta;
}

/**
 * openid-client refuses a discovered issuer that differs from the configured one by a trailing
 * slash on a path (`…/v2.0/` vs `…/v2.0`), which this app has always accepted: the discovered
 * metadata then, else `null`.
 */
function sameIssuerButSlash(error: unknown, issuer: string): oidc.ServerMetadata | null {
  const cause = error as { code?: unknown; cause?: { attribute?: unknown; body?: unknown } };
  if (cause?.code !== "OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED") return null;
  const body = cause.cause?.body as oidc.ServerMetadata | undefined;
  if (cause.cause?.attribute !== "issuer" || typeof body?.issuer !== "string") return null;
  if (trimSlash(body.issuer) !== trimSlash(issuer)) throw issuerMismatch(issuer, body.issuer);
  return body;
}

/**
 * One sign-in's openid-client configuration: the client authentication the provider supports
 * (`client_secret_basic`, else `client_secret_post`, else none without a secret), the app's clock
 * (`now`, as openid-client's clock skew), the HTTP rules of oidc_fetch.ts, ID-token signatures
 * checked against the JWKS, and the keys fetched before (`keys`).
 *
 * @param config `OIDC_CLIENT_ID`, `OIDC_CLIENT_SECRET`
 * @param meta the provider's endpoints
 * @param options `now`: the app's time; `keys`: openid-client's exported key cache, if any
 * @returns the configuration for openid-client's grant functions
 */
export function providerConfiguration(
  config: Config,
  meta: ProviderMetadata,
  options: { now: Date; keys?: oidc.ExportedJWKSCache | undefined },
): oidc.Configuration {
  const secret = config.OIDC_CLIENT_SECRET;
  const methods = meta.token_endpoint_auth_methods_supported;
  const auth = secret === undefined
    ? oidc.None()
    : !methods || methods.includes("client_secret_basic")
    ? oidc.ClientSecretBasic(secret)
    : oidc.ClientSecretPost(secret);
  const cfg = new oidc.Configuration(meta, config.OIDC_CLIENT_ID!, {
    [oidc.clockSkew]: Math.round((options.now.getTime() - Date.now()) / 1000),
    [oidc.clockTolerance]: CLOCK_TOLERANCE_S,
  }, auth);
  cfg[oidc.customFetch] = providerFetch("token endpoint", meta.jwks_uri);
  cfg.timeout = PROVIDER_TIMEOUT_MS / 1000;
  if ([meta.token_endpoint, meta.jwks_uri].some((u) => u.startsWith("http:"))) {
    oidc.allowInsecureRequests(cfg);
  }
  // openid-client trusts the TLS channel to the token endpoint for the ID token's origin (OIDC
  // Core §3.1.3.7 step 6 allows it); this app checks its signature against the JWKS as well.
  oidc.enableNonRepudiationChecks(cfg);
  if (options.keys) oidc.setJwksCache(cfg, options.keys);
  return cfg;
}

/**
 * Creates the client for the configured provider. Nothing is fetched until the first sign-in.
 *
 * @param config the app configuration (`LOGIN_MANAGER` "oidc")
 * @returns the client
 * @throws {TypeError} without `OIDC_ISSUER` or `OIDC_CLIENT_ID`
 * @example With explicit endpoints (nothing fetched): the RFC 7636 appendix B challenge
 * ```ts
 * import assert from "node:assert/strict";
 * import { demoConfig } from "../../config/demo.ts";
 * import { createOidcClient } from "./oidc_client.ts";
 * const id = "https://id.example.com";
 * const client = createOidcClient({
 *   ...demoConfig(), LOGIN_MANAGER: "oidc", OIDC_ISSUER: id, OIDC_CLIENT_ID: "stethoscope",
 *   OIDC_AUTHORIZATION_URL: `${id}/authorize`, OIDC_TOKEN_URL: `${id}/token`,
 *   OIDC_JWKS_URL: `${id}/jwks`,
 * });
 * const url = await client.authorizationUrl({
 *   state: "s", nonce: "n", verifier: "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk",
 *   redirectUri: "https://stethoscope.example.com/auth/oidc/callback",
 * });
 * assert.equal(url.origin + url.pathname, `${id}/authorize`);
 * assert.equal(url.searchParams.get("code_challenge"), "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
 * ```
 */
export function createOidcClient(config: Config): OidcClient {
  const issuer = config.OIDC_ISSUER;
  const clientId = config.OIDC_CLIENT_ID;
  if (issuer === undefined || clientId === undefined) {
    throw new TypeError('OIDC_ISSUER and OIDC_CLIENT_ID are required when LOGIN_MANAGER is "oidc"');
  }
  let cached: { value: ProviderMetadata; at: number } | null = null;
  /** The JWKS openid-client fetched, carried from one sign-in's configuration to the next. */
  let keys: oidc.ExportedJWKSCache | undefined;

  async function metadata(): Promise<ProviderMetadata> {
    if (cached && Date.now() - cached.at < CACHE_MS) return cached.value;
    const value = await discoverProvider(config);
    cached = { value, at: Date.now() };
    return value;
  }

  return {
    metadata,

    async authorizationUrl({ state, nonce, verifier, redirectUri }) {
      const meta = await metadata();
      const url = new URL(meta.authorization_endpoint);
      url.searchParams.set("response_type", "code");
      url.searchParams.set("client_id", clientId);
      url.searchParams.set("redirect_uri", redirectUri);
      url.searchParams.set("scope", [...new Set(["openid", ...config.OIDC_SCOPES])].join(" "));
      url.searchParams.set("state", state);
      url.searchParams.set("nonce", nonce);
      url.searchParams.set("code_challenge", await oidc.calculatePKCECodeChallenge(verifier));
      url.searchParams.set("code_challenge_method", "S256");
      return url;
    },

    async signIn(callback, { state, nonce, verifier, redirectUri, now }) {
      const cfg = providerConfiguration(config, await metadata(), { now, keys });
      const current = new URL(redirectUri);
      for (const [k, v] of callback) current.searchParams.append(k, v);
      let claims: Record<string, unknown> | undefined;
      try {
        const tokens = await oidc.authorizationCodeGrant(cfg, current, {
          expectedState: state,
          expectedNonce: nonce,
          pkceCodeVerifier: verifier,
        });
        claims = tokens.claims();
      } catch (error: unknown) {
        throw signInProblem(error, "token endpoint", config.OIDC_CLIENT_SECRET);
      } finally {
        keys = oidc.getJwksCache(cfg) ?? keys;
      }
      if (!claims) {
        throw new OidcRefused(
          401,
          "no_id_token",
          "The sign-in provider sent no sign-in token. Try again.",
        );
      }
      return identityOf(claims, config);
    },
  };
}

/**
 * The host name shown on the sign-in button ("Sign in with accounts.example.com"): the host of
 * `OIDC_ISSUER`, else of `OIDC_AUTHORIZATION_URL`, else words for an unnamed provider.
 *
 * @param config the app configuration
 * @returns a host name, or "your organisation's sign-in"
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { providerName } from "./oidc_client.ts";
 * assert.equal(providerName({ OIDC_ISSUER: "https://accounts.example.com/" }), "accounts.example.com");
 * assert.equal(providerName({}), "your organisation's sign-in");
 * ```
 */
export function providerName(
  config: Pick<Config, "OIDC_ISSUER" | "OIDC_AUTHORIZATION_URL">,
): string {
  try {
    return new URL(config.OIDC_ISSUER ?? config.OIDC_AUTHORIZATION_URL ?? "").host;
  } catch {
    return "your organisation's sign-in";
  }
}

/**
 * Asks the token endpoint to redeem a code that does not exist, with the client's credentials as
 * a sign-in sends them (`check-config --online`): a provider that accepts the credentials answers
 * `invalid_grant`, one that refuses them `invalid_client` (RFC 6749 §5.2).
 *
 * @param config `OIDC_CLIENT_ID`, `OIDC_CLIENT_SECRET`, `PUBLIC_ORIGIN`
 * @param meta the provider's endpoints
 * @returns the refusal the provider's answer maps to (see oidc_errors.ts), or `null` if the
 *   made-up code was redeemed
 */
export async function probeTokenEndpoint(
  config: Config,
  meta: ProviderMetadata,
): Promise<OidcRefused | null> {
  const cfg = providerConfiguration(config, meta, { now: new Date() });
  try {
    await oidc.genericGrantRequest(cfg, "authorization_code", {
      code: "stethoscope-check-config-not-a-code",
      redirect_uri: new URL(CALLBACK_PATH, config.PUBLIC_ORIGIN ?? "http://localhost").href,
      code_verifier: "stethoscope-check-config-not-a-verifier-0000000000",
    });
    return null;
  } catch (error: unknown) {
    return signInProblem(error, "token endpoint", config.OIDC_CLIENT_SECRET);
  }
}
