/**
 * What the form posts share: the string fields of a posted form, the double-submit token check
 * (`_csrf_token` in the form or the `X-CSRF-Token` header, equal to the session's) and the
 * constant-time comparison it — and the OIDC `state` check — is made with. Changes when the way a
 * form proves it came from our own page does.
 *
 * @module
 */
import { HTTPException } from "hono/http-exception";
import type { Ctx } from "../context.ts";

/** What a person is told when a posted form cannot be parsed (a hand-made or broken request). */
export const UNREADABLE_FORM_MESSAGE =
  "This form could not be read. Reload the page and try again.";

/**
 * Compares two strings in constant time (for their length): CSRF tokens, the OIDC `state`.
 *
 * @param a one string (UTF-8 compared)
 * @param b the other
 * @returns whether they are equal
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sameToken } from "./forms.ts";
 * assert.equal(sameToken("3f9a", "3f9a"), true);
 * assert.equal(sameToken("3f9a", "3f9b"), false);
 * ```
 */
export function sameToken(a: string, b: string): boolean {
  const x = new TextEncoder().encode(a);
  const y = new TextEncoder().encode(b);
  let diff = x.length ^ y.length;
  for (let i = 0; i < Math.max(x.length, y.length); i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return diff === 0;
}

/**
 * The string fields of the posted form (`application/x-www-form-urlencoded` or multipart); file
 * fields are left out. The body is already in memory (read whole by `bodyLimits()`), so a parse
 * failure is the body's format — `multipart/form-data` without a usable boundary, say.
 *
 * @param c the request
 * @returns field name → value
 * @throws HTTPException 400 ({@link UNREADABLE_FORM_MESSAGE}) when the body cannot be parsed as
 *   its `Content-Type` says; the app's error handler answers it, nothing reaches the error log
 */
export async function formOf(c: Ctx): Promise<Record<string, string>> {
  let body: Awaited<ReturnType<Ctx["req"]["parseBody"]>>;
  try {
    body = await c.req.parseBody();
  } catch (error: unknown) {
    if (error instanceof HTTPException) throw error;
    throw new HTTPException(400, { message: UNREADABLE_FORM_MESSAGE, cause: error });
  }
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(body)) if (typeof v === "string") out[k] = v;
  return out;
}

/**
 * Whether the form carries the session's double-submit token: `_csrf_token` in the form, else the
 * `X-CSRF-Token` header (htmx), equal to the signed-in person's. False without a session token.
 *
 * @param c the request
 * @param form the posted fields (see {@link formOf})
 * @returns whether the token matches
 */
export function csrfOk(c: Ctx, form: Record<string, string>): boolean {
  const token = form._csrf_token ?? c.req.header("X-CSRF-Token");
  const expected = c.var.user?.csrf;
  return token !== undefined && expected !== undefined && sameToken(token, expected);
}
