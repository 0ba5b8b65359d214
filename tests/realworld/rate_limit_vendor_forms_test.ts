// Rate limits in each vendor's own form, so they are retried with back-off and worded "rate
// limited" (issue 21). Shapes from the vendors' documents:
// - Google Admin SDK: 403 {"error":{"errors":[{"domain":"usageLimits","reason":
//   "userRateLimitExceeded"}]}} and 429 RESOURCE_EXHAUSTED ("Limits and quotas"; GAM-team/GAM#1643);
//   `dailyLimitExceeded` is a quota that waiting seconds will not lift;
// - Microsoft Graph: 503 Service Unavailable with Retry-After (learn.microsoft.com/graph/throttling);
// - Duo Admin API: 429 {"code": 42901, "message": "Too Many Requests", "stat": "FAIL"}
//   (duo.com/docs/adminapi, "Response Format");
// - Okta: 429 with X-Rate-Limit-Reset, epoch seconds (developer.okta.com "Rate limits").
// A 403 refusing the credentials is not a rate limit.
import assert from "node:assert/strict";
import { rateLimitOf } from "../../plugins/rate_limit.ts";
import { createHttpClient } from "../../plugins/http.ts";
import { startFake } from "../fakes/server.ts";

const NOW = new Date("2026-12-06T09:00:00Z");

Deno.test("rateLimitOf() recognises each vendor's form, and only those", () => {
  const h = (o: Record<string, string> = {}) => new Headers(o);
  const google = (reason: string) => ({
    error: { code: 403, errors: [{ domain: "usageLimits", reason }] },
  });
  assert.deepEqual(
    [
      rateLimitOf(403, h(), google("userRateLimitExceeded"), NOW),
      rateLimitOf(403, h(), JSON.stringify(google("rateLimitExceeded")), NOW),
      rateLimitOf(403, h(), google("dailyLimitExceeded"), NOW),
      rateLimitOf(429, h(), { error: { code: 429, status: "RESOURCE_EXHAUSTED" } }, NOW),
      rateLimitOf(503, h({ "Retry-After": "7" }), { error: { code: "ServiceUnavailable" } }, NOW),
      rateLimitOf(429, h(), { code: 42901, message: "Too Many Requests", stat: "FAIL" }, NOW),
      rateLimitOf(429, h({ "X-Rate-Limit-Reset": "1796547660" }), {}, NOW),
    ],
    [
      { reason: "HTTP 403 userRateLimitExceeded", retryAfterMs: null, retryable: true },
      { reason: "HTTP 403 rateLimitExceeded", retryAfterMs: null, retryable: true },
      { reason: "HTTP 403 dailyLimitExceeded", retryAfterMs: null, retryable: false },
      { reason: "HTTP 429", retryAfterMs: null, retryable: true },
      { reason: "HTTP 503 with Retry-After", retryAfterMs: 7000, retryable: true },
      { reason: "Duo 42901", retryAfterMs: null, retryable: true },
      { reason: "HTTP 429", retryAfterMs: 60_000, retryable: true },
    ],
  );
  const refused = { error: { code: 403, errors: [{ domain: "global", reason: "forbidden" }] } };
  assert.equal(rateLimitOf(403, h(), refused, NOW), null);
  assert.equal(rateLimitOf(503, h(), "", NOW), null);
});

Deno.test("the HTTP client waits out Graph's 503 + Retry-After and says 'rate limited' if it holds", async () => {
  let calls = 0;
  const fake = startFake(() => {
    calls++;
    return new Response(JSON.stringify({ error: { code: "ServiceUnavailable" } }), {
      status: 503,
      headers: { "Retry-After": "2", "Content-Type": "application/json" },
    });
  });
  const waits: number[] = [];
  try {
    const client = createHttpClient({
      name: "Intune",
      baseUrl: fake.url,
      timeoutMs: 10_000,
      sleep: (ms) => {
        waits.push(ms);
        return Promise.resolve();
      },
    });
    await assert.rejects(
      client.getJson("/v1.0/deviceManagement/managedDevices", {
        signal: AbortSignal.timeout(5000),
      }),
      (e: unknown) =>
        e instanceof Error &&
        e.message ===
          "Intune: rate limited (HTTP 503 with Retry-After) for GET /v1.0/deviceManagement/managedDevices",
    );
    assert.deepEqual(waits, [2000, 2000]);
    assert.equal(calls, 3);
  } finally {
    await fake.close();
  }
});
