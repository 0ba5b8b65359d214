import assert from "node:assert/strict";
import { NotFoundError, UpstreamError } from "../../engine/core/ports.ts";
import { connectionFailure } from "../../plugins/http.ts";

Deno.test("connectionFailure() words a failed connectivity check with where and why", () => {
  const cases: Array<[unknown, string, number | undefined]> = [
    [
      new UpstreamError(
        "JAMF: received invalid response code (502) for j.example:443 (GET /)",
        502,
      ),
      "JAMF: received invalid response code (502) for j.example:443 (GET /)",
      502,
    ],
    [
      new NotFoundError("JAMF: j.example:443 (GET /JSSResource/jssuser) not found"),
      "JAMF: j.example:443 (GET /JSSResource/jssuser) not found",
      404,
    ],
    [
      new UpstreamError("jamf: cannot reach j.example:8443 (GET /x): connection refused"),
      "jamf: cannot reach j.example:8443 (GET /x): connection refused",
      undefined,
    ],
    [new TypeError("connection refused"), "JAMF: connection refused", undefined],
    [new UpstreamError("timed out"), "JAMF: timed out", undefined],
    ["plain text", "JAMF: plain text", undefined],
    [
      new UpstreamError(
        "JAMF token request failed: received invalid response code (418) for x",
        418,
      ),
      "JAMF token request failed: received invalid response code (418) for x",
      418,
    ],
  ];
  for (const [error, message, status] of cases) {
    const failure = connectionFailure("JAMF", error);
    assert.ok(failure instanceof UpstreamError);
    assert.equal(failure.message, message);
    assert.equal(failure.status, status);
  }
});
