/**
 * MAC addresses, serial numbers and email addresses: validation and canonical forms (spec §4).
 *
 * @module
 */

const MAC_RE = /^([0-9A-F]{2}[:-]?){5,7}([0-9A-F]{2})$/i;
const SEPARATORS_RE = /[:-]/g;
const SERIAL_RE = /^[\p{L}\p{N}_-]+$/u;
// RFC 5322 addr-spec: dot-atom or quoted-string local part, dot-atom or domain-literal domain.
const ATEXT = "[\\p{L}\\p{N}_!#$%&'*+\\-/=?^`{|}~]";
const DOT_ATOM = `${ATEXT}+(?:\\.${ATEXT}+)*`;
const QUOTED = '"(?:[^"\\\\\\r\\n]|\\\\.)*"';
const LITERAL = "\\[[^\\[\\]\\\\\\r\\n]*\\]";
const EMAIL_RE = new RegExp(`^(?:${DOT_ATOM}|${QUOTED})@(?:${DOT_ATOM}|${LITERAL})$`, "u");
const MAX_EMAIL = 254;
const MAX_SERIAL = 128;

/**
 * Whether `value` is a 48-, 56- or 64-bit MAC address, with `:` or `-` separators or none.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(isValidMac("00:de:ca:fb:ad:00"), true);
 * assert.equal(isValidMac("00:00"), false);
 * ```
 */
export function isValidMac(value: string): boolean {
  return MAC_RE.test(value);
}

/**
 * The canonical form of a MAC address: upper-case hex pairs joined by `:` (decision 18: both
 * `:` and `-` separators are stripped first).
 *
 * @throws {TypeError} when the value is not a MAC address
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(canonicalMac("0000decafbad"), "00:00:DE:CA:FB:AD");
 * assert.equal(canonicalMac("00-de-ca-fb-ad-00"), "00:DE:CA:FB:AD:00");
 * ```
 */
export function canonicalMac(value: string): string {
  if (!isValidMac(value)) throw new TypeError(`Invalid MAC address "${value}"`);
  const hex = value.replace(SEPARATORS_RE, "").toUpperCase();
  return hex.match(/../g)!.join(":");
}

/** Why a MAC does not identify one device (IEEE 802: bits 1 and 0 of the first octet, the OUI). */
export type MacFilterReason =
  | "locally administered"
  | "group address"
  | "zero OUI"
  | "not a MAC address";

/**
 * Why a MAC is not used for matching devices, or `null` when it identifies one device: the
 * locally-administered bit (0x02 of the first octet: randomised "private" addresses), the group
 * bit (0x01: multicast and broadcast) and the all-zero OUI are filtered (the one rule for
 * grouping, the staged lookup and `explain`).
 *
 * @param mac a MAC address in any form `isValidMac` takes
 * @returns the reason it is filtered, or `null` when it is used
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(macFilterReason("F0:18:98:00:00:01"), null);
 * assert.equal(macFilterReason("02:00:00:00:00:00"), "locally administered");
 * ```
 */
export function macFilterReason(mac: string): MacFilterReason | null {
  if (!isCanonicalMac(mac) && !isValidMac(mac)) return "not a MAC address";
  const nibble = parseInt(mac.charAt(1), 16);
  if (nibble & 2) return "locally administered";
  if (nibble & 1) return "group address";
  if (zeroOui(mac)) return "zero OUI";
  return null;
}

// Upper-case hex digits by char code, for the canonical-form check below.
const UPPER_HEX = new Uint8Array(128);
for (const c of "0123456789ABCDEF") UPPER_HEX[c.charCodeAt(0)] = 1;

/**
 * Whether `mac` is in canonical form (`canonicalMac`: six upper-case hex pairs joined by `:`),
 * checked without a regular expression: grouping asks this of every MAC of every record, and
 * stored records hold canonical MACs.
 */
function isCanonicalMac(mac: string): boolean {
  if (mac.length !== 17) return false;
  for (let i = 0; i < 17; i += 3) {
    if (UPPER_HEX[mac.charCodeAt(i)] !== 1 || UPPER_HEX[mac.charCodeAt(i + 1)] !== 1) return false;
    if (i < 15 && mac.charCodeAt(i + 2) !== 58) return false; // ":"
  }
  return true;
}

/** Whether the first six hex digits of a valid MAC are all `0` (no string is built: per record). */
function zeroOui(mac: string): boolean {
  let zeros = 0;
  for (let i = 0; i < mac.length && zeros < 6; i++) {
    const c = mac.charCodeAt(i);
    if (c === 48) zeros++; // "0"
    else if (c !== 58 && c !== 45) return false; // anything but ":" or "-"
  }
  return zeros === 6;
}

/**
 * Whether a MAC identifies one device: not locally administered, not a group address, not in the
 * all-zero OUI (see `macFilterReason`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(isUniqueMac("00:DE:CA:FB:AD:00"), true);
 * assert.equal(isUniqueMac("01:00:5E:00:00:01"), false);
 * ```
 */
export function isUniqueMac(mac: string): boolean {
  if (!isCanonicalMac(mac)) return macFilterReason(mac) === null;
  // canonical: the second character is the low nibble of the first octet
  return (parseInt(mac.charAt(1), 16) & 3) === 0 && !mac.startsWith("00:00:00");
}

/** The MACs of `list` that identify one device, in their original order. */
export function filterMacs(list: readonly string[]): string[] {
  return list.filter(isUniqueMac);
}

/**
 * Canonical, de-duplicated, unique MACs from raw values; empty, missing or invalid values are
 * skipped (decision 21: one bad MAC drops only that MAC).
 */
export function macsFrom(values: readonly unknown[]): string[] {
  const seen = new Set<string>();
  for (const v of values) {
    if (typeof v !== "string" || v.trim() === "" || !isValidMac(v.trim())) continue;
    seen.add(canonicalMac(v.trim()));
  }
  return filterMacs([...seen]);
}

/** Whether `value` is an email address (addr-spec; no DNS look-up). */
export function isValidEmail(value: string): boolean {
  return value.length <= MAX_EMAIL && EMAIL_RE.test(value);
}

/** Whether `value` is a serial number: letters, digits, `_` and `-`. */
export function isValidSerial(value: string): boolean {
  return value.length <= MAX_SERIAL && SERIAL_RE.test(value);
}

/** The quantities a path parameter can be, as named in error messages. */
export type Quantity = "email address" | "serial number" | "MAC address";

const SHOWN_MAX = 200;
// deno-lint-ignore no-control-regex
const CONTROL_RE = /[\u0000-\u001f\u007f-\u009f]/g;

/**
 * The 400 message for an invalid parameter: `Invalid MAC address: 'x'.` The value is shown at most
 * 200 characters long with control characters replaced by `?`; it is not HTML-escaped (callers
 * render it as text).
 */
export function invalidMessage(quantity: Quantity, value: string): string {
  const cut = value.length > SHOWN_MAX ? `${value.slice(0, SHOWN_MAX)}…` : value;
  return `Invalid ${quantity}: '${cut.replace(CONTROL_RE, "?")}'.`;
}
