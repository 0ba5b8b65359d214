/**
 * ID-token checks (OpenID Connect Core §3.1.3.7): the signature against the provider's JWKS, the
 * issuer, audience, times and nonce, then the email rules (oidc_rules.ts). The key set is jose's
 * `createRemoteJWKSet`: cached for an hour, fetched again when a token names a key it does not
 * hold (key rotation) at most once per cooldown (30 s) so random `kid`s cannot make us hammer the
 * provider, and concurrent fetches shared; its fetches go through `boundedFetch` (no redirects, a
 * size limit). Changes when what makes an ID token acceptable does.
 *
 * @module
 */
import { createRemoteJWKSet, customFetch, jwtVerify } from "jose";
import type { Config } from "../config/schema.ts";
import { CACHE_MS, type ProviderMetadata } from "./oidc_discovery.ts";
import { boundedFetch, PROVIDER_TIMEOUT_MS } from "./oidc_fetch.ts";
import { identityOf, type OidcIdentity, OidcRefused, tokenProblem } from "./oidc_rules.ts";

/** Signature algorithms accepted for ID tokens (asymmetric only: never `none`, never HS*). */
export const ID_TOKEN_ALGORITHMS = [
  "RS256",
  "RS384",
  "RS512",
  "PS256",
  "PS384",
  "PS512",
  "ES256",
  "ES384",
  "ES512",
  "EdDSA",
];

/** The least time between two JWKS fetches caused by an unknown `kid`. */
const JWKS_COOLDOWN_MS = 30_000;
const CLOCK_TOLERANCE_S = 60;

/** Verifies ID tokens of one provider (see {@link idTokenVerifier}). */
export type IdTokenVerifier = (
  meta: ProviderMetadata,
  idToken: string,
  params: { nonce: string; now: Date },
) => Promise<OidcIdentity>;

/**
 * A verifier of the configured client's ID tokens, holding the provider's key set (a new one if
 * discovery moves the JWKS).
 *
 * @param config `OIDC_CLIENT_ID` (the audience) and the email rules' keys
 * @param options `jwksCooldownMs`: the least time between two key fetches for an unknown `kid`
 *   (30 s; tests set 0)
 * @returns the verifier: the person's identity, or an {@link OidcRefused} — 401 for a bad
 *   signature, issuer, audience, time, nonce or email; 502 when the keys cannot be fetched
 */
export function idTokenVerifier(
  config: Config,
  options: { jwksCooldownMs?: number } = {},
): IdTokenVerifier {
  const clientId = config.OIDC_CLIENT_ID;
  let jwks: { uri: string; keys: ReturnType<typeof createRemoteJWKSet> } | null = null;

  /** jose's remote key set for `uri` (a new one if discovery moved the JWKS). */
  function keySet(uri: string): ReturnType<typeof createRemoteJWKSet> {
    if (jwks?.uri !== uri) {
      jwks = {
        uri,
        keys: createRemoteJWKSet(new URL(uri), {
          timeoutDuration: PROVIDER_TIMEOUT_MS,
          cooldownDuration: options.jwksCooldownMs ?? JWKS_COOLDOWN_MS,
          cacheMaxAge: CACHE_MS,
          [customFetch]: boundedFetch,
        }),
      };
    }
    return jwks.keys;
  }

  return async function verify(meta, idToken, { nonce, now }) {
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(idToken, keySet(meta.jwks_uri), {
        algorithms: ID_TOKEN_ALGORITHMS,
        issuer: meta.issuer,
        audience: clientId!,
        currentDate: now,
        clockTolerance: CLOCK_TOLERANCE_S,
        requiredClaims: ["exp", "iat", "sub"],
      }));
    } catch (error: unknown) {
      throw tokenProblem(error);
    }
    const refuse401 = (code: string, reason: string) => new OidcRefused(401, code, reason);
    if (typeof payload.nonce !== "string" || payload.nonce !== nonce) {
      throw refuse401(
        "nonce_mismatch",
        "The sign-in token does not belong to this sign-in attempt. Start again from the sign-in page.",
      );
    }
    if (Array.isArray(payload.aud) && payload.aud.length > 1 && payload.azp !== clientId) {
      throw refuse401(
        "wrong_audience",
        "The sign-in token was issued for a different application, not this site.",
      );
    }
    return identityOf(payload, config);
  };
}
