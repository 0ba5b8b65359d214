import assert from "node:assert/strict";
import { silentLogger } from "../../config/log.ts";
import type { Store } from "../../engine/core/store_ports.ts";
import type { MergedDevice } from "../../engine/core/types.ts";
import batchEs, { documentId, schema } from "../../plugins/batch_es.ts";
import type { PluginInstance } from "../../plugins/plugin.ts";
import { startFakeElasticsearch } from "../fakes/elasticsearch.ts";

const NOW = new Date("2026-03-12T09:00:00Z");
const signal = () => new AbortController().signal;

function mac(serial: string | undefined, macs: string[] = []): MergedDevice {
  return {
    sources: ["jamf"],
    name: `mac-${serial ?? macs[0] ?? "none"}`,
    practices: { encryption: { status: "ok" } },
    identifiers: { ...(serial ? { serial } : {}), ...(macs.length ? { mac_addresses: macs } : {}) },
    last_sync: new Date("2026-03-10T00:00:00Z"),
    _raw: [{ password: "never indexed" }],
  };
}

async function create(url: string, extra: Record<string, unknown> = {}): Promise<PluginInstance> {
  const config = schema.parse({ ELASTICSEARCH_HOSTS: [url], ...extra });
  return await batchEs.create(config, {
    name: "batch_es",
    timeoutMs: 5000,
    log: silentLogger,
    store: {} as Store,
    now: () => NOW,
    demo: false,
  });
}

Deno.test("batch_es accepts ELASTICSEARCH_INDEX_PREFIX or ELASTICSEARCH_INDEX and names both when missing", () => {
  const bad = schema.safeParse({ ELASTICSEARCH_HOSTS: ["http://127.0.0.1:9200"] });
  assert.equal(bad.success, false);
  assert.match(bad.error!.issues[0]!.message, /ELASTICSEARCH_INDEX_PREFIX; ELASTICSEARCH_INDEX/);
  assert.ok(
    schema.safeParse({ ELASTICSEARCH_HOSTS: ["127.0.0.1:9200"], ELASTICSEARCH_INDEX: "b-" })
      .success,
  );
});

Deno.test("documentId() is stable per person and device, and differs across people and devices", async () => {
  const a = await documentId("fry@planetexpress.com", mac("C02X"));
  assert.equal(a, await documentId("FRY@planetexpress.com", { ...mac("C02X"), name: "renamed" }));
  assert.notEqual(a, await documentId("leela@planetexpress.com", mac("C02X")));
  assert.notEqual(a, await documentId("fry@planetexpress.com", mac("C02Y")));
  // No serial: the first MAC; nothing at all: the other identifiers, sources and name.
  const m = await documentId("fry@planetexpress.com", mac(undefined, ["00:DE:CA:FB:AD:00"]));
  assert.equal(
    m,
    await documentId("fry@planetexpress.com", mac(undefined, ["00:DE:CA:FB:AD:00", "X"])),
  );
  const n1 = await documentId("fry@planetexpress.com", {
    sources: ["google"],
    identifiers: {},
    name: "a",
  });
  const n2 = await documentId("fry@planetexpress.com", {
    sources: ["google"],
    identifiers: {},
    name: "b",
  });
  assert.notEqual(n1, n2);
  assert.match(a, /^[0-9a-f]{64}$/);
});

Deno.test("batch_es indexes one document per device into prefix+YYYYMM; a rerun overwrites", async () => {
  const es = startFakeElasticsearch();
  const plugin = await create(es.url, { ELASTICSEARCH_INDEX_PREFIX: "devices-" });
  try {
    const result = { email: "fry@planetexpress.com", devices: [mac("C02X"), mac("C02Y")] };
    await plugin.post!(result, { signal: signal() });
    await plugin.post!(result, { signal: signal() });
    await plugin.post!({ email: "nobody@planetexpress.com", devices: [] }, { signal: signal() });
    const report = await plugin.finish!();
    const docs = es.docs("devices-202603");
    assert.equal(docs.length, 2);
    const doc = docs.find((d) => d._source.name === "mac-C02X")!;
    assert.deepEqual(doc._source, {
      sources: ["jamf"],
      name: "mac-C02X",
      practices: { encryption: { status: "ok" } },
      identifiers: { serial: "C02X" },
      last_sync: "2026-03-10T00:00:00.000Z",
      email: "fry@planetexpress.com",
      report_date: "2026-03-12T09:00:00.000Z",
    });
    assert.equal(doc._id, await documentId("fry@planetexpress.com", mac("C02X")));
    const bulks = es.requests.filter((r) => r.path.endsWith("_bulk"));
    assert.equal(bulks.length, 1, "both posts in one body");
    assert.deepEqual({ ...report, bytes: 0 }, {
      written: 4,
      retried: 0,
      lost: 0,
      requests: 1,
      bytes: 0,
      lostNamed: [],
    });
    assert.equal(report.bytes, new TextEncoder().encode(bulks[0]!.body).length);
  } finally {
    await plugin.close?.();
    await es.close();
  }
});

Deno.test("batch_es sends a body once it reaches BULK_FLUSH_BYTES, so 40 people take 7 requests", async () => {
  const es = startFakeElasticsearch();
  const plugin = await create(es.url, {
    ELASTICSEARCH_INDEX_PREFIX: "devices-",
    BULK_FLUSH_BYTES: 2_000,
  });
  try {
    for (let i = 0; i < 40; i++) {
      const serial = `C02X${String(i).padStart(4, "0")}`;
      await plugin.post!({
        email: `crew${String(i).padStart(2, "0")}@planetexpress.com`,
        devices: [mac(serial)],
      }, {
        signal: signal(),
      });
    }
    const report = await plugin.finish!();
    const bodies = es.requests.filter((r) => r.path.endsWith("_bulk")).map((r) =>
      new TextEncoder().encode(r.body).length
    );
    // each document is 348 bytes with its action line: a body closes at the sixth (2,088 bytes)
    assert.deepEqual(bodies, [2088, 2088, 2088, 2088, 2088, 2088, 1392]);
    assert.equal(es.docs("devices-202603").length, 40);
    assert.equal(report.written, 40);
    assert.equal(report.requests, 7);
  } finally {
    await plugin.close?.();
    await es.close();
  }
});

Deno.test("batch_es names the documents of a refused or failed request as lost, never throws", async () => {
  const es = startFakeElasticsearch();
  const plugin = await create(es.url, {
    ELASTICSEARCH_INDEX_PREFIX: "devices-",
    BULK_RETRIES: 2,
    BULK_RETRY_WAIT: 0.001,
  });
  try {
    await plugin.post!({ email: "amy@planetexpress.com", devices: [mac("C02A")] }, {
      signal: signal(),
    });
    assert.equal((await plugin.finish!()).written, 1);
    es.requests.length = 0;
    es.failWith = 503;
    await plugin.post!({ email: "fry@planetexpress.com", devices: [mac("C02X")] }, {
      signal: signal(),
    });
    const report = await plugin.finish!();
    assert.equal(
      es.requests.filter((r) => r.path.endsWith("_bulk")).length,
      3,
      "the request and 2 retries",
    );
    assert.deepEqual({ ...report, bytes: 0 }, {
      written: 1,
      retried: 2,
      lost: 1,
      requests: 4,
      bytes: 0,
      lostNamed: [
        `fry@planetexpress.com ${
          (await documentId("fry@planetexpress.com", mac("C02X"))).slice(0, 12)
        }: still refused (429/503) after 2 retries`,
      ],
    });
    es.failWith = 400;
    await plugin.post!({ email: "leela@planetexpress.com", devices: [mac("C02Y")] }, {
      signal: signal(),
    });
    const second = await plugin.finish!();
    assert.equal(second.lost, 2);
    assert.match(
      second.lostNamed[1]!,
      /^leela@planetexpress\.com [0-9a-f]{12}: Elasticsearch answered 400 \(unavailable: fake is down\)$/,
    );
  } finally {
    await plugin.close?.();
    await es.close();
  }
});
