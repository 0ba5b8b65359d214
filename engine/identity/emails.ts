/**
 * The one definition of "the same email address", used wherever the engine, the inventories, the
 * stores and the routes compare or key a person by address (person keys, batch rows, snapshots,
 * listing owners, ownership checks, privilege).
 *
 * Only ASCII capitals fold. JavaScript's Unicode `toLowerCase()` turns some non-ASCII characters
 * into ASCII letters — U+212A KELVIN SIGN becomes `k`, U+0130 (capital I with dot) becomes `i`
 * plus U+0307 — so `"\u212Aif@example.com".toLowerCase()` is `kif@example.com`: another person.
 * Keying with it would put one person's records on the other's page, batch row or snapshot.
 *
 * RFC 5321 §2.4 says the local part (before `@`) MAY be case-sensitive and only the domain is
 * case-insensitive; in practice every mail and sign-in provider we read treats the whole address
 * case-insensitively, and directories hand back whatever case they hold, so the local part folds
 * too — but for ASCII letters only. Non-ASCII letters (`José`, `JOSÉ`) compare exactly. NFKC is
 * not applied either: it maps U+212A to `K`, which would again make `\u212Aif@` and `kif@` one key
 * (the batch once dropped `kif@` that way, issue 22).
 *
 * @module
 */

/**
 * `value` with its ASCII capitals (A–Z only) lower-cased; every other character kept as is.
 *
 * @param value any text
 * @returns the text with A–Z replaced by a–z
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(lowerAscii("\u212Aif@Example.COM"), "\u212Aif@example.com");
 * ```
 */
export function lowerAscii(value: string): string {
  // most addresses are lower-case already: no replacement (and no callback) for them
  return HAS_CAPITAL_RE.test(value) ? value.replace(CAPITALS_RE, (s) => s.toLowerCase()) : value;
}

const HAS_CAPITAL_RE = /[A-Z]/;
const CAPITALS_RE = /[A-Z]+/g;

/**
 * The comparison key of an email address: surrounding whitespace trimmed (inventories pad
 * fields, uploaded lists carry stray spaces), ASCII capitals lower-cased, nothing else changed
 * (see the module note on why the fold is ASCII-only). No validation: an invalid address still
 * gets a key, and callers that need a valid one check it first.
 *
 * @param address an email address as an inventory, a list or a sign-in gives it
 * @returns the key two addresses of the same person share
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(foldEmail(" Fry@PlanetExpress.com "), "fry@planetexpress.com");
 * assert.equal(foldEmail("\u212Aif@example.com"), "\u212Aif@example.com"); // not kif@example.com
 * ```
 */
export function foldEmail(address: string): string {
  return lowerAscii(address.trim());
}

/**
 * Whether two email addresses name the same person: equal once folded by {@link foldEmail}.
 *
 * @param a an email address
 * @param b another email address
 * @returns true when their keys are equal
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(sameEmail("Fry@PlanetExpress.com", "fry@planetexpress.com"), true);
 * assert.equal(sameEmail("\u212Aif@example.com", "kif@example.com"), false);
 * ```
 */
export function sameEmail(a: string, b: string): boolean {
  return foldEmail(a) === foldEmail(b);
}
