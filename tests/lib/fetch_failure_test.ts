/**
 * `fetchFailure()` on the errors Deno 2.9.6's `fetch` throws (messages copied from real failures:
 * a closed port, a DNS name that does not resolve, TLS to a plain HTTP port, a self-signed
 * certificate, a connection closed mid-answer, fetch's blocked ports) and `vendorErrorCode()` on
 * the vendors' documented error bodies.
 *
 * @module
 */
import assert from "node:assert/strict";
import { cannotReach, fetchFailure, hostPort } from "../../lib/fetch_failure.ts";
import { vendorErrorCode } from "../../lib/vendor_error.ts";

/** What Deno's fetch throws: TypeError("fetch failed") with the client's error as its cause. */
function denoError(cause: string): TypeError {
  return new TypeError("fetch failed", { cause: new Error(cause) });
}

Deno.test("fetchFailure() names host, port and cause for each way Deno's fetch fails", () => {
  const cases: [string, unknown, ReturnType<typeof fetchFailure>][] = [
    [
      "http://127.0.0.1:34621/x",
      denoError(
        "error sending request for url (http://127.0.0.1:34621/x): client error (Connect): tcp " +
          "connect error: Connection refused (os error 111)",
      ),
      { host: "127.0.0.1", port: 34621, kind: "refused", cause: "connection refused" },
    ],
    [
      "https://jamf.example.invalid:8443/x",
      denoError(
        "error sending request for url (https://jamf.example.invalid:8443/x): client error " +
          "(Connect): dns error: failed to lookup address information: Name or service not known",
      ),
      {
        host: "jamf.example.invalid",
        port: 8443,
        kind: "dns",
        cause: "DNS lookup of jamf.example.invalid failed (Name or service not known)",
      },
    ],
    [
      "https://127.0.0.1:33027/x",
      denoError(
        "error sending request for url (https://127.0.0.1:33027/x): client error (Connect): " +
          "received corrupt message of type InvalidContentType",
      ),
      {
        host: "127.0.0.1",
        port: 33027,
        kind: "tls",
        cause: "TLS handshake failed (the port answered something other than TLS: plain HTTP?)",
      },
    ],
    [
      "https://127.0.0.1:33587/x",
      denoError(
        "error sending request for url (https://127.0.0.1:33587/x): client error (Connect): " +
          "invalid peer certificate: Other(OtherError(CaUsedAsEndEntity))",
      ),
      {
        host: "127.0.0.1",
        port: 33587,
        kind: "tls",
        cause: "TLS: the certificate is not trusted (self-signed or unknown issuer: " +
          "Other(OtherError(CaUsedAsEndEntity)))",
      },
    ],
    [
      "https://mdm.example.com/x",
      denoError(
        "error sending request for url (https://mdm.example.com/x): client error (Connect): " +
          "invalid peer certificate: NotValidForName",
      ),
      {
        host: "mdm.example.com",
        port: 443,
        kind: "tls",
        cause: "TLS: the certificate is not valid for mdm.example.com",
      },
    ],
    [
      "http://127.0.0.1:41363/x?token=s3cret",
      denoError(
        "error sending request from 127.0.0.1:60474 for http://127.0.0.1:41363/x?token=s3cret " +
          "(127.0.0.1:41363): client error (SendRequest): connection closed before message " +
          "completed",
      ),
      {
        host: "127.0.0.1",
        port: 41363,
        kind: "closed",
        cause: "the connection closed before an answer",
      },
    ],
    [
      "http://127.0.0.1:9/api/oauth/token",
      new TypeError("Fetch failed: Requests to port 9 are blocked"),
      {
        host: "127.0.0.1",
        port: 9,
        kind: "blocked",
        cause: "fetch refuses port 9 (a port reserved for other protocols)",
      },
    ],
    [
      "http://[::1]:8080/x",
      new DOMException("Signal timed out.", "TimeoutError"),
      { host: "[::1]", port: 8080, kind: "timeout", cause: "timed out" },
    ],
    [
      "http://10.0.0.7/x",
      denoError(
        "error sending request for url (http://10.0.0.7/x?key=s3cret): client error (Connect): " +
          "something new",
      ),
      { host: "10.0.0.7", port: 80, kind: "other", cause: "something new" },
    ],
  ];
  for (const [url, error, expected] of cases) {
    assert.deepEqual(fetchFailure(error, url), expected, url);
  }
});

Deno.test("cannotReach() reads 'cannot reach HOST:PORT (REQUEST): CAUSE'", () => {
  const refused = denoError(
    "error sending request for url (http://127.0.0.1:8443/api/oauth/token): client error " +
      "(Connect): tcp connect error: Connection refused (os error 111)",
  );
  assert.equal(
    cannotReach("http://127.0.0.1:8443/api/oauth/token", "POST /api/oauth/token", refused),
    "cannot reach 127.0.0.1:8443 (POST /api/oauth/token): connection refused",
  );
  assert.equal(hostPort("https://jamf.example.com/JSSResource"), "jamf.example.com:443");
  assert.equal(hostPort(new URL("http://[::1]:3000/")), "[::1]:3000");
});

Deno.test("vendorErrorCode() reads the code of each vendor's documented error body, never its description", () => {
  const cases: [string, string | undefined][] = [
    [
      '{"error":"invalid_client","error_description":"Client authentication failed"}',
      "invalid_client",
    ],
    [
      '{"error":{"code":403,"message":"Quota","status":"PERMISSION_DENIED","errors":[{"domain":"usageLimits","reason":"userRateLimitExceeded"}]}}',
      "userRateLimitExceeded",
    ],
    ['{"error":{"code":404,"message":"Not found","status":"NOT_FOUND"}}', "NOT_FOUND"],
    [
      '{"error":{"code":"Authorization_RequestDenied","message":"Insufficient privileges"}}',
      "Authorization_RequestDenied",
    ],
    [
      '{"httpStatus":401,"errors":[{"code":"INVALID_TOKEN","description":"…","id":"0"}]}',
      "INVALID_TOKEN",
    ],
    [
      '{"error":{"type":"security_exception","reason":"missing authentication"},"status":401}',
      "security_exception",
    ],
    ['{"error":"a sentence with spaces that could echo input"}', undefined],
    ['{"message":"unavailable"}', undefined],
    ["<html><body>502 Bad Gateway</body></html>", undefined],
    ["", undefined],
  ];
  for (const [body, code] of cases) assert.equal(vendorErrorCode(body), code, body);
});
