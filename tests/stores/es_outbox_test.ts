/**
 * The outbox claims of the Elasticsearch store (plugins/stores/es_outbox.ts), against the loopback
 * fake: two "processes" are two `esOutbox` objects with their own names over one index, and time
 * is a clock the test moves.
 */
import type { OutboxStore } from "../../engine/core/store_ports.ts";
import assert from "node:assert/strict";
import type { Client } from "@elastic/elasticsearch";
import { createEsClient } from "../../plugins/elasticsearch.ts";
import { type EsContext, esContext } from "../../plugins/stores/es_context.ts";
import { esFeedback } from "../../plugins/stores/es_feedback.ts";
import { ensureIndices } from "../../plugins/stores/es_indices.ts";
import { esOutbox } from "../../plugins/stores/es_outbox.ts";
import { type FakeElasticsearch, startFakeElasticsearch } from "../fakes/elasticsearch.ts";
import { at } from "./store_contract.ts";

const CLAIM_MS = 60_000;

interface Setup {
  fake: FakeElasticsearch;
  client: Client;
  ctx: EsContext;
  clock: { now: Date };
  /** The outbox of process `owner`, over `ctx` unless another is given. */
  process(owner: string, over?: EsContext): OutboxStore;
  /** The stored outbox document of the one item. */
  doc(): Record<string, unknown>;
}

async function withOutbox(fn: (s: Setup) => Promise<void>): Promise<void> {
  const fake = startFakeElasticsearch();
  const client = await createEsClient({ ELASTICSEARCH_HOSTS: [fake.url] }, { timeoutMs: 5000 });
  try {
    await ensureIndices(client, "t-");
    const clock = { now: at(0) };
    const ctx = esContext(client, { prefix: "t-", now: () => clock.now });
    await esFeedback(ctx).recordFeedback("fry@example.com", {
      id: "n1",
      feedback: "yes",
      notes: "",
    }, { sinks: ["rest"], at: at(0) });
    await fn({
      fake,
      client,
      ctx,
      clock,
      process: (owner, over = ctx) => esOutbox(over, { claimMs: CLAIM_MS, owner }),
      doc: () => fake.docs("t-outbox")[0]!._source,
    });
  } finally {
    await client.close();
    await fake.close();
  }
}

Deno.test("dueOutbox() claims an item for claimMs: another process gets it only once the claim lapses", async () => {
  await withOutbox(async ({ process, doc, clock }) => {
    const a = process("a");
    const b = process("b");
    const [item] = await a.dueOutbox(at(0), 10);
    assert.equal(item?.feedback.id, "n1");
    assert.equal(doc().claimed_by, "a");
    assert.equal(doc().claimed_until, at(0).getTime() + CLAIM_MS);

    assert.deepEqual(await b.dueOutbox(at(0), 10), [], "held by a");
    clock.now = new Date(at(0).getTime() + CLAIM_MS - 1);
    assert.deepEqual(await b.dueOutbox(clock.now, 10), [], "held by a until the last ms");
    assert.deepEqual(
      (await a.dueOutbox(clock.now, 10)).map((i) => i.id),
      [item!.id],
      "a process is handed its own claims again",
    );
    assert.equal(doc().claimed_until, clock.now.getTime() + CLAIM_MS, "and renews them");

    clock.now = new Date(clock.now.getTime() + CLAIM_MS);
    assert.deepEqual((await b.dueOutbox(clock.now, 10)).map((i) => i.id), [item!.id]);
    assert.equal(doc().claimed_by, "b");
  });
});

Deno.test("dueOutbox() skips an item another process claimed between the search and the claim", async () => {
  await withOutbox(async ({ ctx, process, doc }) => {
    const b = process("b");
    const racing: EsContext = {
      ...ctx,
      search: async (index, body) => {
        const hits = await ctx.search(index, body);
        assert.equal((await b.dueOutbox(at(0), 10)).length, 1, "b claims first");
        return hits;
      },
    };
    assert.deepEqual(await process("a", racing).dueOutbox(at(0), 10), []);
    assert.equal(doc().claimed_by, "b");
  });
});

Deno.test("markFailed() counts the attempt, keeps the error and releases the claim", async () => {
  await withOutbox(async ({ process, doc }) => {
    const a = process("a");
    const [item] = await a.dueOutbox(at(0), 10);
    await a.markFailed(item!.id, { nextAttemptAt: at(30), error: "sink down" });
    assert.deepEqual(
      { ...doc(), feedback: undefined },
      {
        feedback_id: doc().feedback_id,
        sink: "rest",
        email: "fry@example.com",
        feedback: undefined,
        created_at: at(0).getTime(),
        attempts: 1,
        next_attempt_at: at(30).getTime(),
        delivered: false,
        last_error: "sink down",
        claimed_by: "a",
        claimed_until: null,
      },
    );
    const [again] = await process("b").dueOutbox(at(30), 10);
    assert.equal(again?.attempts, 1, "released: another process may retry it");
    assert.equal(again?.lastError, "sink down");
  });
});

Deno.test("a process whose claim lapsed and was taken over: its failure is ignored, its delivery recorded", async () => {
  await withOutbox(async ({ process, doc, clock }) => {
    const a = process("a");
    const b = process("b");
    const [item] = await a.dueOutbox(at(0), 10);
    clock.now = new Date(at(0).getTime() + CLAIM_MS);
    assert.equal((await b.dueOutbox(clock.now, 10)).length, 1);

    await a.markFailed(item!.id, { nextAttemptAt: at(999), error: "late" });
    assert.equal(doc().attempts, 0, "b owns the retry now");
    assert.equal(doc().last_error, undefined);
    assert.equal(doc().claimed_by, "b");

    await a.markDelivered(item!.id, at(70));
    assert.equal(doc().delivered, true);
    assert.equal(doc().delivered_at, at(70).getTime());
    assert.equal(doc().claimed_until, null);
    assert.deepEqual(await b.dueOutbox(at(999), 10), []);
    assert.equal(await b.outboxDepth(), 0);
  });
});

Deno.test("a mark gives up after 5 tries while the item keeps changing under it", async () => {
  await withOutbox(async ({ client, ctx, process }) => {
    const [item] = await process("a").dueOutbox(at(0), 10);
    let reads = 0;
    // Every read is followed by someone else's write, so every conditional update conflicts.
    const busy = Object.create(client) as Client;
    busy.get = (async (...args: Parameters<Client["get"]>) => {
      reads++;
      const got = await client.get(...args);
      await client.update({ index: "t-outbox", id: item!.id, doc: { last_error: `w${reads}` } });
      return got;
    }) as Client["get"];
    await assert.rejects(
      process("a", esContext(busy, { prefix: "t-", now: ctx.now })).markFailed(item!.id, {
        nextAttemptAt: at(5),
        error: "x",
      }),
      (error: Error) => {
        assert.equal(error.name, "StoreError");
        assert.equal(
          error.message,
          `outbox item "${item!.id}" kept changing under concurrent updates`,
        );
        return true;
      },
    );
    assert.equal(reads, 5);
  });
});

Deno.test("markDelivered() and markFailed() leave a missing item alone", async () => {
  await withOutbox(async ({ process, fake }) => {
    const a = process("a");
    await a.markDelivered("no-such-item", at(1));
    await a.markFailed("no-such-item", { nextAttemptAt: at(2), error: "x" });
    assert.equal(fake.docs("t-outbox").length, 1);
    assert.equal(await a.outboxDepth(), 1);
  });
});
