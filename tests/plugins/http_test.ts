/**
 * Over 300 lines: one test per documented behaviour of the shared HTTP client (statuses, 429/Retry-
 * After, 5xx retries, deadlines, body limit, redaction), sharing the fake and client builders.
 *
 * @module
 */
import assert from "node:assert/strict";
import { NotFoundError, UpstreamError } from "../../engine/core/ports.ts";
import { AuthError, basicAuth, createHttpClient } from "../../plugins/http.ts";
import { redactUrl } from "../../plugins/http_redact.ts";
import { RateLimitError, retryAfterMs } from "../../plugins/retry_after.ts";
import { json, startFake } from "../fakes/server.ts";

const SECRET = "s3cret-token-value";

function fakeWithClient(
  extra: { timeoutMs?: number | null; maxBytes?: number; rateLimitRetries?: number } = {},
) {
  const fake = startFake((req) => {
    if (req.url.pathname === "/things/1") return json({ id: 1, name: "thing" });
    if (req.url.pathname === "/echo") return json({ method: req.method, body: req.body });
    return json({ error: "no such thing" }, 404);
  });
  const client = createHttpClient({
    name: "Fake",
    baseUrl: fake.url + "/",
    timeoutMs: extra.timeoutMs ?? null,
    headers: { "X-Custom": "yes" },
    query: { api_token: SECRET },
    backoffMs: 5,
    ...(extra.maxBytes === undefined ? {} : { maxBytes: extra.maxBytes }),
    ...(extra.rateLimitRetries === undefined ? {} : { rateLimitRetries: extra.rateLimitRetries }),
  });
  return { fake, client };
}

const signal = () => new AbortController().signal;

Deno.test("createHttpClient() getJson parses the answer and sends headers and query", async () => {
  const { fake, client } = fakeWithClient();
  try {
    const body = await client.getJson("things/1", { signal: signal(), query: { a: "b c" } });
    assert.deepEqual(body, { id: 1, name: "thing" });
    assert.equal(fake.requests.length, 1);
    const req = fake.requests[0]!;
    assert.equal(req.url.pathname, "/things/1");
    assert.equal(req.url.searchParams.get("api_token"), SECRET);
    assert.equal(req.url.searchParams.get("a"), "b c");
    assert.equal(req.headers.get("accept"), "application/json");
    assert.equal(req.headers.get("x-custom"), "yes");
  } finally {
    await fake.close();
  }
});

Deno.test("createHttpClient() postJson sends a JSON body", async () => {
  const { fake, client } = fakeWithClient();
  try {
    const body = await client.postJson("/echo", { hello: "world" }, { signal: signal() });
    assert.deepEqual(body, { method: "POST", body: '{"hello":"world"}' });
    assert.equal(fake.requests[0]!.headers.get("content-type"), "application/json");
  } finally {
    await fake.close();
  }
});

Deno.test("createHttpClient() maps statuses to typed errors without retrying 4xx", async (t) => {
  const { fake, client } = fakeWithClient({ rateLimitRetries: 0 });
  try {
    await t.step("404 is NotFoundError", async () => {
      fake.requests.length = 0;
      await assert.rejects(client.getJson("/missing", { signal: signal() }), NotFoundError);
      assert.equal(fake.requests.length, 1);
    });
    for (const status of [401, 403]) {
      await t.step(`${status} is AuthError saying authentication failed`, async () => {
        fake.requests.length = 0;
        fake.fail({ kind: "status", status });
        const error = await client.getJson("/things/1", { signal: signal() }).catch((e) => e);
        assert.ok(error instanceof AuthError);
        assert.ok(error instanceof UpstreamError);
        assert.equal(error.status, status);
        assert.match(error.message, /authentication failed/);
        assert.equal(fake.requests.length, 1);
      });
    }
    await t.step("400 is UpstreamError with status, tried once", async () => {
      fake.requests.length = 0;
      fake.fail({ kind: "status", status: 400 });
      const error = await client.getJson("/things/1", { signal: signal() }).catch((e) => e);
      assert.ok(error instanceof UpstreamError);
      assert.equal(error.status, 400);
      assert.equal(
        error.message,
        `Fake: received invalid response code (400) for ${
          new URL(fake.url).host
        } (GET /things/1?api_token=REDACTED)`,
      );
      assert.equal(fake.requests.length, 1);
    });
    await t.step(
      "429 is RateLimitError carrying Retry-After, tried once (rateLimitRetries 0)",
      async () => {
        fake.requests.length = 0;
        fake.fail({ kind: "status", status: 429, headers: { "Retry-After": "2" } });
        const error = await client.getJson("/things/1", { signal: signal() }).catch((e) => e);
        assert.ok(error instanceof RateLimitError);
        assert.equal(error.retryAfterMs, 2000);
        assert.equal(fake.requests.length, 1);
      },
    );
  } finally {
    await fake.close();
  }
});

function throttledClient(timeoutMs: number | null = null) {
  const fake = startFake(() => json({ id: 1 }));
  const waits: number[] = [];
  const client = createHttpClient({
    name: "Fake",
    baseUrl: fake.url,
    timeoutMs,
    sleep: (ms) => {
      waits.push(ms);
      return Promise.resolve();
    },
  });
  return { fake, client, waits };
}

Deno.test("createHttpClient() waits out a 429 as Retry-After says (seconds or HTTP date), then answers", async (t) => {
  const { fake, client, waits } = throttledClient();
  try {
    await t.step("delta-seconds", async () => {
      fake.fail({ kind: "status", status: 429, headers: { "Retry-After": "3" }, times: 2 });
      assert.deepEqual(await client.getJson("/x", { signal: signal() }), { id: 1 });
      assert.deepEqual(waits, [3000, 3000]);
      assert.equal(fake.requests.length, 3);
    });
    await t.step("an HTTP date already past is no wait", async () => {
      waits.length = 0;
      fake.requests.length = 0;
      const past = "Wed, 21 Oct 2015 07:28:00 GMT";
      fake.fail({ kind: "status", status: 429, headers: { "Retry-After": past }, times: 1 });
      assert.deepEqual(await client.getJson("/x", { signal: signal() }), { id: 1 });
      assert.deepEqual(waits, [0]);
      assert.equal(fake.requests.length, 2);
    });
  } finally {
    await fake.close();
  }
});

Deno.test("createHttpClient() gives up on endless 429s after 2 waits, and never waits 1e9 s", async (t) => {
  const { fake, client, waits } = throttledClient();
  try {
    await t.step("endless 429 with Retry-After 0", async () => {
      fake.fail({ kind: "status", status: 429, headers: { "Retry-After": "0" } });
      const error = await client.getJson("/x", { signal: signal() }).catch((e) => e);
      assert.ok(error instanceof RateLimitError);
      assert.deepEqual(waits, [0, 0]);
      assert.equal(fake.requests.length, 3);
    });
    await t.step("Retry-After 1000000000 fails at once, carrying the asked wait", async () => {
      waits.length = 0;
      fake.requests.length = 0;
      fake.fail({ kind: "status", status: 429, headers: { "Retry-After": "1000000000" } });
      const error = await client.getJson("/x", { signal: signal() }).catch((e) => e);
      assert.ok(error instanceof RateLimitError);
      assert.equal(error.retryAfterMs, 1e12);
      assert.deepEqual(waits, []);
      assert.equal(fake.requests.length, 1);
    });
  } finally {
    await fake.close();
  }
});

Deno.test("createHttpClient() does not wait out a Retry-After longer than its own deadline", async () => {
  const { fake, client, waits } = throttledClient(5000);
  try {
    fake.fail({ kind: "status", status: 429, headers: { "Retry-After": "6" } });
    const error = await client.getJson("/x", { signal: signal() }).catch((e) => e);
    assert.ok(error instanceof RateLimitError);
    assert.deepEqual(waits, []);
    assert.equal(fake.requests.length, 1);
  } finally {
    await fake.close();
  }
});

Deno.test("createHttpClient() retries 5xx three times, then reports the status", async () => {
  const { fake, client } = fakeWithClient();
  try {
    fake.fail({ kind: "status", status: 503 });
    const error = await client.getJson("/things/1", { signal: signal() }).catch((e) => e);
    assert.ok(error instanceof UpstreamError);
    assert.equal(error.status, 503);
    assert.equal(fake.requests.length, 4);
    assert.ok(!error.message.includes(SECRET));
  } finally {
    await fake.close();
  }
});

Deno.test("createHttpClient() succeeds when a 5xx clears before the retries run out", async () => {
  const { fake, client } = fakeWithClient();
  try {
    fake.fail({ kind: "status", status: 500, times: 2 });
    assert.deepEqual(await client.getJson("/things/1", { signal: signal() }), {
      id: 1,
      name: "thing",
    });
    assert.equal(fake.requests.length, 3);
  } finally {
    await fake.close();
  }
});

Deno.test("createHttpClient() retries transport errors and redacts the failure", async () => {
  let calls = 0;
  const client = createHttpClient({
    name: "Down",
    baseUrl: "http://127.0.0.1:9",
    timeoutMs: null,
    query: { api_token: SECRET },
    backoffMs: 1,
    fetch: (input) => {
      calls++;
      return Promise.reject(
        new TypeError("fetch failed", {
          cause: new Error(
            `error sending request for url (${String(input)}): client error (Connect): ` +
              "tcp connect error: Connection refused (os error 111)",
          ),
        }),
      );
    },
  });
  const error = await client.getJson("/x", { signal: signal() }).catch((e) => e);
  assert.equal(calls, 4);
  assert.ok(error instanceof UpstreamError);
  assert.equal(
    error.message,
    "Down: cannot reach 127.0.0.1:9 (GET /x?api_token=REDACTED): connection refused",
  );
  assert.ok(!error.message.includes(SECRET), error.message);
});

Deno.test("createHttpClient() reports malformed JSON", async () => {
  const { fake, client } = fakeWithClient();
  try {
    fake.fail({ kind: "malformed" });
    await assert.rejects(
      client.getJson("/things/1", { signal: signal() }),
      (e: unknown) =>
        e instanceof UpstreamError &&
        e.message === "Fake: GET /things/1?api_token=REDACTED answered malformed JSON",
    );
    assert.equal(fake.requests.length, 1);
  } finally {
    await fake.close();
  }
});

/**
 * A client whose `fetch` records each request and hands back what `answer` gives, and whose waits
 * between attempts are recorded instead of slept.
 */
function clientOver(
  answer: (init: RequestInit | undefined) => Promise<Response>,
  extra: { maxBytes?: number } = {},
) {
  const asked: string[] = [];
  const waits: number[] = [];
  const client = createHttpClient({
    name: "Fake",
    baseUrl: "http://127.0.0.1:9/",
    timeoutMs: null,
    query: { api_token: SECRET },
    backoffMs: 5,
    fetch: (input, init) => {
      asked.push(String(input));
      return answer(init);
    },
    sleep: (ms) => {
      waits.push(ms);
      return Promise.resolve();
    },
    ...extra,
  });
  return { client, asked, waits };
}

Deno.test("createHttpClient() stops at the caller's signal and never retries after it", async () => {
  // The upstream never answers: like fetch, it only rejects (with the signal's reason) when the
  // signal aborts, and the caller aborts once the request is in flight. A client that ignored the
  // signal would leave nothing to run, which Deno reports as a failed test.
  const controller = new AbortController();
  const reason = new Error("deadline passed");
  const { client, asked, waits } = clientOver((init) => {
    const hung = new Promise<Response>((_, reject) => {
      const s = init?.signal;
      s?.addEventListener("abort", () => reject(s.reason), { once: true });
    });
    queueMicrotask(() => controller.abort(reason));
    return hung;
  });
  await assert.rejects(
    client.getJson("/things/1", { signal: controller.signal }),
    (e) => e === reason,
  );
  assert.equal(asked.length, 1, "asked again after the abort");
  assert.deepEqual(waits, [], "waited to retry after the abort");
});

Deno.test("createHttpClient() applies its own timeout when the upstream hangs", async () => {
  const { fake, client } = fakeWithClient({ timeoutMs: 150 });
  try {
    fake.fail({ kind: "hang" });
    await assert.rejects(
      client.getJson("/things/1", { signal: signal() }),
      new RegExp(
        `^UpstreamError: Fake: ${
          new URL(fake.url).host
        } \\(GET /things/1\\?api_token=REDACTED\\) did not answer within 0\\.15 s$`,
      ),
    );
  } finally {
    await fake.close();
  }
});

Deno.test("createHttpClient() waits for a slow upstream within the deadline", async () => {
  const { fake, client } = fakeWithClient({ timeoutMs: 2000 });
  try {
    fake.fail({ kind: "slow", ms: 150 });
    assert.deepEqual(await client.getJson("/things/1", { signal: signal() }), {
      id: 1,
      name: "thing",
    });
  } finally {
    await fake.close();
  }
});

Deno.test("createHttpClient() refuses a body larger than maxBytes", async (t) => {
  const { fake, client } = fakeWithClient({ maxBytes: 1024 * 1024 });
  try {
    await t.step("streamed without Content-Length: stops reading early", async () => {
      // 512 MiB in 64 KiB chunks, counted as the client pulls them
      const CHUNK = 64 * 1024;
      let pulled = 0;
      let cancelled = false;
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (pulled >= 512 * 1024 * 1024) return controller.close();
          controller.enqueue(new Uint8Array(CHUNK).fill(0x20));
          pulled += CHUNK;
        },
        cancel() {
          cancelled = true;
        },
      }, { highWaterMark: 0 });
      const { client: streaming } = clientOver(
        () =>
          Promise.resolve(new Response(body, { headers: { "Content-Type": "application/json" } })),
        { maxBytes: 1024 * 1024 },
      );
      await assert.rejects(
        streaming.getJson("/things/1", { signal: signal() }),
        /Fake: GET \/things\/1\?api_token=REDACTED answered more than 1048576 bytes/,
      );
      // stopped one chunk past the limit, and let the upstream go
      assert.ok(pulled <= 1024 * 1024 + CHUNK, `pulled ${pulled} bytes`);
      assert.equal(cancelled, true);
    });
    await t.step("declared Content-Length: refused before reading", async () => {
      fake.fail({ kind: "huge", bytes: 2 * 1024 * 1024, declared: true });
      await assert.rejects(client.getJson("/things/1", { signal: signal() }), /more than/);
    });
  } finally {
    await fake.close();
  }
});

Deno.test("redactUrl() hides token-like query values", () => {
  assert.equal(redactUrl("/u?api_token=abc&search=x"), "/u?api_token=REDACTED&search=x");
  assert.equal(redactUrl("GET /u?search=x&token=abc"), "GET /u?search=x&token=REDACTED");
  assert.equal(redactUrl("/u?search=x"), "/u?search=x");
});

Deno.test("retryAfterMs() reads seconds and HTTP dates", () => {
  assert.equal(retryAfterMs("3"), 3000);
  assert.equal(retryAfterMs(null), null);
  assert.equal(retryAfterMs("soon"), null);
  const now = new Date("2024-01-01T00:00:00Z");
  assert.equal(retryAfterMs("Mon, 01 Jan 2024 00:00:05 GMT", now), 5000);
});

Deno.test("basicAuth() encodes UTF-8 credentials", () => {
  assert.equal(basicAuth("user", "pass"), "Basic dXNlcjpwYXNz");
  assert.equal(basicAuth("ü", "p"), "Basic w7w6cA==");
});
