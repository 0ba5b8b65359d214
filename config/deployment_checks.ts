/**
 * Settings a configured (non-demo) deployment must get right, checked after the schema: keys,
 * who may use the debug routes, token lifetimes, OIDC and trusted hosts, each problem with what
 * to set. Changes when a new rule between settings is added.
 *
 * @module
 */
import type { z } from "zod";
import { keyProblems } from "./keys.ts";
import type { ConfigSchema } from "./schema.ts";
import { hostName, isTrustedHost, trustedHostEntries } from "../lib/trusted_host.ts";

/**
 * The problems of a schema-valid configuration, one line each (`KEY: what is wrong; what to do`).
 *
 * @returns no lines when the settings agree with each other
 */
export function productionProblems(config: z.infer<typeof ConfigSchema>): string[] {
  const problems: string[] = keyProblems(config);
  if (
    config.ENABLE_DEBUG_ENDPOINTS && config.PRIVILEGED_USERS.length === 0 &&
    config.PRIVILEGED_GROUPS.length === 0
  ) {
    problems.push(
      "ENABLE_DEBUG_ENDPOINTS: debug routes need PRIVILEGED_USERS or PRIVILEGED_GROUPS to say who may use them",
    );
  }
  if (config.JWT_EXPIRATION_DELTA > config.JWT_MAX_LIFETIME) {
    problems.push(
      `JWT_EXPIRATION_DELTA: ${config.JWT_EXPIRATION_DELTA} s is longer than JWT_MAX_LIFETIME (${config.JWT_MAX_LIFETIME} s); tokens minted with it would be refused`,
    );
  }
  if (config.LOGIN_MANAGER === "oidc" && !config.OIDC_CLIENT_ID) {
    problems.push('OIDC_CLIENT_ID: required when LOGIN_MANAGER is "oidc"');
  }
  if (config.LOGIN_MANAGER === "oidc" && !config.OIDC_ISSUER) {
    problems.push(
      'OIDC_ISSUER: required when LOGIN_MANAGER is "oidc"; ID tokens must carry it as "iss" (endpoints are discovered from it unless OIDC_AUTHORIZATION_URL, OIDC_TOKEN_URL and OIDC_JWKS_URL are all set)',
    );
  }
  if (config.TRUSTED_HOSTS && config.PUBLIC_ORIGIN) {
    const host = hostName(new URL(config.PUBLIC_ORIGIN).host);
    if (!isTrustedHost(host, trustedHostEntries(config.TRUSTED_HOSTS))) {
      problems.push(
        `TRUSTED_HOSTS: does not include "${host}", the host of PUBLIC_ORIGIN; add it or every request would be refused`,
      );
    }
  }
  return problems;
}
