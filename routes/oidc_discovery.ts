/**
 * The OpenID provider as configured and discovered: its endpoints (`OIDC_*_URL`, else the
 * provider's `/.well-known/openid-configuration`, cached for an hour) and the name it is shown
 * under. Changes when how we find the provider does.
 *
 * @module
 */
import { z } from "zod";
import type { Config } from "../config/schema.ts";
import { fetchJson } from "./oidc_fetch.ts";
import { OidcRefused, trimSlash, unreachable } from "./oidc_rules.ts";

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

/** How long discovery and the JWKS are trusted before being fetched again. */
export const CACHE_MS = 60 * 60_000;

const Discovery = z.object({
  issuer: z.string().min(1),
  authorization_endpoint: z.url(),
  token_endpoint: z.url(),
  jwks_uri: z.url(),
  token_endpoint_auth_methods_supported: z.array(z.string()).optional(),
  authorization_response_iss_parameter_supported: z.boolean().optional(),
});

/**
 * The provider's endpoints for `issuer`: the `OIDC_AUTHORIZATION_URL`, `OIDC_TOKEN_URL` and
 * `OIDC_JWKS_URL` keys when all three are set (nothing fetched), else discovery (OpenID Connect
 * Discovery 1.0 §4), fetched on first use and again after {@link CACHE_MS}; an explicit key
 * overrides the discovered endpoint.
 *
 * @param config the app configuration
 * @param issuer `OIDC_ISSUER`
 * @returns a function answering the endpoints
 * @throws {OidcRefused} (from the function) 502 when discovery cannot be reached, answers
 *   unexpectedly, or names another issuer
 */
export function providerMetadata(
  config: Config,
  issuer: string,
): () => Promise<ProviderMetadata> {
  let discovered: { value: ProviderMetadata; at: number } | null = null;
  return async function metadata(): Promise<ProviderMetadata> {
    const explicit = {
      authorization_endpoint: config.OIDC_AUTHORIZATION_URL,
      token_endpoint: config.OIDC_TOKEN_URL,
      jwks_uri: config.OIDC_JWKS_URL,
    };
    if (explicit.authorization_endpoint && explicit.token_endpoint && explicit.jwks_uri) {
      return { issuer: issuer, ...explicit } as ProviderMetadata;
    }
    if (discovered && Date.now() - discovered.at < CACHE_MS) return discovered.value;
    const url = `${trimSlash(issuer)}/.well-known/openid-configuration`;
    const { status, body } = await fetchJson(
      url,
      { headers: { Accept: "application/json" } },
      "discovery",
    );
    const parsed = Discovery.safeParse(body);
    if (status !== 200 || !parsed.success) throw unreachable("discovery answered unexpectedly");
    if (trimSlash(parsed.data.issuer) !== trimSlash(issuer)) {
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
 * import { providerName } from "./oidc_discovery.ts";
 * providerName({ OIDC_ISSUER: "https://accounts.example.com/" }); // "accounts.example.com"
 * providerName({}); // "your organisation's sign-in"
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
