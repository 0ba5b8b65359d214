import assert from "node:assert/strict";
import { createLogger } from "../../config/log.ts";
import type { AccessRecord } from "../../engine/core/ports.ts";
import type { Store } from "../../engine/core/store_ports.ts";
import plugin, { type EsRequestLogger, withoutRaw } from "../../plugins/es_logger.ts";
import type { PluginContext } from "../../plugins/plugin.ts";
import { startFakeElasticsearch } from "../fakes/elasticsearch.ts";

function context(lines: string[]): PluginContext {
  return {
    name: "es_logger",
    timeoutMs: 2000,
    log: createLogger({ sink: (_level, line) => void lines.push(line) }),
    store: {} as Store,
    now: () => new Date(),
    demo: false,
  };
}

async function loggerFor(config: Record<string, unknown>, lines: string[] = []) {
  return await plugin.create(plugin.schema.parse(config), context(lines)) as EsRequestLogger;
}

function record(n: number, retrieved = new Date("2024-03-15T12:00:00Z")): AccessRecord {
  return {
    accessing_user: "fry@example.com",
    target: "fry@example.com",
    record_type: "device",
    context: "merged",
    retrieved,
    data: [{ serial: `S${n}`, last_sync: retrieved, _raw: { secret: "payload" } }],
  };
}

const warningsIn = (lines: string[]) =>
  lines.map((l) => JSON.parse(l)).filter((l) => l.level === "warn");

Deno.test("es_logger writes audit documents without _raw into prefix + YYYYMM", async () => {
  const es = startFakeElasticsearch();
  const logger = await loggerFor({ ELASTICSEARCH_HOSTS: [es.url], ELASTICSEARCH_INDEX: "audit-" });
  try {
    logger.log(record(1));
    logger.log(record(2, new Date("2024-04-01T00:00:00Z")));
    assert.equal(es.requests.length, 0, "log() returns before any request");
    assert.equal(logger.queued, 2);
    await logger.flush();
    assert.deepEqual(es.docs("audit-202403").map((d) => d._source), [{
      accessing_user: "fry@example.com",
      target: "fry@example.com",
      record_type: "device",
      context: "merged",
      retrieved: "2024-03-15T12:00:00.000Z",
      data: [{ serial: "S1", last_sync: "2024-03-15T12:00:00.000Z" }],
    }]);
    assert.equal(es.docs("audit-202404").length, 1);
    assert.equal(es.requests.filter((r) => r.path === "/_bulk").length, 1);
    assert.equal(logger.dropped, 0);
  } finally {
    await logger.close?.();
    await es.close();
  }
});

Deno.test("es_logger flushes in the background without being asked", async () => {
  const es = startFakeElasticsearch();
  const logger = await loggerFor({
    ELASTICSEARCH_HOSTS: [es.url],
    ELASTICSEARCH_INDEX_PREFIX: "a-",
  });
  try {
    let answered = es.requests.length;
    logger.log(record(1));
    // nobody asks for a flush: wait, answer by answer, for the logger to send it by itself
    while (!es.requests.some((r) => r.path === "/_bulk")) await es.answered(++answered);
    await es.answered(es.requests.length);
    assert.equal(es.docs("a-202403").length, 1);
  } finally {
    await logger.close?.();
    await es.close();
  }
});

Deno.test("es_logger counts drops while Elasticsearch is down, one warning per burst", async () => {
  const es = startFakeElasticsearch();
  const lines: string[] = [];
  const logger = await loggerFor(
    { ELASTICSEARCH_HOSTS: [es.url], ELASTICSEARCH_INDEX_PREFIX: "a-" },
    lines,
  );
  try {
    es.failWith = 503;
    for (let i = 0; i < 3; i++) logger.log(record(i));
    await logger.flush();
    logger.log(record(4));
    await logger.flush();
    assert.equal(logger.dropped, 4);
    assert.deepEqual(warningsIn(lines).map((w) => [w.msg, w.why, w.dropped]), [
      ["audit records dropped", "Elasticsearch answered 503 (unavailable: fake is down)", 3],
    ]);
    es.failWith = null;
    logger.log(record(5));
    await logger.flush();
    assert.equal(es.docs("a-202403").length, 1);
    assert.equal(logger.dropped, 4);
  } finally {
    await logger.close?.();
    await es.close();
  }
});

Deno.test("es_logger drops what does not fit in its queue and never throws", async () => {
  const es = startFakeElasticsearch();
  const lines: string[] = [];
  const logger = await loggerFor(
    { ELASTICSEARCH_HOSTS: [es.url], ELASTICSEARCH_INDEX_PREFIX: "a-", QUEUE_SIZE: 2 },
    lines,
  );
  try {
    for (let i = 0; i < 5; i++) logger.log(record(i));
    assert.equal(logger.dropped, 3);
    assert.equal(warningsIn(lines).length, 1);
    assert.equal(warningsIn(lines)[0].why, "the queue of 2 records is full");
    await logger.close?.();
    assert.equal(es.docs("a-202403").length, 2);
    await es.close();
    const gone = await loggerFor({
      ELASTICSEARCH_HOSTS: [es.url],
      ELASTICSEARCH_INDEX_PREFIX: "a-",
    });
    gone.log(record(9));
    await gone.close?.();
    assert.equal(gone.dropped, 1);
  } finally {
    await es.close().catch(() => {});
  }
});

Deno.test("es_logger schema names the missing index prefix key", () => {
  const r = plugin.schema.safeParse({ ELASTICSEARCH_HOSTS: ["http://es:9200"] });
  assert.equal(r.success, false);
  assert.deepEqual(r.error!.issues.map((i) => [i.path.join("."), i.message]), [[
    "ELASTICSEARCH_INDEX_PREFIX",
    "required: the index name prefix (ELASTICSEARCH_INDEX_PREFIX; ELASTICSEARCH_INDEX is accepted too)",
  ]]);
});

Deno.test("withoutRaw() removes _raw at every depth and keeps everything else", () => {
  assert.deepEqual(withoutRaw({ a: 1, _raw: 2, b: [{ _raw: 3, c: null }], d: { _raw: {} } }), {
    a: 1,
    b: [{ c: null }],
    d: {},
  });
});
