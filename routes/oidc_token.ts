/**
 * The authorization-code exchange (RFC 6749 §4.1.3 with PKCE, RFC 7636): the PKCE verifier and
 * challenge, client authentication at the token endpoint (`client_secret_basic`, else
 * `client_secret_post`, else a public client), and the ID token out of the answer. Changes when
 * how we redeem a code does.
 *
 * @module
 */
import { z } from "zod";
import type { Config } from "../config/schema.ts";
import { basicAuth } from "../lib/basic_auth.ts";
import { encodeBase64Url } from "../lib/base64url.ts";
import { sha256 } from "../lib/sha256.ts";
import type { ProviderMetadata } from "./oidc_discovery.ts";
import { fetchJson } from "./oidc_fetch.ts";
import { OidcRefused } from "./oidc_rules.ts";

const TokenResponse = z.object({ id_token: z.string().min(1).max(16_384) });

/**
 * The `Authorization: Basic` value of RFC 6749 §2.3.1 (id and secret form-encoded first).
 *
 * @param id the client id
 * @param secret the client secret
 * @returns the header value
 * @example
 * ```ts
 * import { clientBasicAuth } from "./oidc_token.ts";
 * clientBasicAuth("app", "s3cret"); // "Basic YXBwOnMzY3JldA=="
 * ```
 */
export function clientBasicAuth(id: string, secret: string): string {
  const enc = (s: string) => encodeURIComponent(s).replace(/%20/g, "+");
  return basicAuth(enc(id), enc(secret));
}

/**
 * The S256 PKCE challenge of a verifier (RFC 7636 §4.2): base64url of its SHA-256.
 *
 * @param verifier the PKCE verifier (43–128 URL-safe characters)
 * @returns the challenge, 43 base64url characters
 * @example The RFC 7636 appendix B example
 * ```ts
 * import { pkceChallenge } from "./oidc_token.ts";
 * await pkceChallenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
 * // "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
 * ```
 */
export async function pkceChallenge(verifier: string): Promise<string> {
  return encodeBase64Url(await sha256(verifier));
}

/**
 * Random URL-safe text from the system's secure source: `state`, `nonce`, PKCE verifiers.
 *
 * @param bytes bytes of entropy (32 by default: 43 characters)
 * @returns base64url text without padding
 */
export function randomUrlToken(bytes = 32): string {
  return encodeBase64Url(crypto.getRandomValues(new Uint8Array(bytes)));
}

/**
 * Exchanges an authorization code for the ID token (the compact JWT, not yet verified).
 *
 * @param meta the provider's endpoints
 * @param config `OIDC_CLIENT_ID` and, for a confidential client, `OIDC_CLIENT_SECRET`
 * @param code the code from the callback
 * @param params the PKCE verifier of this sign-in and the redirect URI it was started with
 * @returns the ID token
 * @throws {OidcRefused} 401 when the provider does not answer 200 with an `id_token`; 502 when it
 *   cannot be reached
 */
export async function exchangeCode(
  meta: ProviderMetadata,
  config: Pick<Config, "OIDC_CLIENT_ID" | "OIDC_CLIENT_SECRET">,
  code: string,
  { verifier, redirectUri }: { verifier: string; redirectUri: string },
): Promise<string> {
  const clientId = config.OIDC_CLIENT_ID!;
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
    form.set("client_id", clientId);
  } else if (!methods || methods.includes("client_secret_basic")) {
    headers.Authorization = clientBasicAuth(clientId, secret);
  } else {
    form.set("client_id", clientId);
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
}
