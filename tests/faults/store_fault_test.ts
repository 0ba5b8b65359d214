/**
 * The store fails: its file is read-only, the disk is full, or the Elasticsearch store is down.
 * Pages still render; feedback and dismissals are refused with a clear 503 message rather than
 * silently dropped; and the outbox resumes delivering when the store recovers, logging the
 * failure once per burst rather than on every run.
 */
import assert from "node:assert/strict";
import { silentLogger } from "../../config/log.ts";
import { createOutboxWorker } from "../../engine/core/outbox.ts";
import type { Store } from "../../engine/core/store_ports.ts";
import { StoreError } from "../../plugins/stores/codec.ts";
import { createElasticsearchStore } from "../../plugins/stores/elasticsearch.ts";
import { createSqliteStore } from "../../plugins/stores/sqlite.ts";
import { startFakeElasticsearch } from "../fakes/elasticsearch.ts";
import { json, startFake } from "../fakes/server.ts";
import { demoWith } from "../support/app.ts";
import { manualTimers } from "../support/timers.ts";
import { type RecordedApp, startRecordedApp } from "./harness.ts";

const PERSON = "green@example.com";
const NOTIFICATION = "welcome-green";
const REFUSED = "Your answer could not be saved right now";
/** The writes that fail, by the store concern they belong to. */
const WRITES = {
  feedback: ["dismiss", "recordFeedback"],
  outbox: ["markDelivered", "markFailed"],
  events: ["putEvents", "pruneEvents"],
  statuses: ["observe"],
  batchRuns: ["saveBatchRun"],
} as const;

/** A store whose writes fail like a full disk while `full` is set. */
function diskFull(inner: Store): Store & { full: boolean } {
  const wrapper: Store & { full: boolean } = { ...inner, full: false };
  for (const [concern, names] of Object.entries(WRITES)) {
    const part = inner[concern as keyof typeof WRITES] as unknown as Record<string, unknown>;
    const failing: Record<string, unknown> = { ...part };
    for (const name of names) {
      const original = (part[name] as (...a: unknown[]) => Promise<unknown>).bind(part);
      failing[name] = (...args: unknown[]) =>
        wrapper.full
          ? Promise.reject(
            new StoreError(
              `Cannot ${name} in the store: database or disk is full (free disk space)`,
            ),
          )
          : original(...args);
    }
    (wrapper as unknown as Record<string, unknown>)[concern] = failing;
  }
  return wrapper;
}

async function pagesRender(app: RecordedApp, cookie: string): Promise<void> {
  for (const path of ["/", "/devices", "/activity", "/accounts"]) {
    const res = await app.request(path, { cookie });
    const body = await res.text();
    assert.equal(res.status, 200, `${path}: ${body.slice(0, 300)}`);
  }
}

async function answer(
  app: RecordedApp,
  session: { cookie: string; csrf: string },
  options: { htmx?: boolean; feedback?: string } = {},
): Promise<{ status: number; body: string }> {
  const res = await app.request(`/notifications/${NOTIFICATION}/feedback`, {
    method: "POST",
    cookie: session.cookie,
    headers: options.htmx ? { "HX-Request": "true" } : {},
    body: new URLSearchParams({
      _csrf_token: session.csrf,
      feedback: options.feedback ?? "yes",
      notes: "fuzz",
    }),
  });
  return { status: res.status, body: await res.text() };
}

async function dismiss(
  app: RecordedApp,
  session: { cookie: string; csrf: string },
): Promise<number> {
  const res = await app.request(`/notifications/${NOTIFICATION}/dismiss`, {
    method: "POST",
    cookie: session.cookie,
    body: new URLSearchParams({ _csrf_token: session.csrf }),
  });
  await res.body?.cancel();
  return res.status;
}

/** A feedback endpoint that records what it receives. */
function startSink() {
  const received: { id: string; feedback: string }[] = [];
  const fake = startFake((req) => {
    received.push(JSON.parse(req.body));
    return json({ ok: true });
  });
  return { fake, received };
}

Deno.test("a read-only store file: pages render, feedback and dismissal are refused with 503", async () => {
  const dir = await Deno.makeTempDir({ prefix: "steth-ro-" });
  const path = `${dir}/store.db`;
  await (await createSqliteStore({ path, log: silentLogger })).close();
  await Deno.chmod(path, 0o444);
  const store = await createSqliteStore({ path, log: silentLogger });
  const app = await startRecordedApp(demoWith({ PLUGINS: { demo: {} } }), { store });
  try {
    const session = await app.login(PERSON);
    await pagesRender(app, session.cookie);
    const plain = await answer(app, session);
    assert.equal(plain.status, 503);
    assert.ok(plain.body.includes(REFUSED), plain.body.slice(0, 500));
    const htmx = await answer(app, session, { htmx: true });
    assert.equal(htmx.status, 422);
    assert.ok(htmx.body.includes(REFUSED));
    assert.equal(await dismiss(app, session), 503);
    const errors = app.logs.filter((l) => l.level === "error");
    assert.ok(errors.every((l) => /could not save/.test(l.msg)), JSON.stringify(errors));
  } finally {
    await app.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a full disk: feedback is refused with 503, then accepted and delivered once the disk has room", async () => {
  const { fake, received } = startSink();
  const store = diskFull(await createSqliteStore({ path: ":memory:", log: silentLogger }));
  const app = await startRecordedApp(
    demoWith({ PLUGINS: { demo: {}, restful_feedback: { URL: `${fake.url}/feedback` } } }),
    { store },
  );
  try {
    const session = await app.login(PERSON);
    store.full = true;
    await pagesRender(app, session.cookie);
    const refused = await answer(app, session, { feedback: "while-full" });
    assert.equal(refused.status, 503);
    assert.ok(refused.body.includes(REFUSED));
    assert.equal(await dismiss(app, session), 503);
    assert.equal(await store.outbox.outboxDepth(), 0, "a refused answer was queued anyway");

    store.full = false;
    assert.equal((await answer(app, session, { feedback: "after" })).status, 303);
    assert.equal(await dismiss(app, session), 303);
    const report = await app.services.outbox.runOnce();
    assert.deepEqual(report, { delivered: 1, failed: 0 });
    assert.deepEqual(received.map((r) => r.feedback), ["after"]);
    assert.equal(await store.outbox.outboxDepth(), 0);
  } finally {
    await app.close();
    await fake.close();
  }
});

Deno.test("the outbox survives a full disk mid-delivery: one error line per burst, no resend, resumes after", async () => {
  const { fake, received } = startSink();
  const store = diskFull(await createSqliteStore({ path: ":memory:", log: silentLogger }));
  const app = await startRecordedApp(
    demoWith({ PLUGINS: { demo: {}, restful_feedback: { URL: `${fake.url}/feedback` } } }),
    { store },
  );
  const timers = manualTimers();
  const worker = createOutboxWorker({
    outbox: store.outbox,
    sinks: app.services.feedbackSinks,
    timers,
    log: (await import("../../config/log.ts")).createLogger({
      level: "debug",
      sink: (_l, line) => app.logs.push(JSON.parse(line)),
    }),
    intervalMs: 10,
    backoff: { baseMs: 5, jitter: 0 },
  });
  try {
    const session = await app.login(PERSON);
    assert.equal((await answer(app, session, { feedback: "first" })).status, 303);
    store.full = true; // the sink accepts, but the store cannot record that it did
    const before = app.logs.length;
    worker.start();
    for (let run = 0; run < 30; run++) await timers.fire(); // 30 runs while the disk is full
    assert.deepEqual(timers.pending(), [10], "the worker stopped scheduling runs");
    const burst = app.logs.slice(before);
    const errors = burst.filter((l) => l.level === "error");
    assert.deepEqual(received.map((r) => r.feedback), ["first"], "resent while the disk was full");
    assert.equal(
      errors.length,
      1,
      `${errors.length} error lines in one burst: ${JSON.stringify(errors.slice(0, 3))}`,
    );

    store.full = false;
    assert.equal((await answer(app, session, { feedback: "second" })).status, 303);
    await timers.fire();
    assert.equal(await store.outbox.outboxDepth(), 0, "the outbox did not resume");
    assert.deepEqual(received.map((r) => r.feedback), ["first", "second"]);
    assert.ok(
      app.logs.slice(before).some((l) => l.level === "info" && /recovered/.test(l.msg)),
      "recovery is not logged",
    );
  } finally {
    await worker.stop();
    await app.close();
    await fake.close();
  }
});

Deno.test("the Elasticsearch store down: pages render, feedback is refused with 503, accepted once it is back", async () => {
  const es = startFakeElasticsearch();
  const store = await createElasticsearchStore({
    ELASTICSEARCH_HOSTS: [es.url],
    ELASTICSEARCH_INDEX_PREFIX: "fault-",
    log: silentLogger,
    timeoutMs: 1000,
  });
  const app = await startRecordedApp(demoWith({ PLUGINS: { demo: {} } }), { store });
  try {
    const session = await app.login(PERSON);
    // Every store call fails at once with 503 (the store's client never retries: maxRetries 0), so
    // nothing here waits; a hanging store is cut off by the store's timeoutMs.
    es.failWith = 503;
    await pagesRender(app, session.cookie);
    const refused = await answer(app, session);
    assert.equal(refused.status, 503);
    assert.ok(refused.body.includes(REFUSED));
    assert.equal(await dismiss(app, session), 503);

    es.failWith = null;
    assert.equal((await answer(app, session)).status, 303);
    assert.equal(await dismiss(app, session), 303);
  } finally {
    await app.close();
    await es.close();
  }
});

Deno.test("the Elasticsearch store stopped: pages still render and feedback is refused with 503", async () => {
  const es = startFakeElasticsearch();
  const store = await createElasticsearchStore({
    ELASTICSEARCH_HOSTS: [es.url],
    ELASTICSEARCH_INDEX_PREFIX: "fault-",
    log: silentLogger,
    timeoutMs: 1000,
  });
  const app = await startRecordedApp(demoWith({ PLUGINS: { demo: {} } }), { store });
  try {
    const session = await app.login(PERSON);
    await es.close();
    await pagesRender(app, session.cookie);
    const refused = await answer(app, session);
    assert.equal(refused.status, 503);
    assert.ok(refused.body.includes(REFUSED));
  } finally {
    await app.close();
  }
});
