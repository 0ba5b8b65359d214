/**
 * The OpenID provider as configured and discovered: its endpoints (`OIDC_*_URL`, else the
 * provider's `/.well-known/openid-configuration`) and the name it is shown under. Changes when
 * how we find the provider does.
 *
 * @module
 */
import type { Config } from "../config/schema.ts";

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
