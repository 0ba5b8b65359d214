/**
 * What every server process of a several-processes test shares: the two secrets (so a cookie or a
 * token made by one is accepted by the other), sign-in through the fake OpenID provider, and one
 * SQLite store file under each process's `./data`.
 *
 * @module
 */
import type { FakeOidc } from "../fakes/oidc.ts";

/** The configuration keys both processes must agree on. */
export function sharedProcessConfig(oidc: FakeOidc): Record<string, unknown> {
  return {
    SECRET_KEY: "a-session-secret-shared-by-both-processes",
    JWT_SECRET_KEY: "an-api-token-secret-shared-by-both-processes",
    LOGIN_MANAGER: "oidc",
    OIDC_ISSUER: oidc.url,
    OIDC_CLIENT_ID: oidc.clientId,
    OIDC_CLIENT_SECRET: oidc.clientSecret,
    STORE: { TYPE: "sqlite", PATH: "./data/shared.db" },
  };
}
