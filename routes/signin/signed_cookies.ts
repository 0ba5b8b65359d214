/**
 * Signed JSON cookies — the session cookie and the OIDC pending-sign-in cookie: a JSON payload,
 * base64url-encoded and HMAC-SHA-256-signed by hono/cookie (`value.signature`), with an expiry
 * checked inside the signed value (a cookie's Max-Age is only advice to the browser) and key
 * rotation: written with `SECRET_KEY`, read with it or with `SECRET_KEY_PREVIOUS`.
 *
 * Signatures are checked as hono/cookie's `getSignedCookie()` checks them (same cookie parsing,
 * same `value.signature` format, same answers), but with `node:crypto`'s synchronous HMAC instead
 * of a WebCrypto key import and verify per request: those two asynchronous operations were 14 %
 * of the server's CPU when 400 people each opened a page once (`bench:http`, issue 24). Good
 * signatures are also remembered per process: a `Cookie` header whose signature was verified once
 * with a secret verifies the same way every time. Anything else is checked every time. Expiry,
 * revocation and everything after the signature stay per request.
 *
 * Changes when how such a cookie is signed, encoded, rotated or checked does.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { createHmac, timingSafeEqual } from "node:crypto";
import { deleteCookie, getCookie, setSignedCookie } from "hono/cookie";
import { LRUCache } from "lru-cache";
import type { Config } from "../../config/schema.ts";
import { decodeBase64Url, encodeBase64Url } from "../../lib/base64url.ts";
import type { Ctx } from "../context.ts";

/** Headers remembered at most (least recently used forgotten first): 1,024 × a few hundred bytes. */
export const REMEMBERED_MAX = 1024;

/**
 * Characters (about bytes: cookie headers are ASCII) of the remembered headers and values
 * together, at most: the client writes the whole `Cookie` header (up to Deno's 64 KB), so a count
 * alone would let one valid cookie padded with other cookies pin about 1,024 × 64 KB.
 */
export const REMEMBERED_BYTES_MAX = 4 * 1024 * 1024;

/** A header longer than this (with its value) is checked every time, never remembered. */
const REMEMBERED_ENTRY_MAX = 16 * 1024;

const verified = new LRUCache<string, string>({
  max: REMEMBERED_MAX,
  maxSize: REMEMBERED_BYTES_MAX,
  maxEntrySize: REMEMBERED_ENTRY_MAX,
  sizeCalculation: (value, key) => key.length + value.length,
});
let checks = 0;
// hono/cookie's signature: base64 (with its one `=`) of the 32-byte HMAC-SHA-256
const SIGNATURE_RE = /^[A-Za-z0-9+/]{43}=$/;

/**
 * `getSignedCookie()`'s answer for one cookie value: `undefined` when it has no signature part
 * of the right shape (hono leaves such a cookie out), `false` when the signature does not match
 * `secret`, else the signed value.
 */
function verifySigned(value: string, secret: string): string | false | undefined {
  const at = value.lastIndexOf(".");
  if (at < 0) return undefined;
  const signed = value.substring(0, at);
  const signature = value.substring(at + 1);
  if (signature.length !== 44 || !signature.endsWith("=")) return undefined;
  if (!SIGNATURE_RE.test(signature)) return false; // not base64: hono's atob() throws, so false
  checks++;
  const expected = createHmac("sha256", secret).update(signed).digest();
  const given = Buffer.from(signature, "base64");
  return given.length === expected.length && timingSafeEqual(given, expected) ? signed : false;
}

/**
 * The value of the signed cookie `name`, as `getSignedCookie()` of hono/cookie answers:
 * `undefined` when the request has no cookie of that name, `false` when its signature does not
 * match `secret`, else the value.
 *
 * @param c the request
 * @param secret the HMAC-SHA-256 key text
 * @param name the cookie's name
 * @throws whatever `getCookie()` throws on a malformed header (not remembered)
 */
export function signedCookie(
  c: Ctx,
  secret: string,
  name: string,
): Promise<string | false | undefined> {
  try {
    return Promise.resolve(checkedCookie(c, secret, name));
  } catch (error: unknown) {
    return Promise.reject(error);
  }
}

function checkedCookie(c: Ctx, secret: string, name: string): string | false | undefined {
  const header = c.req.header("Cookie");
  if (header === undefined) return undefined;
  const key = `${name}\u0000${secret}\u0000${header}`;
  const known = verified.get(key);
  if (known !== undefined) return known;
  const raw = getCookie(c, name);
  const value = raw === undefined ? undefined : verifySigned(raw, secret);
  if (typeof value === "string") verified.set(key, value);
  return value;
}

/** How many HMACs were computed to check a signature so far, in this process (for tests). */
export function signatureChecks(): number {
  return checks;
}

/** How many headers are remembered now (for tests). */
export function rememberedCount(): number {
  return verified.size;
}

/** How many characters of headers and values are remembered now (for tests). */
export function rememberedBytes(): number {
  return verified.calculatedSize;
}

/** The keys of signed cookies: written with `current`, read with it or `previous` (rotation). */
export interface CookieKeys {
  current: string;
  previous?: string | undefined;
}

/**
 * The cookie keys of a configuration: `SECRET_KEY`, and `SECRET_KEY_PREVIOUS` during a rotation.
 *
 * @param config the app configuration
 * @returns the keys, or `null` without `SECRET_KEY` (no cookie can be signed or trusted)
 */
export function cookieKeys(
  config: Pick<Config, "SECRET_KEY" | "SECRET_KEY_PREVIOUS">,
): CookieKeys | null {
  if (!config.SECRET_KEY) return null;
  return { current: config.SECRET_KEY, previous: config.SECRET_KEY_PREVIOUS };
}

/**
 * What reading a signed JSON cookie found:
 * - `missing`: the request has no cookie of that name;
 * - `refused`: its signature matches no key, or the header or the payload is malformed;
 * - `expired`: well signed and well formed, but past its expiry;
 * - `valid`: the value, and which key signed it (`previous` means: write it again).
 */
export type CookieRead<T> =
  | { outcome: "missing" }
  | { outcome: "refused" }
  | { outcome: "expired"; value: T }
  | { outcome: "valid"; value: T; key: "current" | "previous" };

/** One signed JSON cookie (see {@link signedJsonCookie}). */
export interface SignedJsonCookie<T> {
  /** The cookie's name. */
  readonly name: string;
  /** Reads and checks the cookie; never throws. */
  read(c: Ctx, options: { keys: CookieKeys; expired: (value: T) => boolean }): Promise<
    CookieRead<T>
  >;
  /** Sets the cookie (HttpOnly) to `value`, signed with `key`. */
  write(
    c: Ctx,
    value: T,
    options: { key: string; secure: boolean; maxAgeSeconds: number },
  ): Promise<void>;
  /** Removes the cookie. */
  clear(c: Ctx, options: { secure: boolean }): void;
}

/**
 * A signed JSON cookie: HMAC-signed base64url JSON, HttpOnly, scoped to `path`.
 *
 * @param spec `name` and `path` of the cookie; `sameSite` (`Lax` when it must come back on a
 *   top-level navigation from another site, like the OIDC callback); `parse` turns the decoded
 *   JSON into a value, or `null` when it is not one (a refused cookie)
 * @returns the cookie's read, write and clear
 * @example A cookie holding a counter that expires
 * ```ts
 * import assert from "node:assert/strict";
 * import { Hono } from "hono";
 * import type { AppEnv } from "../context.ts";
 * const visits = signedJsonCookie({ name: "visits", path: "/", sameSite: "Lax",
 *   parse: (d) => typeof (d as { n?: unknown }).n === "number" ? d as { n: number } : null });
 * const keys = { current: "0123456789abcdef0123456789abcdef" };
 * const write = { key: keys.current, secure: true, maxAgeSeconds: 60 };
 * const app = new Hono<AppEnv>()
 *   .get("/set", async (c) => (await visits.write(c, { n: 1 }, write), c.text("set")))
 *   .get("/read", async (c) => c.json(await visits.read(c, { keys, expired: () => false })));
 * const cookie = (await app.request("/set")).headers.get("set-cookie")!.split(";")[0]!;
 * const read = async (cookie: string) =>
 *   (await app.request("/read", { headers: { cookie } })).json();
 * assert.deepEqual(await read(cookie), { outcome: "valid", value: { n: 1 }, key: "current" });
 * assert.deepEqual(await read(cookie.replace("visits=", "visits=x")), { outcome: "refused" });
 * ```
 */
export function signedJsonCookie<T>(spec: {
  name: string;
  path: string;
  sameSite: "Lax" | "Strict";
  parse: (data: unknown) => T | null;
}): SignedJsonCookie<T> {
  const { name, path } = spec;
  return {
    name,
    async read(c, { keys, expired }) {
      const secrets = [["current", keys.current], ["previous", keys.previous]] as const;
      for (const [which, secret] of secrets) {
        if (secret === undefined) continue;
        let raw: string | false | undefined;
        try {
          raw = await signedCookie(c, secret, name);
        } catch {
          return { outcome: "refused" };
        }
        if (raw === undefined) return { outcome: "missing" };
        if (raw === false) continue;
        const value = decode(raw, spec.parse);
        if (value === null) return { outcome: "refused" };
        if (expired(value)) return { outcome: "expired", value };
        return { outcome: "valid", value, key: which };
      }
      return { outcome: "refused" };
    },
    async write(c, value, { key, secure, maxAgeSeconds }) {
      await setSignedCookie(c, name, encode(value), key, {
        httpOnly: true,
        sameSite: spec.sameSite,
        secure,
        path,
        maxAge: maxAgeSeconds,
      });
    },
    clear(c, { secure }) {
      deleteCookie(c, name, { path, secure });
    },
  };
}

function encode(value: unknown): string {
  return encodeBase64Url(new TextEncoder().encode(JSON.stringify(value)));
}

function decode<T>(raw: string, parse: (data: unknown) => T | null): T | null {
  try {
    return parse(JSON.parse(new TextDecoder().decode(decodeBase64Url(raw))));
  } catch {
    return null;
  }
}
