/**
 * The one definition of "privileged" (may read other people's devices, the dashboard and the
 * per-plugin API routes): decided on every request from the configuration of the process that
 * answers, never from a flag frozen in a cookie or a token. Removing someone from
 * `PRIVILEGED_USERS` (or their group from `PRIVILEGED_GROUPS`) therefore ends their access at the
 * next request a process with the new configuration answers.
 *
 * Email addresses compare without regard to letter case (mail providers treat the local part
 * case-insensitively in practice, and OIDC providers return whatever case the directory holds);
 * group names and ids compare exactly, as the provider writes them (Entra ID sends object ids,
 * Okta and Google send names).
 *
 * @module
 */
import type { Config } from "../config/schema.ts";

/** Who is asking: an email and the groups recorded when they signed in (or in their token). */
export interface Principal {
  email: string;
  /** Groups from the sign-in provider's groups claim (`OIDC_GROUPS_CLAIM`) or the token. */
  groups?: readonly string[];
}

/**
 * Whether two email addresses name the same person: equal once both are lower-cased.
 *
 * @param a an email address
 * @param b another email address
 * @returns true when they are equal ignoring letter case
 * @example
 * ```ts
 * sameEmail("Fry@PlanetExpress.com", "fry@planetexpress.com"); // true
 * ```
 */
export function sameEmail(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/**
 * Whether `who` is privileged under `config` right now: their email is in `PRIVILEGED_USERS`
 * (any letter case), or one of their groups is in `PRIVILEGED_GROUPS` (exact). Service accounts
 * holding API tokens are listed in `PRIVILEGED_USERS` like people.
 *
 * @param config the configuration of the answering process
 * @param who the email (and groups) of the session or token
 * @returns true when privileged
 * @example
 * ```ts
 * isPrivileged({ PRIVILEGED_USERS: ["admin@example.com"], PRIVILEGED_GROUPS: [] }, {
 *   email: "Admin@Example.com",
 * }); // true
 * ```
 */
export function isPrivileged(
  config: Pick<Config, "PRIVILEGED_USERS" | "PRIVILEGED_GROUPS">,
  who: Principal,
): boolean {
  if (config.PRIVILEGED_USERS.some((u) => sameEmail(u, who.email))) return true;
  const groups = who.groups ?? [];
  return groups.some((g) => config.PRIVILEGED_GROUPS.includes(g));
}
