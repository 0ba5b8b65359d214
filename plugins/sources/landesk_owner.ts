/**
 * Who owns a LANDESK / Ivanti computer. The original read the owner from `LDAPUserAttrV.EMAILADDR`
 * only; real inventories often hold a Windows sign-in name there, or nothing, with the last user
 * to sign in as `DOMAIN\user` in `Computer.LoginName`. The rules, in order:
 *
 * 1. `EMAILADDR` holding an email address is the owner (as the original).
 * 2. Otherwise a `DOMAIN\user` sign-in name — `EMAILADDR` when it holds one, else, when
 *    `EMAILADDR` is empty, `LoginName` (read only when `LANDESK_LOGIN_DOMAINS` is set) — whose
 *    NetBIOS domain is mapped by
 *    `LANDESK_LOGIN_DOMAINS` (`{ "CORP": "corp.example.com" }`, compared without letter case) is
 *    read as `user@<mapped domain>`. A domain not in the map is never guessed: `CORP\fry` does not
 *    become `fry@` anything unless the operator said which email domain `CORP` means.
 * 3. Otherwise the computer is kept with its owner unknown, and the record's `unread` evidence
 *    names why (no owner at all, a sign-in name of an unmapped domain, a value that is neither),
 *    so the person it reached through a serial or MAC lookup and the operator (`/metrics`, the API
 *    header, the batch summary: a `partial` gap `unread_email`) see it was not attributed.
 *
 * @module
 */
import { z } from "zod";
import type { UnreadField } from "../../engine/core/types.ts";
import { isValidEmail } from "../../engine/identity/identifiers.ts";

const NETBIOS_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,14}$/;
const DOMAIN_RE =
  /^(?=.{1,253}$)(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;
const LOGIN_RE = /^([^\\\s]+)\\([^\\\s@]+)$/;

/**
 * `LANDESK_LOGIN_DOMAINS`: NetBIOS domain → email domain, e.g. `{ "CORP": "corp.example.com" }`.
 * Keys are 1–15 letters, digits, `-`, `_` or `.`, unique without letter case; values are domain
 * names without `@`. Default `{}`: no sign-in name is ever read as an owner.
 */
export const loginDomainsSchema = z.record(
  z.string(),
  z.string().regex(DOMAIN_RE, {
    message: "expected an email domain such as corp.example.com (no @, no spaces)",
  }),
).default({}).superRefine((map, ctx) => {
  const seen = new Map<string, string>();
  for (const key of Object.keys(map)) {
    if (!NETBIOS_RE.test(key)) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: [key],
        message:
          'expected a NetBIOS domain name such as CORP (1-15 letters, digits, "-", "_" or ".")',
      });
    }
    const folded = key.toUpperCase();
    const other = seen.get(folded);
    if (other !== undefined) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: [key],
        message: `${other} and ${key} name the same NetBIOS domain (letter case does not count)`,
      });
    }
    seen.set(folded, key);
  }
});

/** A NetBIOS domain map as the plugin reads it: upper-cased keys, lower-cased domains. */
export type LoginDomains = ReadonlyMap<string, string>;

/**
 * The validated map with its keys upper-cased and domains lower-cased, for lookups.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(loginDomains({ corp: "Corp.Example.com" }).get("CORP"), "corp.example.com");
 * ```
 */
export function loginDomains(map: Readonly<Record<string, string>>): LoginDomains {
  return new Map(Object.entries(map).map(([k, v]) => [k.toUpperCase(), v.toLowerCase()]));
}

/**
 * The sign-in names a person's computers may be recorded under when `EMAILADDR` holds no address:
 * `DOMAIN\local-part` for each NetBIOS domain mapped to the address's domain.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const corp = loginDomains({ CORP: "corp.example.com" });
 * assert.deepEqual(loginsFor("fry@corp.example.com", corp), ["CORP\\fry"]);
 * assert.deepEqual(loginsFor("fry@planetexpress.com", corp), []);
 * ```
 */
export function loginsFor(email: string, domains: LoginDomains): string[] {
  const at = email.lastIndexOf("@");
  if (at <= 0) return [];
  const local = email.slice(0, at);
  const domain = email.slice(at + 1).toLowerCase();
  if (local.includes("\\")) return [];
  return [...domains].filter(([, d]) => d === domain).map(([netbios]) => `${netbios}\\${local}`);
}

/** A computer's owner, or why it has none we can use. */
export type OwnerReading = { email: string } | { unread: UnreadField };

/**
 * The owner of one computer row by the module's rules.
 *
 * @param email `EMAILADDR` as sent (null when `LDAPUserAttrV` has no row)
 * @param login `LoginName` as sent (undefined when not read)
 * @param domains `LANDESK_LOGIN_DOMAINS`, read by {@link loginDomains}
 * @param source the plugin's name, for the `unread` evidence
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const corp = loginDomains({ CORP: "corp.example.com" });
 * assert.deepEqual(ownerOf(null, "CORP\\fry", corp, "landesk"), { email: "fry@corp.example.com" });
 * assert.deepEqual(ownerOf(null, null, corp, "landesk"), {
 *   unread: { source: "landesk", field: "owner", value: "", reason: "it names no owner" },
 * });
 * ```
 */
export function ownerOf(
  email: unknown,
  login: unknown,
  domains: LoginDomains,
  source: string,
): OwnerReading {
  const address = text(email);
  if (address !== undefined && isValidEmail(address)) return { email: address };
  // LoginName (the last user to sign in) only when EMAILADDR is empty, as `LOGIN_SQL.byLogin`
  // asks: an EMAILADDR naming someone some other way is never replaced by whoever signed in last
  const signIn = address === undefined ? text(login) : LOGIN_RE.test(address) ? address : undefined;
  const unread = (field: string, value: string, reason: string): OwnerReading => ({
    unread: { source, field, value: value.slice(0, 80), reason },
  });
  const m = signIn === undefined ? null : LOGIN_RE.exec(signIn);
  if (m) {
    const domain = domains.get(m[1]!.toUpperCase());
    const owner = domain === undefined ? undefined : `${m[2]}@${domain}`;
    if (owner !== undefined && isValidEmail(owner)) return { email: owner };
  }
  if (signIn !== undefined && (m || address === undefined)) {
    return unread("owner_sign_in", signIn, OWNER_REASONS.owner_sign_in);
  }
  if (address !== undefined) return unread("owner_email", address, OWNER_REASONS.owner_email);
  return unread("owner", "", OWNER_REASONS.owner);
}

/** Why a computer's owner is unknown, by the `unread` field that says so. */
export const OWNER_REASONS = {
  /** Neither `EMAILADDR` nor (when read) `LoginName` holds anything. */
  owner: "it names no owner",
  /** A sign-in name (`CORP\fry`, or `fry` alone) of a domain `LANDESK_LOGIN_DOMAINS` does not map. */
  owner_sign_in: "its owner is a Windows sign-in name, not an email address",
  /** `EMAILADDR` holds something that is neither an address nor a sign-in name. */
  owner_email: "its owner is not an email address",
} as const;

function text(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  const t = value.trim();
  return t === "" ? undefined : t;
}
