/**
 * Keeping secrets out of messages about HTTP calls: token-like query values, the credentials a
 * client was built with, and everything of a URL but its origin and path. Changes when a new kind
 * of secret has to be hidden.
 *
 * @module
 */

const SECRET_PARAM_RE =
  /([?&](?:api_token|token|access_token|apikey|api_key|key|password|secret|signature)=)[^&#\s"'):]*/gi;

/**
 * Hides the values of query parameters that usually carry secrets (`api_token`, `token`,
 * `access_token`, `apikey`, `api_key`, `key`, `password`, `secret`, `signature`).
 *
 * @param text any text: a URL, or a message that contains one
 * @returns the text with each such value replaced by `REDACTED`
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(
 *   redactUrl("/users?api_token=s3cret&search=x"),
 *   "/users?api_token=REDACTED&search=x",
 * );
 * ```
 */
export function redactUrl(text: string): string {
  return text.replace(SECRET_PARAM_RE, "$1REDACTED");
}

/**
 * A redactor for one client: hides {@link redactUrl}'s parameters and every credential the client
 * was given — its query values and its `Authorization` header, whole and without the scheme word
 * (`Basic`, `Bearer`). Values shorter than 4 characters are left alone (they would blank out
 * ordinary words).
 *
 * @param credentials the client's fixed query parameters and headers
 * @returns a function that cleans one message
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const clean = secretRedactor({ query: { api_token: "s3cret" } });
 * assert.equal(clean("cannot reach /x: s3cret refused"), "cannot reach /x: REDACTED refused");
 * ```
 */
export function secretRedactor(
  credentials: { query?: Record<string, string>; headers?: Record<string, string> },
): (text: string) => string {
  const secrets = [
    ...Object.values(credentials.query ?? {}),
    ...Object.entries(credentials.headers ?? {})
      .filter(([k]) => k.toLowerCase() === "authorization")
      .flatMap(([, v]) => [v, v.replace(/^\w+\s+/, "")]),
  ].filter((s) => s.length >= 4);
  return (text) => secrets.reduce((t, s) => t.split(s).join("REDACTED"), redactUrl(text));
}

/**
 * The URL without credentials, query or fragment: safe to print.
 *
 * @param url an absolute URL
 * @returns its origin and path
 * @throws {TypeError} when `url` is not an absolute URL
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(safeUrl("https://u:p@x.example/hook?key=1#f"), "https://x.example/hook");
 * ```
 */
export function safeUrl(url: string): string {
  const u = new URL(url);
  return `${u.origin}${u.pathname}`;
}
