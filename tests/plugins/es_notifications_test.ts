import assert from "node:assert/strict";
import { createLogger } from "../../config/log.ts";
import { type NotificationSource, UpstreamError } from "../../engine/core/ports.ts";
import type { Store } from "../../engine/core/store_ports.ts";
import plugin from "../../plugins/es_notifications.ts";
import type { PluginContext } from "../../plugins/plugin.ts";
import { startFakeElasticsearch } from "../fakes/elasticsearch.ts";
import { basicAuth } from "../../lib/basic_auth.ts";

function context(lines: string[] = []): PluginContext {
  return {
    name: "es_notifications",
    timeoutMs: 2000,
    log: createLogger({ sink: (_level, line) => void lines.push(line) }),
    store: {} as Store,
    now: () => new Date(),
    demo: false,
  };
}

async function sourceFor(config: Record<string, unknown>, lines: string[] = []) {
  return await plugin.create(plugin.schema.parse(config), context(lines)) as NotificationSource;
}

const signal = () => AbortSignal.timeout(2000);

Deno.test("es_notifications returns a person's alerts normalised, newest first", async () => {
  const es = startFakeElasticsearch();
  const lines: string[] = [];
  const source = await sourceFor({
    ELASTICSEARCH_HOSTS: [es.url],
    ELASTICSEARCH_INDEX: "alerts",
  }, lines);
  try {
    await es.putDoc("alerts", "a1", {
      email: "fry@example.com",
      message: "Your laptop has no disk encryption",
      event_timestamp: "2024-03-01T10:00:00Z",
    });
    await es.putDoc("alerts", "a2", {
      email: "fry@example.com",
      type: "question",
      title: "New sign-in",
      message: "Was this you signing in from Mars?",
      event_timestamp: "2024-03-02T08:30:00Z",
      severity: "critical",
      answers: [{ value: "yes", label: "This was me" }, "no"],
    });
    await es.putDoc("alerts", "a3", { email: "fry@example.com", event_timestamp: "2024-03-03" });
    await es.putDoc("alerts", "a4", {
      email: "fry@example.com",
      message: "No time",
      event_timestamp: "yesterday",
    });
    await es.putDoc("alerts", "b1", {
      email: "leela@example.com",
      message: "Not for Fry",
      event_timestamp: "2024-03-04T00:00:00Z",
    });

    const list = await source.notificationsByEmail("fry@example.com", { signal: signal() });
    assert.deepEqual(list, [
      {
        id: "a2",
        type: "question",
        title: "New sign-in",
        message: "Was this you signing in from Mars?",
        event_timestamp: new Date("2024-03-02T08:30:00Z"),
        severity: "critical",
        answers: [{ value: "yes", label: "This was me" }, { value: "no", label: "no" }],
        source: "es_notifications",
      },
      {
        id: "a1",
        type: "simple",
        message: "Your laptop has no disk encryption",
        event_timestamp: new Date("2024-03-01T10:00:00Z"),
        source: "es_notifications",
      },
    ]);
    const warnings = lines.map((l) => JSON.parse(l)).filter((l) => l.level === "warn");
    assert.deepEqual(warnings.map((w) => [w.msg, w.id, w.why]).sort(), [
      ["skipping a notification that cannot be shown", "a3", "no message"],
      [
        "skipping a notification that cannot be shown",
        "a4",
        'unreadable event_timestamp "yesterday"',
      ],
    ]);
    const search = es.requests.find((r) => r.path === "/alerts/_search")!;
    assert.deepEqual(JSON.parse(search.body), {
      query: { match: { email: "fry@example.com" } },
      sort: [{ event_timestamp: { order: "desc", unmapped_type: "date" } }],
      size: 50,
    });
  } finally {
    await source.close?.();
    await es.close();
  }
});

Deno.test("es_notifications throws a reportable error when Elasticsearch fails", async () => {
  const es = startFakeElasticsearch();
  const source = await sourceFor({ ELASTICSEARCH_HOSTS: [es.url], ELASTICSEARCH_INDEX: "alerts" });
  try {
    es.failWith = 503;
    await assert.rejects(
      source.notificationsByEmail("fry@example.com", { signal: signal() }),
      (error: unknown) => {
        assert.ok(error instanceof UpstreamError);
        assert.equal(
          error.message,
          "es_notifications: Elasticsearch answered 503 (unavailable: fake is down)",
        );
        return true;
      },
    );
  } finally {
    await source.close?.();
    await es.close();
  }
});

Deno.test("es_notifications connectivity pings and sends the configured credentials", async () => {
  const es = startFakeElasticsearch();
  const source = await sourceFor({
    ELASTICSEARCH_HOSTS: es.url.replace("http://", ""),
    ELASTICSEARCH_INDEX: "alerts",
    ELASTICSEARCH_KWARGS: { http_auth: "stetho:s3cret" },
  });
  try {
    await source.checkConnectivity!({ signal: signal() });
    // The client first asks the node its version (plugins/elasticsearch.ts), then pings.
    assert.deepEqual(es.requests.map((r) => `${r.method} ${r.path}`), ["GET /", "HEAD /"]);
    for (const r of es.requests) {
      assert.equal(r.headers.get("authorization"), basicAuth("stetho", "s3cret"));
    }
    es.failWith = 500;
    await assert.rejects(source.checkConnectivity!({ signal: signal() }), UpstreamError);
  } finally {
    await source.close?.();
    await es.close();
  }
});

Deno.test("es_notifications schema names a missing key and refuses unknown ones", () => {
  const missing = plugin.schema.safeParse({ ELASTICSEARCH_HOSTS: ["http://es:9200"] });
  assert.equal(missing.success, false);
  assert.deepEqual(missing.error!.issues.map((i) => [i.path.join("."), i.message]), [
    ["ELASTICSEARCH_INDEX", "required: the index (or pattern) holding notifications"],
  ]);
  const noHosts = plugin.schema.safeParse({ ELASTICSEARCH_INDEX: "alerts" });
  assert.match(noHosts.error!.issues[0]!.message, /^required: the list of Elasticsearch URLs/);
  assert.equal(
    plugin.schema.safeParse({ ELASTICSEARCH_HOSTS: ["x"], ELASTICSEARCH_INDEX: "a", INDEX: 1 })
      .success,
    false,
  );
  assert.deepEqual(
    plugin.schema.parse({ ELASTICSEARCH_HOSTS: ["es:9200"], ELASTICSEARCH_INDEX: "a", TIMEOUT: 3 }),
    { ELASTICSEARCH_HOSTS: ["http://es:9200"], ELASTICSEARCH_INDEX: "a", TIMEOUT: 3 },
  );
});
