/**
 * What `check-config` warns about the exemption granters (issue 26): a granter must also be
 * privileged (`routes/signin/privilege.ts` `canGrantExemptions()`), so one who is not in
 * `PRIVILEGED_USERS` is refused every grant unless a `PRIVILEGED_GROUPS` group makes them
 * privileged when they sign in — which only the sign-in provider knows.
 *
 * @module
 */
import type { Config } from "../config/schema.ts";
import { sameEmail } from "../engine/identity/emails.ts";

/**
 * One warning per `EXEMPTION_GRANTERS` entry who is not in `PRIVILEGED_USERS`.
 *
 * @param config the validated configuration
 * @returns the warnings, in the order of `EXEMPTION_GRANTERS`; empty when every granter is listed
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ConfigSchema } from "../config/schema.ts";
 * const config = ConfigSchema.parse({ EXEMPTION_GRANTERS: ["kif@example.com"] });
 * assert.deepEqual(granterWarnings(config), [
 *   "warning: EXEMPTION_GRANTERS lists kif@example.com, who is not privileged " +
 *   "(not in PRIVILEGED_USERS, and PRIVILEGED_GROUPS is empty): they cannot grant or revoke " +
 *   "exemptions",
 * ]);
 * ```
 */
export function granterWarnings(
  config: Pick<Config, "EXEMPTION_GRANTERS" | "PRIVILEGED_USERS" | "PRIVILEGED_GROUPS">,
): string[] {
  const groups = config.PRIVILEGED_GROUPS;
  return config.EXEMPTION_GRANTERS
    .filter((g) => !config.PRIVILEGED_USERS.some((u) => sameEmail(u, g)))
    .map((g) =>
      groups.length === 0
        ? `warning: EXEMPTION_GRANTERS lists ${g}, who is not privileged (not in ` +
          "PRIVILEGED_USERS, and PRIVILEGED_GROUPS is empty): they cannot grant or revoke exemptions"
        : `warning: EXEMPTION_GRANTERS lists ${g}, who is not in PRIVILEGED_USERS: make sure ` +
          `${g} is in one of the PRIVILEGED_GROUPS (${groups.join(", ")}) at the sign-in ` +
          "provider, or they cannot grant or revoke exemptions"
    );
}
