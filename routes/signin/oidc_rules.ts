/**
 * The rules of an OpenID sign-in that are ours rather than the protocol library's, and their plain
 * words: the refusal type, the email rules applied to verified ID-token claims, the RFC 9207
 * response-issuer check. The words for the protocol library's failures are in oidc_errors.ts.
 *
 * @module
 */
import type { Config } from "../../config/schema.ts";
import { isValidEmail } from "../../engine/identity/identifiers.ts";
import { foldsIntoAscii } from "./privilege.ts";
import { foldEmail } from "../../engine/identity/emails.ts";

/** A refused or failed sign-in: the status and the plain-words reason shown to the person. */
export class OidcRefused extends Error {
  override name = "OidcRefused";
  readonly status: 401 | 403 | 502 | 503;
  /** A stable short code for the log (never token contents). */
  readonly code: string;
  /**
   * What an operator needs in the log and not the person on the page: both issuers, the
   * provider's `error` and `error_description`, the host and the cause. Never a secret or a token.
   */
  readonly detail: Readonly<Record<string, string>>;
  /**
   * @param status 401 (not signed in), 403 (signed in but not allowed), 502 (provider unreachable
   *   or sign-in misconfigured), 503 (this site cannot record the sign-in)
   * @param code a short stable code for the log
   * @param reason plain words for the person
   * @param detail for the log only
   */
  constructor(
    status: 401 | 403 | 502 | 503,
    code: string,
    reason: string,
    detail: Record<string, string> = {},
  ) {
    super(reason);
    this.status = status;
    this.code = code;
    this.detail = detail;
  }
}

/** Who signed in, from a verified ID token. */
export interface OidcIdentity {
  email: string;
  groups: string[];
}

/**
 * The 502 of a provider that cannot be reached or answers nonsense (`what` names the part;
 * `detail`, for the log, the host and the cause).
 */
export const unreachable = (what: string, detail: Record<string, string> = {}): OidcRefused =>
  new OidcRefused(
    502,
    "provider_unreachable",
    `The sign-in provider cannot be reached right now (${what}). Try again in a few minutes.`,
    detail,
  );

/** `url` without trailing slashes (issuers compare without them). */
export function trimSlash(url: string): string {
  return url.replace(/\/+$/, "");
}

/**
 * Checks the `iss` of an authorization response (RFC 9207 §2.4, against mix-up attacks): when
 * present it must name the configured issuer; when the provider advertises
 * `authorization_response_iss_parameter_supported` it must be present.
 *
 * @param iss the callback's `iss` query parameter, if any
 * @param meta the provider's metadata
 * @throws {OidcRefused} 401 `wrong_response_issuer`
 */
export function checkResponseIssuer(
  iss: string | undefined,
  meta: { issuer: string; authorization_response_iss_parameter_supported?: boolean | undefined },
): void {
  const ok = iss === undefined
    ? meta.authorization_response_iss_parameter_supported !== true
    : trimSlash(iss) === trimSlash(meta.issuer);
  if (!ok) {
    throw new OidcRefused(
      401,
      "wrong_response_issuer",
      "This answer did not come from the sign-in provider this site trusts. Start again from the sign-in page.",
    );
  }
}

/**
 * How Microsoft Entra ID writes its optional claim `xms_edov` (email domain owner verified): the
 * boolean `true`, or the string `"1"` (also `"true"`), depending on the token version and tenant
 * (supabase/auth `internal/api/provider/oidc.go` accepts all three; coder/coder#26380 saw `"1"`;
 * MicrosoftDocs/azure-docs#111425). Compared case-insensitively; the number `1` is the same bit.
 */
const XMS_EDOV_TRUE = new Set(["1", "true"]);

/**
 * What the configured verification claim says: `true` (verified), `false` (present but not
 * verified) or `undefined` (absent). The standard `email_verified` (OIDC Core §5.1) and any other
 * claim must be the boolean `true`; only `xms_edov` is read in Microsoft's encodings
 * ({@link XMS_EDOV_TRUE}).
 *
 * @param name the claim's name (`OIDC_EMAIL_VERIFIED_CLAIM`)
 * @param value the claim's value in the verified ID token
 * @returns the verdict
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { saysVerified } from "./oidc_rules.ts";
 * assert.equal(saysVerified("xms_edov", "1"), true);
 * assert.equal(saysVerified("email_verified", "1"), false);
 * assert.equal(saysVerified("email_verified", undefined), undefined);
 * ```
 */
export function saysVerified(name: string, value: unknown): boolean | undefined {
  if (value === undefined) return undefined;
  if (value === true) return true;
  if (name !== "xms_edov") return false;
  return value === 1 || (typeof value === "string" && XMS_EDOV_TRUE.has(value.toLowerCase()));
}

/**
 * Applies the email rules to verified ID-token claims: an `email` claim is required; the claim
 * named by `OIDC_EMAIL_VERIFIED_CLAIM` (default `email_verified`, OIDC Core §5.1) must be the
 * boolean `true` — a string `"true"` or a missing claim is refused (`email_verified_missing`, for
 * providers such as Microsoft Entra ID that never send it, the operator names another claim or
 * `false`), except that Entra's `xms_edov` is read in Microsoft's encodings (`saysVerified`); `email_verified: false` is always refused; an address with a character that Unicode
 * lower-casing turns into an ASCII letter (U+212A KELVIN SIGN → `k`) is refused
 * (`ambiguous_email`: it would be another person's address, see `foldsIntoAscii`); and `ALLOWED_EMAIL_DOMAINS` (when set) must
 * hold the domain.
 *
 * @throws {OidcRefused} 403 with the reason
 */
export function identityOf(claims: Record<string, unknown>, config: Config): OidcIdentity {
  const refuse = (code: string, reason: string) => new OidcRefused(403, code, reason);
  const raw = claims.email;
  if (typeof raw !== "string" || !isValidEmail(raw)) {
    throw refuse(
      "no_email",
      "The sign-in provider did not share a valid email address for your account, so this site cannot tell whose devices to show.",
    );
  }
  if (foldsIntoAscii(raw)) {
    throw refuse(
      "ambiguous_email",
      "Your email address holds a character that reads as another letter, so this site cannot tell whose devices to show. Ask the site's operators for help.",
    );
  }
  const verifiedClaim = config.OIDC_EMAIL_VERIFIED_CLAIM;
  const verified = verifiedClaim === false
    ? undefined
    : saysVerified(verifiedClaim, claims[verifiedClaim]);
  if (
    claims.email_verified === false || claims.email_verified === "false" || verified === false
  ) {
    throw refuse(
      "email_unverified",
      "Your email address is not verified with the sign-in provider. Verify it there, then sign in again.",
    );
  }
  if (verifiedClaim !== false && verified !== true) {
    throw refuse(
      "email_verified_missing",
      "The sign-in provider did not confirm that your email address is verified, so this site cannot trust it. Ask the site's operators to check the sign-in settings.",
    );
  }
  const email = foldEmail(raw);
  const domain = email.slice(email.lastIndexOf("@") + 1);
  const allowed = config.ALLOWED_EMAIL_DOMAINS;
  if (allowed && !allowed.some((d) => foldEmail(d) === domain)) {
    throw refuse(
      "domain_not_allowed",
      `Accounts from ${domain} cannot sign in here. Sign in with your work account.`,
    );
  }
  const claim = config.OIDC_GROUPS_CLAIM ? claims[config.OIDC_GROUPS_CLAIM] : undefined;
  const groups = Array.isArray(claim)
    ? claim.filter((g): g is string => typeof g === "string")
    : typeof claim === "string"
    ? [claim]
    : [];
  return { email, groups };
}
