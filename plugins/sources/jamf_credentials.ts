/**
 * The credentials of a JAMF plugin's config (`jamf`, `jamf_pro`): the keys, the rule that exactly
 * one complete pair is given, and the server root. Changes when Jamf's kinds of credentials or
 * their config keys change; exchanging them for tokens is `jamf_auth.ts`.
 *
 * Two kinds of credentials, exactly one per plugin:
 * - a Jamf Pro account: `JAMF_API_USERNAME` + `JAMF_API_PASSWORD`;
 * - an API client: `JAMF_CLIENT_ID` + `JAMF_CLIENT_SECRET` (Jamf Pro 10.49+).
 *
 * @module
 */
import { z } from "zod";

/** The credential keys of a JAMF plugin's config; add the rules with {@link withJamfCredentialRules}. */
export const jamfCredentialKeys = {
  JAMF_API_USERNAME: z.string().min(1).optional(),
  JAMF_API_PASSWORD: z.string().min(1).optional(),
  JAMF_CLIENT_ID: z.string().min(1).optional(),
  JAMF_CLIENT_SECRET: z.string().min(1).optional(),
};

/** What {@link jamfCredentialKeys} parse to. */
export interface JamfCredentialConfig {
  JAMF_API_USERNAME?: string | undefined;
  JAMF_API_PASSWORD?: string | undefined;
  JAMF_CLIENT_ID?: string | undefined;
  JAMF_CLIENT_SECRET?: string | undefined;
}

/** One of the two kinds of Jamf Pro credentials. */
export type JamfCredentials =
  | { kind: "account"; username: string; password: string }
  | { kind: "client"; clientId: string; clientSecret: string };

const BOTH = "give either JAMF_API_USERNAME and JAMF_API_PASSWORD (a Jamf Pro account) or " +
  "JAMF_CLIENT_ID and JAMF_CLIENT_SECRET (an API client), not both";
const NEITHER = "JAMF credentials are missing: give JAMF_CLIENT_ID and JAMF_CLIENT_SECRET " +
  "(an API client, Jamf Pro 10.49+) or JAMF_API_USERNAME and JAMF_API_PASSWORD";

/**
 * Adds the credential rules to a JAMF plugin's schema: exactly one complete pair. The rules run
 * even when other keys are bad, so an operator sees every problem at once. Issues: both pairs or
 * neither (at the section), half a pair (at the missing key).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { z } from "zod";
 * const schema = withJamfCredentialRules(
 *   z.object({ ...jamfCredentialKeys, URL: z.url() }).strict(),
 * );
 * const url = "https://example.jamfcloud.com";
 * assert.equal(
 *   schema.safeParse({ URL: url, JAMF_CLIENT_ID: "id", JAMF_CLIENT_SECRET: "s" }).success,
 *   true,
 * );
 * const half = schema.safeParse({ URL: url, JAMF_CLIENT_ID: "id" });
 * assert.deepEqual(half.error?.issues.map((i) => i.path.join(".")), ["JAMF_CLIENT_SECRET"]);
 * ```
 */
export function withJamfCredentialRules<S extends z.ZodType<JamfCredentialConfig>>(schema: S): S {
  const given = (v: unknown, key: keyof JamfCredentialConfig) =>
    typeof v === "object" && v !== null && (v as Record<string, unknown>)[key] !== undefined;
  const always = { when: () => true };
  const pairs = [
    ["JAMF_API_USERNAME", "JAMF_API_PASSWORD"],
    ["JAMF_CLIENT_ID", "JAMF_CLIENT_SECRET"],
  ] as const;
  const hasPair = (v: unknown, i: 0 | 1) => pairs[i].some((k) => given(v, k));
  let out = schema
    .refine((v) => !(hasPair(v, 0) && hasPair(v, 1)), { ...always, path: [], message: BOTH })
    .refine((v) => hasPair(v, 0) || hasPair(v, 1), { ...always, path: [], message: NEITHER });
  for (const [a, b] of pairs) {
    for (const [have, miss] of [[a, b], [b, a]] as const) {
      out = out.refine((v) => !given(v, have) || given(v, miss), {
        ...always,
        path: [miss],
        message: `required with ${have}`,
      });
    }
  }
  return out;
}

/**
 * The credentials a validated config holds.
 *
 * @throws {TypeError} when the config has no complete pair (validate with
 * {@link withJamfCredentialRules} first)
 */
export function jamfCredentials(config: JamfCredentialConfig): JamfCredentials {
  if (config.JAMF_CLIENT_ID !== undefined && config.JAMF_CLIENT_SECRET !== undefined) {
    return {
      kind: "client",
      clientId: config.JAMF_CLIENT_ID,
      clientSecret: config.JAMF_CLIENT_SECRET,
    };
  }
  if (config.JAMF_API_USERNAME !== undefined && config.JAMF_API_PASSWORD !== undefined) {
    return {
      kind: "account",
      username: config.JAMF_API_USERNAME,
      password: config.JAMF_API_PASSWORD,
    };
  }
  throw new TypeError(NEITHER);
}

/**
 * The Jamf Pro server root of a Classic API address: `JAMF_API_HOSTADDR` without `/JSSResource`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(
 *   jamfServerUrl("https://example.jamfcloud.com/JSSResource/"),
 *   "https://example.jamfcloud.com",
 * );
 * ```
 */
export function jamfServerUrl(hostaddr: string): string {
  return hostaddr.replace(/\/+$/, "").replace(/\/JSSResource$/i, "");
}
