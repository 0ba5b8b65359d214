// RW-10 (shared case of 2026-11-30): an Elasticsearch 8.x node answers the 9.x client's
// `compatible-with=9` headers with 400 media_type_header_exception (Elasticsearch "REST API
// compatibility" docs; elastic/elasticsearch-js 9.0 release notes on the compatibility headers).
import assert from "node:assert/strict";
import { startFakeElasticsearch } from "../fakes/elasticsearch.ts";
import { notificationsFrom } from "./es_support.ts";
import { realworldFixture } from "./fixture.ts";

interface Case {
  request_headers_sent_by_product: Record<string, string>;
  response: { status: number; body: unknown };
  config: Record<string, { ELASTICSEARCH_INDEX: string }>;
}

Deno.test("RW-10: the loopback 8.x node refuses the 9.x headers exactly as the real one did", async () => {
  const rw = await realworldFixture<Case>("es8_node_answer_to_compatible_with_9.json");
  const es = startFakeElasticsearch({ major: 8 });
  try {
    const res = await fetch(`${es.url}/stethoscope-notifications/_search`, {
      method: "POST",
      headers: rw.request_headers_sent_by_product,
      body: "{}",
    });
    assert.equal(res.status, rw.response.status);
    assert.deepEqual(await res.json(), rw.response.body);
  } finally {
    await es.close();
  }
});

Deno.test("RW-10: es_notifications configured as in the case reads alerts from that 8.x node", async () => {
  const rw = await realworldFixture<Case>("es8_node_answer_to_compatible_with_9.json");
  const es = startFakeElasticsearch({ major: 8 });
  const index = rw.config["PLUGINS.es_notifications"]!.ELASTICSEARCH_INDEX;
  const source = await notificationsFrom(es.url, { index });
  try {
    await es.putDoc(index, "n1", {
      email: "alice@example.com",
      type: "simple",
      message: "Please update your Mac",
      event_timestamp: "2026-11-29T08:00:00Z",
    });
    const found = await source.notificationsByEmail("alice@example.com", {
      signal: AbortSignal.timeout(5000),
    });
    assert.deepEqual(found.map((n) => [n.type, n.message]), [["simple", "Please update your Mac"]]);
    await source.checkConnectivity!({ signal: AbortSignal.timeout(5000) });
  } finally {
    await source.close();
    await es.close();
  }
});
