import assert from "node:assert/strict";
import { MAX_BODY_BYTES, TOO_LARGE_MESSAGE } from "../../routes/guards/body_limit.ts";
import { createLogger } from "../../config/log.ts";
import { csrfOf, startApp, type TestApp } from "../support/app.ts";
import { sendWire } from "../support/wire.ts";

const CHUNK = 16 * 1024;

/** A body stream of `total` bytes of "a" in 16 KiB chunks; `pulled()` says how many were read. */
function counted(total: number): { body: ReadableStream<Uint8Array>; pulled: () => number } {
  let sent = 0;
  const chunk = new Uint8Array(CHUNK).fill(0x61);
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= total) return controller.close();
      const n = Math.min(CHUNK, total - sent);
      sent += n;
      controller.enqueue(n === CHUNK ? chunk : chunk.subarray(0, n));
    },
  }, { highWaterMark: 0 });
  return { body, pulled: () => sent };
}

/** A URL-encoded form of exactly `bytes` bytes whose `email` is the given person. */
function formOf(fields: Record<string, string>, bytes: number): string {
  const base = new URLSearchParams(fields).toString() + "&pad=";
  assert.ok(bytes >= base.length);
  return base + "a".repeat(bytes - base.length);
}

async function withApp(fn: (app: TestApp) => Promise<void>): Promise<void> {
  const app = await startApp();
  try {
    await fn(app);
  } finally {
    await app.close();
  }
}

const FORM = { "Content-Type": "application/x-www-form-urlencoded" };

Deno.test("a demo sign-in of exactly the limit is accepted; one byte more is 413 and signs no one in", async () => {
  await withApp(async (app) => {
    const fields = { email: "green@example.com", next: "/" };
    const ok = await app.request("/login/demo", {
      method: "POST",
      headers: FORM,
      body: formOf(fields, MAX_BODY_BYTES),
    });
    assert.equal(ok.status, 303);
    const over = await app.request("/login/demo", {
      method: "POST",
      headers: FORM,
      body: formOf(fields, MAX_BODY_BYTES + 1),
    });
    assert.equal(over.status, 413);
    assert.equal(over.headers.get("set-cookie"), null);
    assert.ok((await over.text()).includes(TOO_LARGE_MESSAGE));
  });
});

Deno.test("a chunked body (no Content-Length) is counted on the stream and the rest is never read", async () => {
  await withApp(async (app) => {
    const huge = counted(100 * 1024 * 1024);
    const res = await app.request("/login/demo", {
      method: "POST",
      headers: FORM,
      body: huge.body,
    });
    assert.equal(res.status, 413);
    // Reading stops at the first chunk over the limit: 32 KiB plus one 16 KiB chunk.
    assert.equal(huge.pulled(), MAX_BODY_BYTES + CHUNK);
  });
});

Deno.test("a signed-in form post over the limit is 413 before the form is parsed", async () => {
  await withApp(async (app) => {
    const cookie = await app.login("user@example.com");
    const token = csrfOf(await (await app.request("/", { cookie })).text());
    const huge = counted(8 * 1024 * 1024);
    const res = await app.request(
      `/notifications/${encodeURIComponent("any")}/feedback?_csrf_token=${token}`,
      { method: "POST", cookie, headers: FORM, body: huge.body },
    );
    assert.equal(res.status, 413);
    assert.equal(huge.pulled(), MAX_BODY_BYTES + CHUNK);
    assert.ok((await res.text()).includes(TOO_LARGE_MESSAGE));
  });
});

Deno.test("the JSON feedback API answers 413 in JSON for a chunked body over the limit", async () => {
  await withApp(async (app) => {
    const cookie = await app.login("user@example.com");
    const huge = counted(4 * 1024 * 1024);
    const res = await app.request("/api/v1/feedback/restful_feedback", {
      method: "POST",
      cookie,
      headers: { "Content-Type": "application/json" },
      body: huge.body,
    });
    assert.equal(res.status, 413);
    assert.deepEqual(await res.json(), { error: TOO_LARGE_MESSAGE, status: 413 });
    assert.equal(huge.pulled(), MAX_BODY_BYTES + CHUNK);
  });
});

Deno.test("a body sent to the OIDC callback or an unknown path is bounded too", async () => {
  await withApp(async (app) => {
    for (const path of ["/auth/oidc/callback", "/no/such/page"]) {
      const huge = counted(1024 * 1024);
      const res = await app.request(path, { method: "POST", headers: FORM, body: huge.body });
      assert.equal(res.status, 413, path);
      assert.equal(huge.pulled(), MAX_BODY_BYTES + CHUNK, path);
    }
  });
});

Deno.test("a body that ends before its Content-Length is a 400, not a server error", async () => {
  const errors: string[] = [];
  const log = createLogger({ sink: (level, line) => level === "error" && errors.push(line) });
  const app = await startApp({ log });
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, app.app.fetch);
  try {
    for (const framing of ["length", "chunked"] as const) {
      const status = await sendWire(server.addr.port, {
        path: "/login/demo",
        framing,
        declared: 1000,
        pieces: [30],
        finished: false,
        closeEarly: true,
      }, ["Origin: http://localhost", "Content-Type: application/x-www-form-urlencoded"]);
      assert.equal(status, 400, framing);
    }
    assert.deepEqual(errors, []);
  } finally {
    await server.shutdown();
    await app.close();
  }
});
