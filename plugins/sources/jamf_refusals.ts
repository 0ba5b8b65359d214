/**
 * What Jamf Pro refused, in words that name the fix: a token request refused (wrong credentials,
 * no API access, no API client endpoint), a request refused with a token or Basic, an unusable
 * token answer. Changes when those messages change; see `jamf_auth.ts` for when each is thrown.
 *
 * @module
 */
import { NotFoundError, UpstreamError } from "../../engine/core/ports.ts";
import { AuthError } from "../http.ts";
import { OutboundError } from "../outbound.ts";
import type { JamfCredentials } from "./jamf_credentials.ts";

/** The token endpoint of a Jamf Pro account (Basic in, `{token, expires}` out; 10.35+). */
export const ACCOUNT_PATH = "/api/v1/auth/token";
/** The token endpoint of an API client (form body in, `{access_token, expires_in}` out; 10.49+). */
export const CLIENT_PATH = "/api/oauth/token";

/**
 * The error for a failed token request at `path`: 404 to an API client (server too old), 403 (no
 * API access), 401 or an API client's 400 (wrong credentials) become `AuthError`s naming the keys
 * to check; another HTTP status an `UpstreamError`; anything else is returned unchanged.
 *
 * @param error what the token request threw
 * @param path the token endpoint
 * @param kind which credentials were sent
 * @returns the error to throw
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { UpstreamError } from "../../engine/core/ports.ts";
 * const error = refusedToken(new UpstreamError("x", 401), CLIENT_PATH, "client");
 * assert.equal(
 *   (error as Error).message,
 *   "JAMF refused the API client at POST /api/oauth/token (HTTP 401); check JAMF_CLIENT_ID and " +
 *     "JAMF_CLIENT_SECRET, and that the API client is enabled in Jamf Pro",
 * );
 * ```
 */
export function refusedToken(
  error: unknown,
  path: string,
  kind: JamfCredentials["kind"],
): unknown {
  if (error instanceof OutboundError) return error; // a refused redirect or an oversized answer
  const status = error instanceof UpstreamError ? error.status : undefined;
  if (kind === "client" && error instanceof NotFoundError) {
    return new AuthError(
      `JAMF has no API client endpoint (POST ${path} answered 404): API clients need Jamf Pro ` +
        "10.49 or later; on an older server configure JAMF_API_USERNAME and JAMF_API_PASSWORD",
      404,
    );
  }
  if (status === 403) {
    // The credentials were checked and accepted; the account or client may not use the API.
    const who = kind === "client" ? "API client" : "account";
    return new AuthError(
      `JAMF accepted the ${who} but refused it a token at POST ${path} (HTTP 403): give it ` +
        "API access in Jamf Pro (an API role, or an account privilege set allowing the API)",
      403,
    );
  }
  if (status === 401 || (kind === "client" && status === 400)) {
    return new AuthError(
      kind === "client"
        ? `JAMF refused the API client at POST ${path} (HTTP ${status}); check JAMF_CLIENT_ID ` +
          "and JAMF_CLIENT_SECRET, and that the API client is enabled in Jamf Pro"
        : `JAMF refused the account at POST ${path} (HTTP ${status}); check JAMF_API_USERNAME ` +
          "and JAMF_API_PASSWORD, or configure an API client (JAMF_CLIENT_ID, JAMF_CLIENT_SECRET)",
      status,
    );
  }
  if (error instanceof UpstreamError && status !== undefined) {
    // the client's message names the host, port, status and the vendor's error code
    const what = error.message.replace(/^JAMF: /i, "");
    return new UpstreamError(`JAMF token request failed: ${what}`, status);
  }
  return error;
}

/**
 * The error for a request refused after authenticating: 403 (a missing privilege), 401 to Basic
 * (the server has no token endpoint), or 401 to a fresh token.
 *
 * @param error the request's `AuthError` (status 401 or 403)
 * @param where method and path, e.g. `GET /JSSResource/users/email/x`
 * @param auth how the request authenticated: `scheme` and `describe()` of the token holder
 * @returns the `AuthError` to throw
 */
export function refusedRequest(
  error: AuthError,
  where: string,
  auth: { scheme: "bearer" | "basic" | null; describe(): string },
): AuthError {
  if (error.status === 403) {
    return new AuthError(
      `JAMF accepted the credentials but refused ${where} (HTTP 403): the account or API ` +
        "client lacks a privilege this needs (Read Computers, Read Users)",
      403,
    );
  }
  if (auth.scheme === "basic") {
    return new AuthError(
      `JAMF refused Basic authentication for ${where} (HTTP 401) and the server has no token ` +
        `endpoint (${ACCOUNT_PATH} answered 404): check JAMF_API_USERNAME and JAMF_API_PASSWORD; ` +
        "if Basic authentication is turned off on this server, configure an API client",
      401,
    );
  }
  return new AuthError(
    `JAMF refused a fresh ${auth.describe()} for ${where} (HTTP 401): the credentials were ` +
      "accepted, so the server refuses this request itself (API access or Basic-only endpoint)",
    401,
  );
}

/**
 * The error for a token answer without a usable token.
 *
 * @param path the token endpoint
 * @returns an `UpstreamError` naming it
 */
export function unusable(path: string): UpstreamError {
  return new UpstreamError(`JAMF: POST ${path} answered without a usable token`);
}
