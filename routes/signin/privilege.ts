/**
 * The one definition of "privileged" (may read other people's devices, the dashboard and the
 * per-plugin API routes): decided on every request from the configuration of the process that
 * answers, never from a flag frozen in a cookie or a token. Removing someone from
 * `PRIVILEGED_USERS` (or their group from `PRIVILEGED_GROUPS`) therefore ends their access at the
 * next request a process with the new configuration answers.
 *
 * Email addresses compare with `sameEmail` of engine/identity/emails.ts (the one definition, re-exported
 * here for the routes): without regard to ASCII letter case (mail providers treat the local part
 * case-insensitively in practice, and OIDC providers return whatever case the directory holds).
 * Only ASCII letters fold: Unicode lower-casing turns other characters into ASCII letters (U+212A
 * KELVIN SIGN into `k`, U+0130 into `i` and a combining dot), so `"\u212Aif@example.com"` would be
 * `kif@example.com` — another person, or a privileged one. Such addresses are refused where an
 * identity comes in (sign-in, API tokens: {@link foldsIntoAscii});
 * group names and ids compare exactly, as the provider writes them (Entra ID sends object ids,
 * Okta and Google send names).
 *
 * @module
 */
import type { Config } from "../../config/schema.ts";
import { sameEmail } from "../../engine/identity/emails.ts";

export { sameEmail } from "../../engine/identity/emails.ts";

/** Who is asking: an email and the groups recorded when they signed in (or in their token). */
export interface Principal {
  email: string;
  /** Groups from the sign-in provider's groups claim (`OIDC_GROUPS_CLAIM`) or the token. */
  groups?: readonly string[];
}

/**
 * Whether Unicode lower-casing would turn a non-ASCII character of `email` into an ASCII letter
 * (U+212A KELVIN SIGN → `k`, U+0130 → `i` + U+0307): the address would then collide with another
 * person's wherever an inventory or the engine lower-cases it. Sign-in and API tokens refuse such
 * addresses.
 *
 * @param email an email address
 * @returns true when it holds such a character
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(foldsIntoAscii("\u212Aif@example.com"), true);
 * assert.equal(foldsIntoAscii("José@example.com"), false);
 * ```
 */
export function foldsIntoAscii(email: string): boolean {
  for (const ch of email) {
    if (ch.charCodeAt(0) > 0x7f && /[a-z]/.test(ch.toLowerCase())) return true;
  }
  return false;
}

/**
 * Whether `who` is privileged under `config` right now: their email is in `PRIVILEGED_USERS`
 * (any ASCII letter case), or one of their groups is in `PRIVILEGED_GROUPS` (exact). Service accounts
 * holding API tokens are listed in `PRIVILEGED_USERS` like people.
 *
 * @param config the configuration of the answering process
 * @param who the email (and groups) of the session or token
 * @returns true when privileged
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const config = { PRIVILEGED_USERS: ["admin@example.com"], PRIVILEGED_GROUPS: [] };
 * assert.equal(isPrivileged(config, { email: "Admin@Example.com" }), true);
 * assert.equal(isPrivileged(config, { email: "fry@example.com" }), false);
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

/**
 * Whether `who` may grant and revoke exemptions (issue 26): privileged (they must see the
 * person's devices) **and** listed in `EXEMPTION_GRANTERS` (any ASCII letter case). Seeing
 * everything does not give the right to waive a check: least privilege.
 *
 * @param config the configuration of the answering process
 * @param who the email (and groups) of the session or token
 * @returns true when they may
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const config = {
 *   PRIVILEGED_USERS: ["sec@example.com", "ciso@example.com"],
 *   PRIVILEGED_GROUPS: [],
 *   EXEMPTION_GRANTERS: ["CISO@example.com"],
 * };
 * assert.equal(canGrantExemptions(config, { email: "ciso@example.com" }), true);
 * assert.equal(canGrantExemptions(config, { email: "sec@example.com" }), false);
 * ```
 */
export function canGrantExemptions(
  config: Pick<Config, "PRIVILEGED_USERS" | "PRIVILEGED_GROUPS" | "EXEMPTION_GRANTERS">,
  who: Principal & { privileged?: boolean },
): boolean {
  // A signed-in user carries the privilege worked out at sign-in (from its groups too); the
  // groups themselves are not kept on the session, so they cannot be asked again here.
  return (who.privileged ?? isPrivileged(config, who)) &&
    config.EXEMPTION_GRANTERS.some((u) => sameEmail(u, who.email));
}
