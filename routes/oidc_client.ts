/**
 * The OpenID Connect provider as this app sees it: discovery (or explicit endpoints), the
 * authorization URL, the code-for-token exchange and ID-token verification against the provider's
 * JWKS. The key set is jose's `createRemoteJWKSet`: cached for an hour, fetched again when a token
 * names a key it does not hold (key rotation) at most once per cooldown (30 s) so random `kid`s
 * cannot make us hammer the provider, and concurrent fetches shared; its fetches go through
 * {@link boundedFetch} (no redirects, a size limit).
 *
 * Every failure is an {@link OidcRefused} with plain words for the person; token contents are never
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
import { readBounded } from "../plugins/http_body.ts";
import { createRemoteJWKSet, customFetch, jwtVerify } from "jose";
import { z } from "zod";
import type { Config } from "../config/schema.ts";
import {
  checkResponseIssuer,
  identityOf,
  type OidcIdentity,
  OidcRefused,
  tokenProblem,
  trimSlash,
  unreachable,
} from "./oidc_rules.ts";
import { basicAuth } from "../lib/basic_auth.ts";
import { encodeBase64Url } from "../lib/base64url.ts";
import { sha256 } from "../lib/sha256.ts";

export { checkResponseIssuer, identityOf, type OidcIdentity, OidcRefused };

/** The provider's endpoints (discovered, or from the `OIDC_*_URL` keys). */
export interface ProviderMetadata {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  jwks_uri: string;
  token_endpoint_auth_methods_supported?: string[] | undefined;
  /** RFC 9207: the provider puts `iss` in its authorization responses. */
  authorization_response_iss_parameter_supported?: boolean | undefined;
}

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

const PROVIDER_TIMEOUT_MS = 10_000;
const MAX_BODY_BYTES = 256 * 1024;
/** How long discovery and the JWKS are trusted before being fetched again. */
const CACHE_MS = 60 * 60_000;
/** The least time between two JWKS fetches caused by an unknown `kid`. */
const JWKS_COOLDOWN_MS = 30_000;
const CLOCK_TOLERANCE_S = 60;

const Discovery = z.object({
  issuer: z.string().min(1),
  authorization_endpoint: z.url(),
  token_endpoint: z.url(),
  jwks_uri: z.url(),
  token_endpoint_auth_methods_supported: z.array(z.string()).optional(),
  authorization_response_iss_parameter_supported: z.boolean().optional(),
});

const TokenResponse = z.object({ id_token: z.string().min(1).max(16_384) });

/** GETs or POSTs to the provider and parses a bounded JSON answer. */
async function fetchJson(
  url: string,
  init: RequestInit,
  what: string,
): Promise<{ status: number; body: unknown }> {
  let response: Response;
  try {
    response = await fetch(url, {
      ...init,
      redirect: "error",
      signal: AbortSignal.timeout(PROVIDER_TIMEOUT_MS),
    });
  } catch {
    throw unreachable(what);
  }
  const text = await readBounded(response, MAX_BODY_BYTES);
  if (text === null) throw unreachable(`${what} answered too much`);
  try {
    return { status: response.status, body: JSON.parse(text) };
  } catch {
    return { status: response.status, body: undefined };
  }
}

/**
 * `fetch` for jose's remote key set: no redirects, at most {@link MAX_BODY_BYTES}, and a failure
 * to connect or an oversized answer as the plain-words 502 of an unreachable provider.
 */
async function boundedFetch(url: string, init: RequestInit): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url, { ...init, redirect: "error" });
  } catch {
    throw unreachable("keys");
  }
  const text = await readBounded(response, MAX_BODY_BYTES);
  if (text === null) throw unreachable("keys answered too much");
  return new Response(text, { status: response.status, headers: response.headers });
}

/**
 * The `Authorization: Basic` value of RFC 6749 §2.3.1 (id and secret form-encoded first).
 *
 * @param id the client id
 * @param secret the client secret
 * @returns the header value
 * @example
 * ```ts
 * clientBasicAuth("app", "s3cret"); // "Basic YXBwOnMzY3JldA=="
 * ```
 */
export function clientBasicAuth(id: string, secret: string): string {
  const enc = (s: string) => encodeURIComponent(s).replace(/%20/g, "+");
  return basicAuth(enc(id), enc(secret));
}

/** The S256 PKCE challenge of a verifier (RFC 7636 §4.2). */
export async function pkceChallenge(verifier: string): Promise<string> {
  return encodeBase64Url(await sha256(verifier));
}

/** Random URL-safe text from the system's secure source (`bytes` of entropy). */
export function randomUrlToken(bytes = 32): string {
  return encodeBase64Url(crypto.getRandomValues(new Uint8Array(bytes)));
}

/**
 * Creates the client for the configured provider. Nothing is fetched until the first sign-in.
 *
 * @param config the app configuration (`LOGIN_MANAGER` "oidc")
 * @returns the client
 * @example
 * ```ts
 * import type { Config } from "../config/schema.ts";
 * declare const config: Config;
 * const client = createOidcClient(config);
 * const url = await client.authorizationUrl({
 *   state: randomUrlToken(),
 *   nonce: randomUrlToken(),
 *   challenge: await pkceChallenge(randomUrlToken()),
 *   redirectUri: "https://steth.example.com/auth/oidc/callback",
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
  let discovered: { value: ProviderMetadata; at: number } | null = null;
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

  async function metadata(): Promise<ProviderMetadata> {
    const explicit = {
      authorization_endpoint: config.OIDC_AUTHORIZATION_URL,
      token_endpoint: config.OIDC_TOKEN_URL,
      jwks_uri: config.OIDC_JWKS_URL,
    };
    if (explicit.authorization_endpoint && explicit.token_endpoint && explicit.jwks_uri) {
      return { issuer: issuer!, ...explicit } as ProviderMetadata;
    }
    if (discovered && Date.now() - discovered.at < CACHE_MS) return discovered.value;
    const url = `${trimSlash(issuer!)}/.well-known/openid-configuration`;
    const { status, body } = await fetchJson(
      url,
      { headers: { Accept: "application/json" } },
      "discovery",
    );
    const parsed = Discovery.safeParse(body);
    if (status !== 200 || !parsed.success) throw unreachable("discovery answered unexpectedly");
    if (trimSlash(parsed.data.issuer) !== trimSlash(issuer!)) {
      throw new OidcRefused(
        502,
        "discovery_issuer_mismatch",
        "The sign-in provider describes itself as a different issuer than configured. An operator needs to check OIDC_ISSUER.",
      );
    }
    const value: ProviderMetadata = {
      ...parsed.data,
      issuer: parsed.data.issuer,
      authorization_endpoint: explicit.authorization_endpoint ?? parsed.data.authorization_endpoint,
      token_endpoint: explicit.token_endpoint ?? parsed.data.token_endpoint,
      jwks_uri: explicit.jwks_uri ?? parsed.data.jwks_uri,
    };
    discovered = { value, at: Date.now() };
    return value;
  }

  return {
    metadata,

    async authorizationUrl({ state, nonce, challenge, redirectUri }) {
      const meta = await metadata();
      const url = new URL(meta.authorization_endpoint);
      url.searchParams.set("response_type", "code");
      url.searchParams.set("client_id", clientId!);
      url.searchParams.set("redirect_uri", redirectUri);
      url.searchParams.set("scope", [...new Set(["openid", ...config.OIDC_SCOPES])].join(" "));
      url.searchParams.set("state", state);
      url.searchParams.set("nonce", nonce);
      url.searchParams.set("code_challenge", challenge);
      url.searchParams.set("code_challenge_method", "S256");
      return url;
    },

    async exchange(code, { verifier, redirectUri }) {
      const meta = await metadata();
      const form = new URLSearchParams({
        grant_type: "authorization_code",
        code,
        redirect_uri: redirectUri,
        code_verifier: verifier,
      });
      const headers: Record<string, string> = {
        "Content-Type": "application/x-www-form-urlencoded",
        Accept: "application/json",
      };
      const secret = config.OIDC_CLIENT_SECRET;
      const methods = meta.token_endpoint_auth_methods_supported;
      if (secret === undefined) {
        form.set("client_id", clientId!);
      } else if (!methods || methods.includes("client_secret_basic")) {
        headers.Authorization = clientBasicAuth(clientId!, secret);
      } else {
        form.set("client_id", clientId!);
        form.set("client_secret", secret);
      }
      const { status, body } = await fetchJson(
        meta.token_endpoint,
        { method: "POST", headers, body: form },
        "token endpoint",
      );
      const parsed = TokenResponse.safeParse(body);
      if (status !== 200 || !parsed.success) {
        throw new OidcRefused(
          401,
          "token_exchange_failed",
          "The sign-in provider did not confirm the sign-in (the code could not be exchanged for a token). Try again.",
        );
      }
      return parsed.data.id_token;
    },

    async verify(idToken, { nonce, now }) {
      const meta = await metadata();
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
    },
  };
}
