// RW3-11: a `_bulk` answer 200 with `errors: true` whose items are `429
// es_rejected_execution_exception` (the node's write queue was full: elastic/logstash#1631;
// Elastic's own JS bulk helper retries 429 items). Three people with two devices each, from a
// file inventory, into batch_es. Before: 5 of 6 indexed, nothing retried, exit 0.
import assert from "node:assert/strict";
import { silentLogger } from "../../config/log.ts";
import { ConfigSchema } from "../../config/schema.ts";
import { runBatchCommand } from "../../cli/batch.ts";
import { documentId } from "../../plugins/batch_es.ts";
import { createSqliteStore } from "../../plugins/stores/sqlite.ts";
import { startFakeElasticsearch } from "../fakes/elasticsearch.ts";
import { realworldFixture } from "./fixture.ts";

const NOW = new Date("2026-12-07T09:00:00Z");
const FIXTURES = new URL("./fixtures/", import.meta.url);

interface Rejection {
  rejectedExecution: { type: string; reason: string };
}

/** Runs the batch over the case's people; `reject(attempt)` says whether Kai's laptop is refused. */
async function run(reject: (attempt: number) => boolean) {
  const es = startFakeElasticsearch({ major: 8 });
  const { rejectedExecution } = await realworldFixture<Rejection>(
    "es_bulk_item_rejected_execution.json",
  );
  const kaiLaptop = await documentId("kai@example.com", {
    identifiers: { serial: "PF5TEST0005" },
    sources: ["file"],
  });
  let attempts = 0;
  es.rejectBulkItem = (id) =>
    id === kaiLaptop && reject(++attempts) ? { status: 429, ...rejectedExecution } : null;
  const dir = await Deno.makeTempDir();
  const out: string[] = [];
  const progress: string[] = [];
  try {
    const config = {
      ...ConfigSchema.parse({
        DEFAULT_TIMEOUT: 30,
        PLUGINS: {
          file: {
            PATH: new URL("file_inventory_three_people_six_devices.ndjson", FIXTURES).pathname,
          },
          batch_es: {
            ELASTICSEARCH_HOSTS: [es.url],
            ELASTICSEARCH_INDEX_PREFIX: "stethoscope-devices-",
            ELASTICSEARCH_KWARGS: { compatibleWith: 8 },
            BULK_RETRY_WAIT: 0.01,
          },
        },
      }),
      demo: false,
    };
    const store = await createSqliteStore({ path: `${dir}/batch.db`, log: silentLogger });
    const code = await runBatchCommand({
      config,
      values: {},
      positionals: ["batch", new URL("people_ivy_jon_kai.txt", FIXTURES).pathname],
      log: silentLogger,
      print: (t) => void out.push(t),
      printErr: (t) => void out.push(t),
    }, { store, now: () => NOW, isTerminal: false, writeProgress: (t) => void progress.push(t) });
    const serials = es.docs("stethoscope-devices-202612")
      .map((d) => (d._source.identifiers as { serial: string }).serial).sort();
    const bodies = es.requests.filter((r) => r.path.endsWith("/_bulk")).map((r) => r.body);
    // the lines of the first body that a later body sent again
    const again = bodies.slice(1).map((b) => b.split("\n").filter((l) => l !== ""));
    const first = bodies[0]!.split("\n");
    const resent = again.map((lines) => ({
      ids: lines.filter((_, i) => i % 2 === 0).map((l) => JSON.parse(l).index._id),
      asFirst: lines.every((l) => first.includes(l)),
    }));
    const bulks = bodies.length;
    return {
      code,
      out: out.join(""),
      progress: progress.join(""),
      serials,
      bulks,
      attempts,
      resent,
      kaiLaptop,
    };
  } finally {
    await es.close();
    await Deno.remove(dir, { recursive: true });
  }
}

const ALL = [
  "F2LTEST0002",
  "F2LTEST0004",
  "F2LTEST0006",
  "PF5TEST0001",
  "PF5TEST0003",
  "PF5TEST0005",
];

Deno.test("RW3-11: a document refused with 429 is sent again after a wait and all six are indexed", async () => {
  const r = await run((attempt) => attempt === 1);
  assert.equal(r.code, 0, r.out);
  assert.deepEqual(r.serials, ALL);
  // the three people's six documents in one body, then Kai's laptop alone
  assert.equal(r.bulks, 2);
  assert.equal(r.attempts, 2);
  // the second body is Kai's laptop alone, byte for byte as in the first (action and document)
  assert.deepEqual(r.resent, [{ ids: [r.kaiLaptop], asFirst: true }]);
  assert.match(
    r.out,
    /batch_es: 6 documents written in 2 requests \(0\.0 MB\), 1 retried, 0 lost\n/,
  );
  assert.match(r.progress, /documents 6 written, 1 retried, 0 lost\n$/);
});

Deno.test("RW3-11: a document still refused after the retries is named and the batch exits 1", async () => {
  const r = await run(() => true);
  assert.equal(r.code, 1, r.out);
  assert.deepEqual(r.serials, ALL.filter((s) => s !== "PF5TEST0005"));
  assert.equal(r.attempts, 4, "the first attempt and BULK_RETRIES (3) more");
  assert.match(
    r.out,
    /batch_es: 5 documents written in 4 requests \(0\.0 MB\), 3 retried, 1 lost\n/,
  );
  assert.match(
    r.out,
    /\n {4}lost: kai@example\.com [0-9a-f]{12}: still refused \(429\/503\) after 3 retries\n/,
  );
});
