/**
 * Signed-cookie checks remembered per process: a `Cookie` header whose signature was verified
 * once with a secret verifies the same way every time, so the HMAC (a key import and a verify
 * through WebCrypto, about 8 % of a Devices page served from a snapshot in `bench:http`) is done
 * once per header and secret. Only good signatures are remembered; anything else is checked
 * every time. Expiry, revocation and everything after the signature stay per request.
 *
 * @module
 */
import { getSignedCookie } from "hono/cookie";
import type { Ctx } from "./context.ts";

/** Headers remembered at most (oldest forgotten first): 1,024 × a few hundred bytes. */
export const REMEMBERED_MAX = 1024;

const verified = new Map<string, string>();

/**
 * The value of the signed cookie `name`, as `getSignedCookie()` of hono/cookie answers:
 * `undefined` when the request has no cookie of that name, `false` when its signature does not
 * match `secret`, else the value.
 *
 * @param c the request
 * @param secret the HMAC-SHA-256 key text
 * @param name the cookie's name
 * @throws whatever `getSignedCookie()` throws on a malformed header (not remembered)
 */
export async function signedCookie(
  c: Ctx,
  secret: string,
  name: string,
): Promise<string | false | undefined> {
  const header = c.req.header("Cookie");
  if (header === undefined) return undefined;
  const key = `${name}\u0000${secret}\u0000${header}`;
  const known = verified.get(key);
  if (known !== undefined) {
    verified.delete(key); // most recently used last
    verified.set(key, known);
    return known;
  }
  const value = await getSignedCookie(c, secret, name);
  if (typeof value === "string") {
    verified.set(key, value);
    if (verified.size > REMEMBERED_MAX) verified.delete(verified.keys().next().value!);
  }
  return value;
}

/** How many headers are remembered now (for tests). */
export function rememberedCount(): number {
  return verified.size;
}
