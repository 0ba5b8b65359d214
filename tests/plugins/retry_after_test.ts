import assert from "node:assert/strict";
import { UpstreamError } from "../../engine/core/ports.ts";
import { RateLimitError } from "../../plugins/retry_after.ts";
import { withRetryAfter } from "../../plugins/retry_after.ts";

function recorder() {
  const waits: number[] = [];
  return {
    waits,
    sleep: (ms: number) => {
      waits.push(ms);
      return Promise.resolve();
    },
  };
}

Deno.test("withRetryAfter() waits what each 429 asked, then returns the answer", async () => {
  const r = recorder();
  const asks = [new RateLimitError("429", 3000), new RateLimitError("429", null)];
  const answer = await withRetryAfter(() => {
    const next = asks.shift();
    return next ? Promise.reject(next) : Promise.resolve("page");
  }, { name: "Jamf Pro", signal: new AbortController().signal, sleep: r.sleep });
  assert.equal(answer, "page");
  assert.deepEqual(r.waits, [3000, 2000], "Retry-After 3 s, then the second back-off step");
});

Deno.test("withRetryAfter() refuses a Retry-After longer than the limit, naming it", async () => {
  const r = recorder();
  await assert.rejects(
    withRetryAfter(() => Promise.reject(new RateLimitError("429", 3_600_000)), {
      name: "Intune",
      signal: new AbortController().signal,
      sleep: r.sleep,
    }),
    (e: unknown) =>
      e instanceof UpstreamError && e.status === 429 &&
      e.message === "Intune: rate limited (HTTP 429) with Retry-After 3600 s, longer than 120 s",
  );
  assert.deepEqual(r.waits, []);
});

Deno.test("withRetryAfter() passes other errors through untouched, without waiting", async () => {
  const r = recorder();
  const boom = new UpstreamError("HTTP 500", 500);
  await assert.rejects(
    withRetryAfter(() => Promise.reject(boom), {
      name: "Intune",
      signal: new AbortController().signal,
      sleep: r.sleep,
    }),
    (e: unknown) => e === boom,
  );
  assert.deepEqual(r.waits, []);
});
