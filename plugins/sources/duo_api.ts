/**
 * Duo Admin API v2 helpers: request signing (Duo's documented HMAC-SHA1 scheme) and parsing of
 * authentication log entries into access events (spec §2.7, §3.5).
 *
 * @module
 */
import { plainAddress } from "../../engine/identity/addresses.ts";
import { z } from "zod";
import type { AccessEvent } from "../../engine/core/types.ts";
import { foldEmail } from "../../engine/identity/emails.ts";
import { encodeHex } from "../../lib/hex.ts";
import { basicAuth } from "../../lib/basic_auth.ts";

/** What a signed Duo request needs. */
export interface DuoRequest {
  method: string;
  /** The API host name, e.g. `api-xxxxxxxx.duosecurity.com`. */
  host: string;
  path: string;
  params: Record<string, string>;
  /** RFC 2822 date, also sent as the `Date` header. */
  date: string;
  ikey: string;
  skey: string;
}

const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const encoder = new TextEncoder();

/**
 * A date as RFC 2822 in UTC, the way Duo's clients write it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(rfc2822(new Date("2012-08-21T17:29:18Z")), "Tue, 21 Aug 2012 17:29:18 -0000");
 * ```
 */
export function rfc2822(date: Date): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `${DAYS[date.getUTCDay()]}, ${p(date.getUTCDate())} ${MONTHS[date.getUTCMonth()]} ` +
    `${date.getUTCFullYear()} ${p(date.getUTCHours())}:${p(date.getUTCMinutes())}:` +
    `${p(date.getUTCSeconds())} -0000`;
}

/** RFC 3986 percent-encoding (only `A-Z a-z 0-9 - . _ ~` stay as they are). */
function encode(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/**
 * The canonical request Duo signs: date, method, host, path and the sorted, encoded parameters,
 * one per line.
 */
export function canonicalRequest(req: Omit<DuoRequest, "ikey" | "skey">): string {
  const params = Object.keys(req.params).sort()
    .map((k) => `${encode(k)}=${encode(req.params[k]!)}`)
    .join("&");
  return [req.date, req.method.toUpperCase(), req.host.toLowerCase(), req.path, params].join("\n");
}

/**
 * The `Date` and `Authorization` headers of a signed Duo request (HMAC-SHA1 of the canonical
 * request with the secret key; Basic auth `ikey:hex-signature`).
 *
 * @example Duo's documented example
 * ```ts
 * import assert from "node:assert/strict";
 * // the example request of Duo's Admin API documentation ("Authentication"), with its keys
 * const headers = await signDuoRequest({ method: "POST", host: "api-xxxxxxxx.duosecurity.com",
 *   path: "/accounts/v1/account/list", params: { realname: "First Last", username: "root" },
 *   date: "Tue, 21 Aug 2012 17:29:18 -0000", ikey: "DIWJ8X6AEYOR5OMC6TQ1",
 *   skey: "Zh5eGmUq9zpfQnyUIu5OL9iWoMMv5ZNmk3zLJ4Ep" });
 * assert.deepEqual(headers, {
 *   Date: "Tue, 21 Aug 2012 17:29:18 -0000",
 *   // Basic base64("DIWJ8X6AEYOR5OMC6TQ1:" + the HMAC-SHA1 the documentation gives)
 *   Authorization: "Basic RElXSjhYNkFFWU9SNU9NQzZUUTE6MmQ5N2Q2MTY2MzE5NzgxYjVhM2EwN2FmMzlkMzY2Zj" +
 *     "Q5MTIzNGVkYw==",
 * });
 * ```
 */
export async function signDuoRequest(
  req: DuoRequest,
): Promise<{ Date: string; Authorization: string }> {
  const key = await crypto.subtle.importKey(
    "raw",
    encoder.encode(req.skey),
    { name: "HMAC", hash: "SHA-1" },
    false,
    ["sign"],
  );
  const mac = await crypto.subtle.sign("HMAC", key, encoder.encode(canonicalRequest(req)));
  return { Date: req.date, Authorization: basicAuth(req.ikey, encodeHex(mac)) };
}

const optString = z.string().nullish();
const named = z.looseObject({ name: optString }).nullish();

/** One entry of `/admin/v2/logs/authentication` (the fields we read). */
const AuthLog = z.looseObject({
  txid: optString,
  timestamp: z.number(),
  factor: optString,
  result: optString,
  reason: optString,
  event_type: optString,
  user: named,
  application: named,
  auth_device: named,
  access_device: z.looseObject({
    ip: optString,
    location: z.looseObject({ city: optString, state: optString, country: optString }).nullish(),
  }).nullish(),
});

/** A page of the v2 authentication log. */
export const AuthLogPage = z.looseObject({
  response: z.looseObject({
    authlogs: z.array(z.unknown()),
    metadata: z.looseObject({ next_offset: z.array(z.union([z.string(), z.number()])).nullish() })
      .nullish(),
  }),
});

/**
 * The key a Duo user name is stored under, lower-cased: the whole address when Duo logged one
 * (`alice@example.com`, so `alice@partner.example` never reads Alice's sign-ins), else the bare
 * name Duo's username normalisation left (`alice`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(duoUsername("Alice@Example.com"), "alice@example.com");
 * assert.equal(duoUsername("alice"), "alice");
 * ```
 */
export function duoUsername(name: string): string {
  return foldEmail(name);
}

/**
 * The keys a person's Duo sign-ins can be stored under: their whole address, and the bare local
 * part for Duo user names that carry no domain — only when the address is in `usernameDomain`
 * (the domain Duo's username normalisation strips), or for any address when it is not known.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.deepEqual(duoKeysFor("Alice@example.com", "example.com"), ["alice@example.com", "alice"]);
 * assert.deepEqual(duoKeysFor("alice@partner.example", "example.com"), ["alice@partner.example"]);
 * ```
 */
export function duoKeysFor(email: string, usernameDomain?: string): string[] {
  const whole = foldEmail(email);
  const at = whole.lastIndexOf("@");
  if (at < 0) return [whole];
  const domain = whole.slice(at + 1);
  if (usernameDomain !== undefined && domain !== foldEmail(usernameDomain)) return [whole];
  return [whole, whole.slice(0, at)];
}

/**
 * Turns one authentication log entry into an access event with plain-text `content`.
 *
 * @param raw the entry
 * @param options `debug` keeps the raw entry
 * @returns the event, or `null` when the entry has no usable timestamp or user
 */
export function toEvent(raw: unknown, options: { debug: boolean }): AccessEvent | null {
  const parsed = AuthLog.safeParse(raw);
  if (!parsed.success || !parsed.data.user?.name) return null;
  const e = parsed.data;
  const timestamp = new Date(e.timestamp * 1000);
  if (Number.isNaN(timestamp.getTime())) return null;
  // Duo has answered `access_device.ip` with a port ("10.8.1.5:1234"): keep the address only.
  const ip = plainAddress(e.access_device?.ip ?? "");
  // A GeoIP lookup with no answer leaves `null`, `""` or a "-" placeholder: that part is unknown.
  const where = [e.access_device?.location?.city, e.access_device?.location?.state]
    .concat(e.access_device?.location?.country)
    .map((s) => s?.trim())
    .filter((s): s is string => typeof s === "string" && s !== "" && s !== "-");
  // A line per fact Duo gave; an absent one (an enrolment has no reason) is left out, not blank.
  const facts: [string, string | null | undefined][] = [
    ["IP", ip],
    ["Location", where.join(", ")],
    ["Event Type", e.event_type],
    ["Device", e.auth_device?.name],
    ["Factor", e.factor],
    ["Integration", e.application?.name],
    ["Result", e.result],
    ["Reason", e.reason],
  ];
  const lines = [
    `Duo Authentication: ${timestamp.toISOString()}`,
    ...facts.filter(([, v]) => typeof v === "string" && v !== "").map(([k, v]) => `${k}: ${v}`),
  ];
  const event: AccessEvent = {
    source: "duo",
    type: e.factor ?? "unknown",
    success: (e.result ?? "").toLowerCase() === "success",
    reason: e.reason ?? "",
    ip_address: ip,
    timestamp,
    username: duoUsername(e.user!.name!),
    content: lines.join("\n"),
  };
  if (e.txid) event.id = e.txid;
  if (where.length > 0) event.place = where.join(", ");
  if (options.debug) (event as AccessEvent & { _raw?: unknown })._raw = raw;
  return event;
}
