/**
 * The HTTP `Basic` authorization value (RFC 7617). Changes only if that scheme's encoding changes.
 *
 * @module
 */

/**
 * The value of an HTTP Basic `Authorization` header: `Basic ` and the base64 of
 * `username:password` in UTF-8 (RFC 7617 §2.1, with `charset="UTF-8"`). Callers that must encode
 * the parts first (OAuth client credentials, RFC 6749 §2.3.1) pass them encoded.
 *
 * @param username the user id (must not contain `:`)
 * @param password the password
 * @returns the header value
 * @example Credentials of RFC 7617 style
 * ```ts
 * import assert from "node:assert/strict";
 * import { basicAuth } from "./basic_auth.ts";
 * assert.equal(basicAuth("user", "pass"), "Basic dXNlcjpwYXNz");
 * ```
 */
export function basicAuth(username: string, password: string): string {
  const bytes = new TextEncoder().encode(`${username}:${password}`);
  return `Basic ${btoa(String.fromCharCode(...bytes))}`;
}
