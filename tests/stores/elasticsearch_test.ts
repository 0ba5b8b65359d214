import assert from "node:assert/strict";
import { silentLogger } from "../../config/log.ts";
import type { Store } from "../../engine/core/store_ports.ts";
import { createElasticsearchStore } from "../../plugins/stores/elasticsearch.ts";
import { type FakeElasticsearch, startFakeElasticsearch } from "../fakes/elasticsearch.ts";
import { at, runStoreContract } from "./store_contract.ts";
import { sharedCoordination, sharedRefreshBudget } from "./coordination_contract.ts";
import { sha256Hex } from "../../lib/sha256.ts";

/** Opens a store on its own fake; closing the store also stops the fake. */
async function storeOnFake(
  options: { fake?: FakeElasticsearch; now?: () => Date } = {},
): Promise<Store> {
  const fake = options.fake ?? startFakeElasticsearch();
  const store = await createElasticsearchStore({
    ELASTICSEARCH_HOSTS: [fake.url],
    ELASTICSEARCH_INDEX_PREFIX: "t-",
    log: silentLogger,
    ...(options.now ? { now: options.now } : {}),
  });
  const close = store.close.bind(store);
  return Object.assign(store, {
    close: async () => {
      await close();
      if (options.fake === undefined) await fake.close();
    },
  });
}

runStoreContract("elasticsearch (loopback fake)", () => storeOnFake());

Deno.test("elasticsearch store creates its indices with strict mappings once", async () => {
  const fake = startFakeElasticsearch();
  try {
    await (await storeOnFake({ fake })).close();
    await (await storeOnFake({ fake })).close();
    assert.deepEqual([...fake.indices.keys()].sort(), [
      "t-batch_runs",
      "t-device_rows",
      "t-dismissals",
      "t-events",
      "t-exemptions",
      "t-feedback",
      "t-leases",
      "t-nudge_people",
      "t-nudges",
      "t-outbox",
      "t-person_devices",
      "t-rate_buckets",
      "t-release_feeds",
      "t-revocations",
      "t-signin_reports",
      "t-snapshots",
      "t-statuses",
    ]);
    assert.equal(fake.indices.get("t-outbox")!.mappings.dynamic, "strict");
    assert.equal(fake.requests.filter((r) => r.method === "PUT").length, 17);
  } finally {
    await fake.close();
  }
});

Deno.test("elasticsearch store keys dismissals by sha256(email, notification id)", async () => {
  const fake = startFakeElasticsearch();
  const store = await storeOnFake({ fake });
  try {
    await store.feedback.dismiss("fry@example.com", "n1", at(0));
    await store.feedback.dismiss("fry@example.com", "n1", at(5));
    const docs = fake.docs("t-dismissals");
    assert.equal(docs.length, 1);
    assert.equal(docs[0]!._id, await sha256Hex("fry@example.com\u0000n1"));
    assert.equal(docs[0]!._source.dismissed_at, at(0).getTime());
  } finally {
    await store.close();
    await fake.close();
  }
});

Deno.test("elasticsearch store hands an outbox item to one process at a time", async () => {
  const fake = startFakeElasticsearch();
  const a = await storeOnFake({ fake, now: () => at(0) });
  const b = await storeOnFake({ fake, now: () => at(0) });
  try {
    await a.feedback.recordFeedback("fry@example.com", { id: "n1", feedback: "yes", notes: "" }, {
      sinks: ["rest"],
      at: at(0),
    });
    const [first, second] = await Promise.all([
      a.outbox.dueOutbox(at(0), 10),
      b.outbox.dueOutbox(at(0), 10),
    ]);
    assert.equal(first.length + second.length, 1);
    const [holder, other] = first.length === 1 ? [a, b] : [b, a];
    const item = first[0] ?? second[0]!;
    assert.deepEqual(await other.outbox.dueOutbox(at(0), 10), []);
    assert.deepEqual((await holder.outbox.dueOutbox(at(0), 10)).map((i) => i.id), [item.id]);
    await holder.outbox.markFailed(item.id, { nextAttemptAt: at(2), error: "down" });
    const [retry] = await b.outbox.dueOutbox(at(2), 10);
    assert.equal(retry!.attempts, 1);
    await b.outbox.markDelivered(retry!.id, at(3));
    assert.equal(await a.outbox.outboxDepth(), 0);
  } finally {
    await a.close();
    await b.close();
    await fake.close();
  }
});

Deno.test("elasticsearch store reports an unreachable cluster with a clear error", async () => {
  const fake = startFakeElasticsearch();
  const store = await storeOnFake({ fake });
  try {
    fake.failWith = 503;
    await assert.rejects(
      store.feedback.recordFeedback("fry@example.com", { id: "n1", feedback: "yes", notes: "" }, {
        sinks: ["rest"],
        at: at(0),
      }),
      /^StoreError: Cannot record feedback in the Elasticsearch store: Elasticsearch answered 503/,
    );
  } finally {
    await store.close();
    await fake.close();
  }
});

Deno.test("elasticsearch store: a session revoked by one process is refused by another, and the raw id never reaches the index", async () => {
  const fake = startFakeElasticsearch();
  const first = await storeOnFake({ fake });
  const second = await storeOnFake({ fake });
  try {
    assert.equal(
      await first.revocations.revoke("session:abc123", { until: at(3600), now: at(0) }),
      true,
    );
    assert.equal(await second.revocations.isRevoked("session:abc123", at(10)), true);
    assert.equal(
      await second.revocations.revoke("session:abc123", { until: at(3600), now: at(10) }),
      false,
      "the second process sees it taken",
    );
    const docs = fake.docs("t-revocations");
    assert.equal(docs.length, 1);
    assert.doesNotMatch(JSON.stringify(docs), /abc123/);
  } finally {
    await first.close();
    await second.close();
    await fake.close();
  }
});

Deno.test("two elasticsearch stores on one cluster share rate-limit buckets, leases and the refresh budget", async () => {
  const fake = startFakeElasticsearch();
  const [a, b] = [await storeOnFake({ fake }), await storeOnFake({ fake })];
  try {
    await sharedCoordination(a, b);
    await sharedRefreshBudget(a, b);
  } finally {
    await a.close();
    await b.close();
    await fake.close();
  }
});

Deno.test("elasticsearch store answers a person read with one _msearch request", async () => {
  const fake = startFakeElasticsearch();
  const store = await storeOnFake({ fake });
  try {
    await store.statuses.observe([{
      device: "serial:C02FRY",
      practice: "firewall",
      status: "warn",
      since: at(0),
    }], { person: "fry@example.com" });
    await store.feedback.dismiss("fry@example.com", "n1", at(1));
    const before = fake.requests.length;
    const got = await store.personReads.read("fry@example.com");
    assert.deepEqual(
      fake.requests.slice(before).map((r) => `${r.method} ${r.path}`),
      ["POST /_msearch"],
    );
    assert.deepEqual([...got.statuses.keys()], ["serial:C02FRY\u0000firewall"]);
    assert.deepEqual([...got.dismissed], ["n1"]);
  } finally {
    await store.close();
    await fake.close();
  }
});
