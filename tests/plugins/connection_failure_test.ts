import assert from "node:assert/strict";
import { NotFoundError, UpstreamError } from "../../engine/ports.ts";
import { connectionFailure } from "../../plugins/http.ts";

Deno.test("connectionFailure() words a failed connectivity check as the original did", () => {
  const cases: Array<[unknown, string, number | undefined]> = [
    [new UpstreamError("HTTP 502", 502), "JAMF connection failure; response code: 502", 502],
    [new NotFoundError("no /jssuser"), "JAMF connection failure; response code: 404", 404],
    [new TypeError("connection refused"), "JAMF connection failure; connection refused", undefined],
    [new UpstreamError("timed out"), "JAMF connection failure; timed out", undefined],
    ["plain text", "JAMF connection failure; plain text", undefined],
  ];
  for (const [error, message, status] of cases) {
    const failure = connectionFailure("JAMF", error);
    assert.ok(failure instanceof UpstreamError);
    assert.equal(failure.message, message);
    assert.equal(failure.status, status);
  }
});
