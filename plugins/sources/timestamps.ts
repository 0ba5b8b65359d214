/**
 * Reading the timestamps that inventory exports really contain, not only ISO-8601: Windows
 * PowerShell 5.1 `ConvertTo-Json` writes `"\/Date(1796547600000)\/"` (PowerShell/PowerShell#11126;
 * the .NET `DataContractJsonSerializer` form, optionally with a display offset:
 * `/Date(1796547600000+0100)/`, where the number is still UTC milliseconds), Unix tools write epoch
 * seconds, JavaScript and Java write epoch milliseconds, SQL exports write `2026-12-06 09:00:00`,
 * WMI writes `CIM_DATETIME` (`20261206090000.000000+060`, offset in minutes) and HTTP-style tools
 * write RFC 1123 dates. A spelling that is ambiguous (`12/06/2026`: December or June?) is not
 * guessed. One reason to change: a new timestamp spelling seen in exports.
 *
 * @module
 */

/** Why a timestamp could not be read, as shown in a record's `unread` evidence. */
export const UNREADABLE_DATE = "its date is in a format we don't know";

const MS_DATE = /^\\?\/Date\((-?\d{1,15})(?:([+-])(\d{2})(\d{2}))?\)\\?\/$/;
const NUMBER = /^-?\d{1,15}(?:\.\d+)?$/;
const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?\s?(Z|z|UTC|[+-]\d{2}:?\d{2})?)?$/;
const CIM = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})\.(\d{6})([+-])(\d{3})$/;
const RFC1123 =
  /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{1,2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}(?::\d{2})? (?:GMT|UTC|[+-]\d{4})$/;
/** Epoch numbers below this are seconds (it is 5 March 1973 in milliseconds). */
const SECONDS_BELOW = 1e11;

/**
 * A timestamp from an export, in any of the spellings in the module doc. A time without a zone
 * (`2026-12-06 09:00:00`) is read as UTC; a date alone is midnight UTC.
 *
 * @param value the field as parsed from JSON: a string or a number
 * @returns the instant, or `undefined` when the spelling is unknown, ambiguous or out of range
 *   (before 1970 or after 9999)
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(readTimestamp("/Date(1796547600000)/")?.toISOString(), "2026-12-06T09:00:00.000Z");
 * assert.equal(readTimestamp(1796547600)?.toISOString(), "2026-12-06T09:00:00.000Z");
 * assert.equal(readTimestamp("12/06/2026"), undefined); // which day is 12/06?
 * ```
 */
export function readTimestamp(value: unknown): Date | undefined {
  if (typeof value === "number") return fromEpoch(value);
  if (typeof value !== "string") return undefined;
  const s = value.trim();
  const ms = MS_DATE.exec(s);
  if (ms) return valid(new Date(Number(ms[1])));
  if (NUMBER.test(s)) return fromEpoch(Number(s));
  const iso = ISO.exec(s);
  if (iso) return fromIso(iso);
  const cim = CIM.exec(s);
  if (cim) {
    const [, y, mo, d, h, mi, se, micro, sign, off] = cim;
    const utc = Date.UTC(+y!, +mo! - 1, +d!, +h!, +mi!, +se!, Math.floor(+micro! / 1000));
    const offset = (sign === "-" ? -1 : 1) * Number(off) * 60_000;
    return checked(utc - offset, [+y!, +mo!, +d!, +h!, +mi!, +se!]);
  }
  if (RFC1123.test(s)) return valid(new Date(s));
  return undefined;
}

function fromEpoch(n: number): Date | undefined {
  if (!Number.isFinite(n)) return undefined;
  return valid(new Date(Math.abs(n) < SECONDS_BELOW ? n * 1000 : n));
}

function fromIso(m: RegExpExecArray): Date | undefined {
  const [, y, mo, d, h = "00", mi = "00", se = "00", frac = "", zone] = m;
  const ms = Math.floor(Number(`0${frac || ".0"}`) * 1000);
  const local = Date.UTC(+y!, +mo! - 1, +d!, +h, +mi, +se, ms);
  let offset = 0;
  if (zone !== undefined && !/^(?:Z|z|UTC)$/.test(zone)) {
    const z = zone.replace(":", "");
    offset = (z[0] === "-" ? -1 : 1) * (Number(z.slice(1, 3)) * 60 + Number(z.slice(3, 5))) *
      60_000;
  }
  return checked(local - offset, [+y!, +mo!, +d!, +h, +mi, +se]);
}

/** The instant when every part was in range (no 31 February, no hour 25), else `undefined`. */
function checked(ms: number, parts: number[]): Date | undefined {
  const [y, mo, d, h, mi, se] = parts as [number, number, number, number, number, number];
  const back = new Date(Date.UTC(y, mo - 1, d, h, mi, se));
  const same = back.getUTCFullYear() === y && back.getUTCMonth() === mo - 1 &&
    back.getUTCDate() === d && back.getUTCHours() === h && back.getUTCMinutes() === mi &&
    back.getUTCSeconds() === se;
  return same ? valid(new Date(ms)) : undefined;
}

function valid(d: Date): Date | undefined {
  const t = d.getTime();
  return Number.isNaN(t) || t < 0 || d.getUTCFullYear() > 9999 ? undefined : d;
}
