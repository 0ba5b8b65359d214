// Elasticsearch 8.x and 9.x: every ES plugin against a loopback node behaving like each major.
// Shape of the refusal: shared case RW-10 (an 8.x node answering the 9.x client's
// `compatible-with=9` headers with 400 media_type_header_exception), as described in
// Elasticsearch's "REST API compatibility" docs and the 9.x JavaScript client's compatibility notes.
import assert from "node:assert/strict";
import { silentLogger } from "../../config/log.ts";
import type { NotificationSource } from "../../engine/core/ports.ts";
import type { Store } from "../../engine/core/store_ports.ts";
import batchEs from "../../plugins/batch_es.ts";
import { createEsClient, describeEsError } from "../../plugins/elasticsearch.ts";
import { esMajor, esMediaTypes } from "../../plugins/elasticsearch_compat.ts";
import esLogger, { type EsRequestLogger } from "../../plugins/es_logger.ts";
import esNotifications from "../../plugins/es_notifications.ts";
import type { PluginContext } from "../../plugins/plugin.ts";
import { createElasticsearchStore } from "../../plugins/stores/elasticsearch.ts";
import { type FakeElasticsearch, startFakeElasticsearch } from "../fakes/elasticsearch.ts";
import { runStoreContract } from "../stores/store_contract.ts";

const NOW = new Date("2026-11-30T09:00:00Z");
const signal = () => AbortSignal.timeout(5000);
const ctx = (name: string): PluginContext => ({
  name,
  timeoutMs: 5000,
  log: silentLogger,
  store: {} as Store,
  now: () => NOW,
  demo: false,
});

/** The media types of every request after the version question. */
function mediaTypes(es: FakeElasticsearch): string[] {
  return [
    ...new Set(es.requests.slice(1).map((r) => r.headers.get("accept") ?? "")),
  ];
}

for (const major of [8, 9] as const) {
  const compat = `application/vnd.elasticsearch+json; compatible-with=${major}`;

  runStoreContract(`elasticsearch store against Elasticsearch ${major}.x`, async () => {
    const fake = startFakeElasticsearch({ major });
    const store = await createElasticsearchStore({
      ELASTICSEARCH_HOSTS: [fake.url],
      ELASTICSEARCH_INDEX_PREFIX: "t-",
      log: silentLogger,
    });
    const close = store.close.bind(store);
    return Object.assign(store, {
      close: async () => {
        await close();
        await fake.close();
      },
    });
  });

  Deno.test(`es_notifications reads a person's alerts from Elasticsearch ${major}.x`, async () => {
    const es = startFakeElasticsearch({ major });
    const config = esNotifications.schema.parse({
      ELASTICSEARCH_HOSTS: [es.url],
      ELASTICSEARCH_INDEX: "alerts",
    });
    const source = await esNotifications.create(config, ctx("es_notifications")) as
      & NotificationSource
      & { close(): Promise<void> };
    try {
      await es.putDoc("alerts", "a1", {
        email: "alice@example.com",
        message: "Your laptop has no disk encryption",
        event_timestamp: "2026-11-29T10:00:00Z",
      });
      es.requests.length = 0;
      const found = await source.notificationsByEmail("alice@example.com", { signal: signal() });
      assert.deepEqual(found.map((n) => n.message), ["Your laptop has no disk encryption"]);
      assert.deepEqual(es.requests.map((r) => `${r.method} ${r.path}`), [
        "GET /",
        "POST /alerts/_search",
      ]);
      assert.equal(es.requests[0]!.headers.get("accept"), "application/json");
      assert.deepEqual(mediaTypes(es), [compat]);
      assert.equal(es.requests[1]!.headers.get("content-type"), compat);
    } finally {
      await source.close();
      await es.close();
    }
  });

  Deno.test(`es_logger bulk-writes the access log to Elasticsearch ${major}.x`, async () => {
    const es = startFakeElasticsearch({ major });
    const config = esLogger.schema.parse({
      ELASTICSEARCH_HOSTS: [es.url],
      ELASTICSEARCH_INDEX: "audit-",
    });
    const logger = await esLogger.create(config, ctx("es_logger")) as EsRequestLogger;
    try {
      logger.log({
        accessing_user: "alice@example.com",
        target: "alice@example.com",
        record_type: "device",
        context: "merged",
        retrieved: NOW,
        data: [],
      });
      await logger.flush();
      assert.equal(es.docs("audit-202611").length, 1);
      assert.equal(logger.dropped, 0);
      const bulk = es.requests.find((r) => r.path === "/_bulk")!;
      assert.equal(
        bulk.headers.get("content-type"),
        `application/vnd.elasticsearch+x-ndjson; compatible-with=${major}`,
      );
    } finally {
      await logger.close?.();
      await es.close();
    }
  });

  Deno.test(`batch_es indexes a person's devices into Elasticsearch ${major}.x`, async () => {
    const es = startFakeElasticsearch({ major });
    const config = batchEs.schema.parse({
      ELASTICSEARCH_HOSTS: [es.url],
      ELASTICSEARCH_INDEX_PREFIX: "batch-",
    });
    const sink = await batchEs.create(config, ctx("batch_es")) as {
      post(r: unknown, o: { signal: AbortSignal }): Promise<void>;
      finish(): Promise<{ written: number }>;
      close(): Promise<void>;
    };
    try {
      await sink.post({
        email: "alice@example.com",
        devices: [{
          sources: ["jamf"],
          name: "Alice's MacBook",
          practices: {},
          identifiers: { serial: "C02TESTXXXX" },
        }],
      }, { signal: signal() });
      assert.equal((await sink.finish()).written, 1);
      assert.equal(es.docs("batch-202611").length, 1);
      assert.deepEqual(mediaTypes(es), [compat]);
    } finally {
      await sink.close();
      await es.close();
    }
  });
}

Deno.test("the fake refuses the 9.x client's headers when it behaves like 8.x, as a real node does", async () => {
  const es = startFakeElasticsearch({ major: 8 });
  try {
    const res = await fetch(`${es.url}/alerts/_search`, {
      method: "POST",
      headers: {
        accept: esMediaTypes(9, false).accept,
        "content-type": esMediaTypes(9, false)["content-type"],
      },
      body: "{}",
    });
    const body = await res.json();
    assert.equal(res.status, 400);
    assert.equal(body.error.type, "media_type_header_exception");
    assert.equal(
      body.error.caused_by.reason,
      "Accept version must be either version 8 or 7, but found 9. " +
        "Accept=application/vnd.elasticsearch+json; compatible-with=9",
    );
  } finally {
    await es.close();
  }
});

Deno.test("compatibleWith in ELASTICSEARCH_KWARGS skips the version question", async () => {
  const es = startFakeElasticsearch({ major: 8 });
  const client = await createEsClient({
    ELASTICSEARCH_HOSTS: [es.url],
    ELASTICSEARCH_KWARGS: { compatibleWith: 8 },
  }, { timeoutMs: 5000 });
  try {
    assert.equal(await client.ping(), true);
    assert.deepEqual(es.requests.map((r) => `${r.method} ${r.path}`), ["HEAD /"]);
    assert.equal(es.requests[0]!.headers.get("accept"), esMediaTypes(8, false).accept);
  } finally {
    await client.close();
    await es.close();
  }
});

Deno.test("a node that will not say its version (403) gets plain JSON, which every major accepts", async () => {
  const es = startFakeElasticsearch({ major: 8 });
  const client = await createEsClient({ ELASTICSEARCH_HOSTS: [es.url] }, { timeoutMs: 5000 });
  try {
    es.failWith = 403;
    await assert.rejects(client.ping({}, { ignore: [] }));
    es.failWith = null;
    // The 403 on GET / was remembered: no second question.
    es.requests.length = 0;
    assert.equal(await client.ping(), true);
    assert.deepEqual(es.requests.map((r) => [r.method, r.path, r.headers.get("accept")]), [
      ["HEAD", "/", "application/json"],
    ]);
  } finally {
    await client.close();
    await es.close();
  }
});

Deno.test("a node that is down when asked its version (503) is asked again by the next request", async () => {
  const es = startFakeElasticsearch({ major: 8 });
  const client = await createEsClient({ ELASTICSEARCH_HOSTS: [es.url] }, { timeoutMs: 5000 });
  try {
    es.failWith = 503;
    await assert.rejects(client.count({ index: "alerts" }));
    es.failWith = null;
    assert.equal((await client.count({ index: "alerts" })).count, 0);
    assert.deepEqual(es.requests.map((r) => [r.method, r.path, r.headers.get("accept")]), [
      ["GET", "/", "application/json"],
      ["GET", "/", "application/json"],
      ["GET", "/alerts/_count", "application/vnd.elasticsearch+json; compatible-with=8"],
    ]);
  } finally {
    await client.close();
    await es.close();
  }
});

Deno.test("esMajor() reads version.number and refuses majors older than 8 by name", () => {
  assert.equal(esMajor("8.19.7"), 8);
  assert.equal(esMajor("9.2.1"), 9);
  assert.equal(esMajor("10.0.0-SNAPSHOT"), 10);
  assert.throws(
    () => esMajor("7.17.25"),
    /^RangeError: Elasticsearch 7\.17\.25 is not supported: Stethoscope works with Elasticsearch 8\.x and 9\.x$/,
  );
  assert.throws(() => esMajor(undefined), /did not say its Elasticsearch version/);
  assert.equal(
    describeEsError(new RangeError("Elasticsearch 7.17.25 is not supported")),
    "RangeError: Elasticsearch 7.17.25 is not supported",
  );
});

Deno.test("esMediaTypes() gives each major its media types, and plain JSON when unknown", () => {
  assert.deepEqual(esMediaTypes(8, true), {
    accept: "application/vnd.elasticsearch+json; compatible-with=8",
    "content-type": "application/vnd.elasticsearch+x-ndjson; compatible-with=8",
  });
  assert.deepEqual(esMediaTypes(10, false), {
    accept: "application/vnd.elasticsearch+json; compatible-with=9",
    "content-type": "application/vnd.elasticsearch+json; compatible-with=9",
  });
  assert.deepEqual(esMediaTypes(null, false), {
    accept: "application/json",
    "content-type": "application/json",
  });
});
