import assert from "node:assert/strict";
import { silentLogger } from "../../config/log.ts";
import type { NotificationSource } from "../../engine/core/ports.ts";
import type { Store } from "../../engine/core/store_ports.ts";
import plugin from "../../plugins/es_notifications.ts";
import { startFakeElasticsearch } from "../fakes/elasticsearch.ts";

// Elasticsearch analyses a `match` query with Unicode lower-casing (the fake does the same), so a
// search for kif@example.com also finds alerts addressed to "\u212Aif@example.com" (Kelvin sign).
const KELVIN = "\u212Aif@example.com";
const KIF = "kif@example.com";

Deno.test("es_notifications shows each address only its own alerts, never the Kelvin-sign twin's", async () => {
  const es = startFakeElasticsearch();
  const source = await plugin.create(
    plugin.schema.parse({ ELASTICSEARCH_HOSTS: [es.url], ELASTICSEARCH_INDEX: "alerts" }),
    {
      name: "es_notifications",
      timeoutMs: 2000,
      log: silentLogger,
      store: {} as Store,
      now: () => new Date("2026-11-30T12:00:00Z"),
      demo: false,
    },
  ) as NotificationSource;
  try {
    const docs = {
      k1: { email: "Kif@Example.com", message: "For Kif", event_timestamp: "2026-11-01" },
      k2: {
        email: [KIF, "ops@example.com"],
        message: "For Kif and ops",
        event_timestamp: "2026-11-02",
      },
      x1: { email: KELVIN, message: "For the other", event_timestamp: "2026-11-03" },
    };
    for (const [id, doc] of Object.entries(docs)) {
      await es.putDoc("alerts", id, doc);
    }
    const ids = async (who: string) =>
      (await source.notificationsByEmail(who, { signal: AbortSignal.timeout(2000) })).map((n) =>
        n.id
      );
    assert.deepEqual(await ids(KIF), ["k2", "k1"]);
    assert.deepEqual(await ids(KELVIN), ["x1"]);
  } finally {
    await source.close?.();
    await es.close();
  }
});
