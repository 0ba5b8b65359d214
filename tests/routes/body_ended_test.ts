import assert from "node:assert/strict";
import { createLogger, type Level } from "../../config/log.ts";
import type { FailureLogger } from "../../engine/core/ports.ts";
import { BODY_ENDED_MESSAGE } from "../../routes/guards/body_limit.ts";
import { csrfOf, startApp, type TestApp } from "../support/app.ts";

/**
 * A body stream that sends `bytes` bytes of a form, then fails the way Deno's HTTP server fails a
 * body whose client went away mid-request (`BadResource: Cannot read request body as underlying
 * resource unavailable`, seen against `deno task start` with a raw socket closed mid-body).
 */
function endsEarly(bytes: string): ReadableStream<Uint8Array> {
  let sent = false;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent) {
        return controller.error(
          new Deno.errors.BadResource(
            "Cannot read request body as underlying resource unavailable",
          ),
        );
      }
      sent = true;
      controller.enqueue(new TextEncoder().encode(bytes));
    },
  }, { highWaterMark: 0 });
}

/** The app with its log levels and failure-logger calls recorded. */
async function recorded(): Promise<
  { app: TestApp; levels: Level[]; failures: unknown[] }
> {
  const levels: Level[] = [];
  const app = await startApp({
    log: createLogger({ level: "debug", sink: (l) => levels.push(l) }),
  });
  const failures: unknown[] = [];
  const recorder = {
    name: "recorder",
    logFailure: (error: unknown) => failures.push(error),
  } as unknown as FailureLogger;
  app.services.failureLoggers.push(recorder);
  return { app, levels, failures };
}

const FORM = { "Content-Type": "application/x-www-form-urlencoded" };

Deno.test("a body that ends early (the client went away) is a 400 for the client, not a server fault", async (t) => {
  const { app, levels, failures } = await recorded();
  try {
    const cookie = await app.login("user@example.com");
    const token = csrfOf(await (await app.request("/", { cookie })).text());
    levels.length = 0;
    const cases: [string, string, Record<string, string>, string | undefined][] = [
      // chunked (no Content-Length): read by the body limit, before any route, signed in or not
      ["/no/such/page", "email=a", FORM, undefined],
      ["/login/demo", "email=green%40example.com", FORM, undefined],
      ["/api/v1/feedback/restful_feedback", '{"id":', {
        "Content-Type": "application/json",
      }, cookie],
      // with a Content-Length larger than what arrives: read by the route's form parser before
      [`/notifications/any/dismiss?_csrf_token=${token}`, "a=1", {
        ...FORM,
        "Content-Length": "1000",
      }, cookie],
      ["/check-again", `_csrf_token=${token}`, { ...FORM, "Content-Length": "1000" }, cookie],
    ];
    for (const [path, sent, headers, who] of cases) {
      await t.step(
        `${path} (${headers["Content-Length"] ? "Content-Length" : "chunked"})`,
        async () => {
          const res = await app.request(path, {
            method: "POST",
            headers,
            body: endsEarly(sent),
            ...(who ? { cookie: who } : {}),
          });
          assert.equal(res.status, 400);
          assert.equal(res.headers.get("connection"), "close");
          assert.equal(res.headers.get("cache-control"), "no-store");
          const text = await res.text();
          if (path.startsWith("/api/")) {
            assert.deepEqual(JSON.parse(text), { error: BODY_ENDED_MESSAGE, status: 400 });
          } else {
            assert.ok(text.includes(BODY_ENDED_MESSAGE), text);
          }
        },
      );
    }
    // A client hanging up is no fault of the server: nothing at error level, nothing to Sentry.
    assert.deepEqual(levels.filter((l) => l === "error" || l === "warn"), []);
    assert.deepEqual(failures, []);
  } finally {
    await app.close();
  }
});
