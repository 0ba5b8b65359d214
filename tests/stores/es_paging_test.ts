/**
 * The Elasticsearch store's security lists past 10,000 records: `from` + `size` may not go past
 * `index.max_result_window` (10,000) and `hits.total` is exact only up to 10,000 unless asked
 * (Elasticsearch reference, "Paginate search results" — the loopback fake enforces both), so the
 * report queue's later pages walk there with `search_after` in a point in time, and its total is
 * exact; a person's exemptions are read whole however many (the person read's one search holds
 * 1,000). Records are seeded straight into the fake's indices as the store writes them
 * (`reportDoc()`/`exemptionDoc()` fields, the body by `encodeReport()`/`encodeExemption()`).
 *
 * @module
 */
import assert from "node:assert/strict";
import { silentLogger } from "../../config/log.ts";
import { createElasticsearchStore } from "../../plugins/stores/elasticsearch.ts";
import type { Exemption } from "../../engine/view/exemptions.ts";
import { encodeExemption, encodeReport } from "../../plugins/stores/security_codec.ts";
import { startFakeElasticsearch } from "../fakes/elasticsearch.ts";
import { duoReport } from "../support/duo_report.ts";
import { at } from "./store_contract.ts";

const OPEN = 10_050;

const report = (i: number) => duoReport(i, at(i));

/** A store on its own loopback fake; `close()` ends both. */
async function esStore() {
  const fake = startFakeElasticsearch();
  const store = await createElasticsearchStore({
    ELASTICSEARCH_HOSTS: [fake.url],
    ELASTICSEARCH_INDEX_PREFIX: "t-",
    log: silentLogger,
  });
  return {
    fake,
    store,
    async close() {
      await store.close();
      await fake.close();
    },
  };
}

Deno.test("the Elasticsearch report queue pages past 10,000 with an exact total", async () => {
  const { fake, store, close } = await esStore();
  try {
    const docs = fake.indices.get("t-signin_reports")!.docs;
    for (let i = 0; i < OPEN; i++) {
      const r = report(i);
      docs.set(r.id, {
        _id: r.id,
        _seq_no: i,
        _primary_term: 1,
        _source: {
          email: r.email,
          reported_at: r.reportedAt.getTime(),
          handled: false,
          body: encodeReport(r),
        },
      });
    }
    const list = store.signinReports;
    const first = await list.signInReports({ state: "open", offset: 0, limit: 50 });
    assert.equal(first.total, OPEN, "exact, not 10,000");
    assert.deepEqual(first.reports.map((r) => r.email).slice(0, 2), [
      "p10049@example.com",
      "p10048@example.com",
    ]);
    // straddling the window, and wholly past it
    const across = await list.signInReports({ state: "open", offset: 9_980, limit: 50 });
    assert.deepEqual(
      across.reports.map((r) => r.signIn.id),
      [...Array(50)].map((_, k) => `txid-${OPEN - 1 - 9_980 - k}`),
    );
    const last = await list.signInReports({ state: "open", offset: 10_000, limit: 100 });
    assert.deepEqual(
      last.reports.map((r) => r.signIn.id),
      [...Array(50)].map((_, k) => `txid-${49 - k}`),
    );
    assert.equal(last.total, OPEN);
    assert.deepEqual(await list.signInReports({ state: "open", offset: 20_000, limit: 50 }), {
      reports: [],
      total: OPEN,
    });
    assert.deepEqual(
      (await list.signInReports({ state: "open", offset: 0, limit: 0 })).total,
      OPEN,
      "the Dashboard's count",
    );
    const pits = fake.requests.filter((r) => r.path.endsWith("/_pit"));
    assert.deepEqual(pits.map((r) => r.method), [
      "POST",
      "DELETE",
      "POST",
      "DELETE",
      "POST",
      "DELETE",
    ]);
  } finally {
    await close();
  }
});

Deno.test("the Elasticsearch store reads all of a person's 1,001 exemptions, in the person read too", async () => {
  const { fake, store, close } = await esStore();
  try {
    const docs = fake.indices.get("t-exemptions")!.docs;
    for (let i = 0; i < 1001; i++) {
      const e: Exemption = {
        id: `ex-${i}`,
        email: "fry@example.com",
        device: `serial:C02X${i}`,
        practice: "firewall",
        reason: "Lab machines on an isolated network",
        grantedBy: "security@example.com",
        grantedAt: at(i),
        expiresAt: at(100_000),
      };
      docs.set(e.id, {
        _id: e.id,
        _seq_no: i,
        _primary_term: 1,
        _source: {
          email: e.email,
          granted_at: e.grantedAt.getTime(),
          ends_at: e.expiresAt.getTime(),
          revoked: false,
          body: encodeExemption(e),
        },
      });
    }
    const all = await store.exemptions.exemptionsFor("fry@example.com");
    assert.equal(all.length, 1001, "was 1000: the 1001st silently left out");
    assert.deepEqual([all[0]!.id, all[1000]!.id], ["ex-0", "ex-1000"]);
    const read = await store.personReads.read("fry@example.com");
    assert.equal(read.exemptions?.length, 1001);
    assert.equal(read.exemptions?.at(-1)?.device, "serial:C02X1000");
    const active = await store.exemptions.activeExemptions({ at: at(5), offset: 1000, limit: 50 });
    assert.deepEqual({ ids: active.exemptions.length, total: active.total }, {
      ids: 1,
      total: 1001,
    });
  } finally {
    await close();
  }
});
