/**
 * The error code a vendor put in a refused answer's JSON body, so an operator reads
 * "HTTP 401 (invalid_client)" instead of a bare status. Codes only — never descriptions, which
 * can echo what was sent. Changes when a vendor's error shape is added.
 *
 * @module
 */

const CODE_RE = /^[A-Za-z0-9_](?:[A-Za-z0-9_.:-]{0,78}[A-Za-z0-9_])?$/;

function code(value: unknown): string | undefined {
  if (typeof value === "number" && Number.isInteger(value)) return String(value);
  return typeof value === "string" && CODE_RE.test(value) ? value : undefined;
}

function field(value: unknown, key: string): unknown {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)[key]
    : undefined;
}

/**
 * The vendor's error code in a JSON error body, from the shapes these vendors document:
 * - OAuth 2.0 token endpoints (RFC 6749 §5.2; Entra ID, Google, Jamf Pro): `{"error": "invalid_client"}`;
 * - Google APIs: `{"error": {"code": 403, "status": "PERMISSION_DENIED", "errors": [{"reason":
 *   "userRateLimitExceeded"}]}}` → the first `reason`, else `status`;
 * - Microsoft Graph: `{"error": {"code": "Authorization_RequestDenied"}}`;
 * - Jamf Pro API: `{"httpStatus": 401, "errors": [{"code": "INVALID_TOKEN"}]}`;
 * - Elasticsearch: `{"error": {"type": "security_exception"}}`;
 * - a top-level `code` string.
 *
 * @param body the answer's text (read up to a small bound by the caller)
 * @returns the code, or `undefined` when the body is not JSON or carries none
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(
 *   vendorErrorCode('{"error":"invalid_client","error_description":"…"}'),
 *   "invalid_client",
 * );
 * assert.equal(vendorErrorCode("<html>Bad Gateway</html>"), undefined);
 * ```
 */
export function vendorErrorCode(body: string): string | undefined {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return undefined;
  }
  const error = field(json, "error");
  if (typeof error === "string") return code(error);
  const googleErrors = field(error, "errors");
  const firstGoogle = Array.isArray(googleErrors) ? googleErrors[0] : undefined;
  const jamfErrors = field(json, "errors");
  const firstJamf = Array.isArray(jamfErrors) ? jamfErrors[0] : undefined;
  return code(field(firstGoogle, "reason")) ?? code(field(error, "status")) ??
    code(field(error, "type")) ??
    (typeof field(error, "code") === "string" ? code(field(error, "code")) : undefined) ??
    code(field(firstJamf, "code")) ??
    (typeof field(json, "code") === "string" ? code(field(json, "code")) : undefined);
}
