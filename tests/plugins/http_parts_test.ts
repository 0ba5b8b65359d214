import assert from "node:assert/strict";
import { UpstreamError } from "../../engine/core/ports.ts";
import { underOwnDeadline } from "../../plugins/http_abort.ts";
import { readBounded } from "../../plugins/http_body.ts";
import { safeUrl, secretRedactor } from "../../plugins/http_redact.ts";
import { nextThrottleStep, RateLimitError } from "../../plugins/retry_after.ts";

Deno.test("readBounded() returns the text up to maxBytes and null past it", async (t) => {
  await t.step("within the limit", async () => {
    assert.equal(await readBounded(new Response("héllo"), 6), "héllo");
  });
  await t.step("no body is the empty text", async () => {
    assert.equal(await readBounded(new Response(null), 6), "");
  });
  await t.step("one byte over, streamed without a length", async () => {
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new TextEncoder().encode("1234"));
        c.enqueue(new TextEncoder().encode("567"));
        c.close();
      },
    });
    assert.equal(await readBounded(new Response(body), 6), null);
  });
  await t.step("a declared Content-Length over the limit is refused unread", async () => {
    let pulled = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(c) {
        pulled++;
        c.enqueue(new Uint8Array(1));
      },
    }, { highWaterMark: 0 });
    const response = new Response(body, { headers: { "Content-Length": "7" } });
    assert.equal(await readBounded(response, 6), null);
    assert.equal(pulled, 0);
  });
});

Deno.test("secretRedactor() hides the client's credentials and token-like query values", () => {
  const clean = secretRedactor({
    query: { api_token: "tok-123456", short: "abc" },
    headers: { Authorization: "Basic dXNlcjpwYXNz", "X-Other": "visible-value" },
  });
  assert.equal(
    clean("GET /x?key=k9 failed: tok-123456 Basic dXNlcjpwYXNz dXNlcjpwYXNz abc visible-value"),
    "GET /x?key=REDACTED failed: REDACTED REDACTED REDACTED abc visible-value",
  );
});

Deno.test("safeUrl() keeps only the origin and path", () => {
  assert.equal(safeUrl("https://u:p@x.example:8443/hook?key=1#f"), "https://x.example:8443/hook");
});

Deno.test("nextThrottleStep() waits Retry-After or the back-off, refuses past retries or maxMs", () => {
  const policy = { retries: 2, maxMs: 30_000, backoffMs: (n: number) => 1000 * 2 ** n };
  assert.deepEqual(nextThrottleStep(new RateLimitError("429", 3000), 0, policy), { wait: 3000 });
  assert.deepEqual(nextThrottleStep(new RateLimitError("429", null), 1, policy), { wait: 2000 });
  assert.deepEqual(nextThrottleStep(new RateLimitError("429", 30_000), 1, policy), {
    wait: 30_000,
  });
  assert.deepEqual(nextThrottleStep(new RateLimitError("429", 30_001), 0, policy), {
    refused: "too long",
    asked: 30_001,
  });
  assert.deepEqual(nextThrottleStep(new RateLimitError("429", 0), 2, policy), {
    refused: "retries",
  });
});

Deno.test("underOwnDeadline() answers the work's value, or fails in words at its own deadline", async () => {
  assert.equal(
    await underOwnDeadline(60_000, "Google token endpoint", () => Promise.resolve(7)),
    7,
  );
  await assert.rejects(
    underOwnDeadline(
      1,
      "Google token endpoint",
      (signal) =>
        new Promise((_, reject) => signal.addEventListener("abort", () => reject(signal.reason))),
    ),
    (e: unknown) =>
      e instanceof UpstreamError &&
      e.message === "Google token endpoint did not answer within 0.001 s",
  );
});
