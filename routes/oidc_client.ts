/**
 * The OpenID Connect provider as the routes see it: one client putting together discovery (or
 * explicit endpoints, oidc_discovery.ts), the authorization URL (here), the code-for-token
 * exchange (oidc_token.ts) and ID-token verification against the provider's JWKS
 * (oidc_id_token.ts). Changes when what the routes ask of the provider does.
 *
 * Every failure is an `OidcRefused` with plain words for the person; token contents are never
 * part of a message. The email rules and the words for each refusal are in oidc_rules.ts.
 *
 * Why not `openid-client` (npm, by jose's author) for the rest: it runs under Deno and completes
 * this flow against `oidc-provider` (checked with 6.8.9), but what is left here is thin glue
 * (discovery, one URL, one form POST) while the cryptography is already jose's; the library checks
 * times against the real clock only (tests here inject one) and reports protocol error codes that
 * would each need mapping back to the plain words above. Worth adopting once we need userinfo,
 * refresh tokens, `private_key_jwt`, DPoP or logout. tests/routes/oidc_certified_test.ts runs the
 * sign-in against the certified `oidc-provider`, which is the conformance check instead.
 *
 * @module
 */
import type { Config } from "../config/schema.ts";
import { type ProviderMetadata, providerMetadata } from "./oidc_discovery.ts";
import { idTokenVerifier } from "./oidc_id_token.ts";
import type { OidcIdentity } from "./oidc_rules.ts";
import { exchangeCode } from "./oidc_token.ts";

/** What the routes need from the provider. */
export interface OidcClient {
  /** The endpoints (discovery is fetched once and cached). */
  metadata(): Promise<ProviderMetadata>;
  /** The provider URL to send the browser to. */
  authorizationUrl(params: {
    state: string;
    nonce: string;
    challenge: string;
    redirectUri: string;
  }): Promise<URL>;
  /** Exchanges the code for an ID token (the compact JWT, not yet verified). */
  exchange(code: string, params: { verifier: string; redirectUri: string }): Promise<string>;
  /** Verifies the ID token and applies the email rules. */
  verify(idToken: string, params: { nonce: string; now: Date }): Promise<OidcIdentity>;
}

/**
 * Creates the client for the configured provider. Nothing is fetched until the first sign-in.
 *
 * @param config the app configuration (`LOGIN_MANAGER` "oidc")
 * @param options `jwksCooldownMs`: the least time between two key fetches for an unknown `kid`
 * @returns the client
 * @throws {TypeError} without `OIDC_ISSUER` or `OIDC_CLIENT_ID`
 * @example
 * ```ts
 * import type { Config } from "../config/schema.ts";
 * import { createOidcClient } from "./oidc_client.ts";
 * declare const config: Config;
 * const client = createOidcClient(config);
 * const url = await client.authorizationUrl({
 *   state: "s",
 *   nonce: "n",
 *   challenge: "c",
 *   redirectUri: "https://stethoscope.example.com/auth/oidc/callback",
 * });
 * ```
 */
export function createOidcClient(
  config: Config,
  options: { jwksCooldownMs?: number } = {},
): OidcClient {
  const issuer = config.OIDC_ISSUER;
  const clientId = config.OIDC_CLIENT_ID;
  if (issuer === undefined || clientId === undefined) {
    throw new TypeError('OIDC_ISSUER and OIDC_CLIENT_ID are required when LOGIN_MANAGER is "oidc"');
  }
  const metadata = providerMetadata(config, issuer);
  const verify = idTokenVerifier(config, options);

  return {
    metadata,

    async authorizationUrl({ state, nonce, challenge, redirectUri }) {
      const meta = await metadata();
      const url = new URL(meta.authorization_endpoint);
      url.searchParams.set("response_type", "code");
      url.searchParams.set("client_id", clientId);
      url.searchParams.set("redirect_uri", redirectUri);
      url.searchParams.set("scope", [...new Set(["openid", ...config.OIDC_SCOPES])].join(" "));
      url.searchParams.set("state", state);
      url.searchParams.set("nonce", nonce);
      url.searchParams.set("code_challenge", challenge);
      url.searchParams.set("code_challenge_method", "S256");
      return url;
    },

    async exchange(code, params) {
      return await exchangeCode(await metadata(), config, code, params);
    },

    async verify(idToken, params) {
      return await verify(await metadata(), idToken, params);
    },
  };
}
