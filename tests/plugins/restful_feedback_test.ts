import assert from "node:assert/strict";
import { silentLogger } from "../../config/log.ts";
import { callWithDeadline } from "../../engine/view/deadline.ts";
import { type FeedbackSink, UpstreamError } from "../../engine/core/ports.ts";
import type { Store } from "../../engine/core/store_ports.ts";
import plugin from "../../plugins/restful_feedback.ts";
import type { PluginContext } from "../../plugins/plugin.ts";

interface Seen {
  method: string;
  path: string;
  headers: Headers;
  body: string;
}

/** A loopback REST endpoint that records requests and answers with the next queued status. */
function fakeEndpoint() {
  const seen: Seen[] = [];
  const statuses: number[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    seen.push({
      method: req.method,
      path: new URL(req.url).pathname,
      headers: req.headers,
      body: await req.text(),
    });
    const status = statuses.shift() ?? 200;
    return Response.json({ received: true, status }, { status });
  });
  const url = `http://127.0.0.1:${server.addr.port}`;
  return { seen, statuses, url, close: () => server.shutdown() };
}

function context(timeoutMs: number | null = 2000): PluginContext {
  return {
    name: "restful_feedback",
    timeoutMs,
    log: silentLogger,
    store: {} as Store,
    now: () => new Date(),
    demo: false,
  };
}

async function sinkFor(config: Record<string, unknown>, timeoutMs?: number) {
  const parsed = plugin.schema.parse(config);
  return await plugin.create(parsed, context(timeoutMs)) as FeedbackSink;
}

const FEEDBACK = { id: "n1", feedback: "this was me", notes: "at the airport" };

Deno.test("restful_feedback posts the original's JSON body with the Stethoscope user agent", async () => {
  const fake = fakeEndpoint();
  try {
    const sink = await sinkFor({ URL: `${fake.url}/feedback` });
    const answer = await sink.postFeedback("fry@example.com", FEEDBACK, {
      signal: AbortSignal.timeout(2000),
    });
    assert.deepEqual(answer, { received: true, status: 200 });
    assert.equal(fake.seen.length, 1);
    const [req] = fake.seen;
    assert.equal(req!.method, "POST");
    assert.equal(req!.path, "/feedback");
    assert.equal(req!.headers.get("user-agent"), "Stethoscope");
    assert.equal(req!.headers.get("content-type"), "application/json");
    assert.deepEqual(JSON.parse(req!.body), {
      user_id: "fry@example.com",
      feedback: "this was me",
      notes: "at the airport",
      id: "n1",
      source: "stethoscope",
    });
  } finally {
    await fake.close();
  }
});

Deno.test("restful_feedback throws UpstreamError on a non-2xx answer so the outbox retries", async () => {
  const fake = fakeEndpoint();
  try {
    fake.statuses.push(503, 400);
    const sink = await sinkFor({ URL: `${fake.url}/feedback?token=secret` });
    for (const status of [503, 400]) {
      await assert.rejects(
        sink.postFeedback("fry@example.com", FEEDBACK, { signal: AbortSignal.timeout(2000) }),
        (error: unknown) => {
          assert.ok(error instanceof UpstreamError);
          assert.equal(error.status, status);
          assert.equal(
            error.message,
            `received invalid response code (${status}) for '${fake.url}/feedback' from ` +
              `'restful_feedback'`,
          );
          return true;
        },
      );
    }
  } finally {
    await fake.close();
  }
});

Deno.test("restful_feedback reports an unreachable endpoint without crashing", async () => {
  const fake = fakeEndpoint();
  await fake.close();
  const sink = await sinkFor({ URL: `${fake.url}/feedback` });
  await assert.rejects(
    sink.postFeedback("fry@example.com", FEEDBACK, { signal: AbortSignal.timeout(2000) }),
    /^UpstreamError: restful_feedback: cannot reach http:\/\/127\.0\.0\.1:\d+\/feedback: /,
  );
});

Deno.test("restful_feedback gives up at its TIMEOUT through the deadline signal", async () => {
  let release = () => {};
  const hold = new Promise<void>((r) => release = r);
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async () => {
    await hold;
    return new Response("{}");
  });
  try {
    const sink = await sinkFor({ URL: `http://127.0.0.1:${server.addr.port}/`, TIMEOUT: 0.05 }, 50);
    const outcome = await callWithDeadline(
      sink,
      "postFeedback",
      (o) => sink.postFeedback("fry@example.com", FEEDBACK, o),
      { empty: undefined },
    );
    assert.deepEqual(outcome, {
      ok: false,
      error: {
        source: "restful_feedback",
        operation: "postFeedback",
        kind: "timeout",
        message: "restful_feedback did not answer within 0.05 s",
      },
    });
  } finally {
    release();
    await server.shutdown();
  }
});

Deno.test("restful_feedback schema wants URL and refuses unknown keys", () => {
  assert.equal(plugin.schema.safeParse({}).success, false);
  assert.equal(plugin.schema.safeParse({ URL: "ftp://example.com" }).success, false);
  assert.equal(plugin.schema.safeParse({ URL: "https://x.example", URLS: [] }).success, false);
  assert.deepEqual(plugin.schema.parse({ URL: "https://x.example/fb", TIMEOUT: 5 }), {
    URL: "https://x.example/fb",
    TIMEOUT: 5,
  });
});

Deno.test("restful_feedback connectivity check wants 200 from HEALTHCHECK_URL", async () => {
  const fake = fakeEndpoint();
  try {
    fake.statuses.push(200, 500);
    const sink = await sinkFor({ URL: `${fake.url}/fb`, HEALTHCHECK_URL: `${fake.url}/health` });
    await sink.checkConnectivity!({ signal: AbortSignal.timeout(2000) });
    await assert.rejects(
      sink.checkConnectivity!({ signal: AbortSignal.timeout(2000) }),
      /health check http:\/\/127\.0\.0\.1:\d+\/health answered 500/,
    );
    assert.deepEqual(fake.seen.map((s) => `${s.method} ${s.path}`), [
      "GET /health",
      "GET /health",
    ]);
  } finally {
    await fake.close();
  }
});
