import assert from "node:assert/strict";
import { silentLogger } from "../../config/log.ts";
import { type Config, ConfigSchema } from "../../config/schema.ts";
import { runBatchCommand } from "../../cli/batch.ts";
import { withBatchTimeout } from "../../cli/batch_options.ts";
import type { CommandContext } from "../../cli/command.ts";
import { loadPlugins } from "../../plugins/registry.ts";
import { createSqliteStore } from "../../plugins/stores/sqlite.ts";
import { BITFIT_TOKEN, startFakeBitfit } from "../fakes/bitfit.ts";
import { startFakeElasticsearch } from "../fakes/elasticsearch.ts";
import { JAMF_PASSWORD, JAMF_USER, startFakeJamf } from "../fakes/jamf.ts";
import { json, type LoggedRequest, startFake } from "../fakes/server.ts";
import { registryWith, sourceEntry } from "../support/sources.ts";

/** Fry's Macs were last seen 2016-02-26 (lgml) and 2016-02-28 (lgmd): only lgmd is ≤ 14 days old. */
const NOW = new Date("2016-03-12T12:00:00Z");
const PEOPLE = [
  "fry@planetexpress.com", // known to JAMF and bitFit
  "leela@planetexpress.com", // unknown to every source
  "zoidberg@planetexpress.com", // unknown to every source
  "bender@planetexpress.com", // the inventory source fails for him
  "hermes@planetexpress.com", // the inventory source never answers for him
];

/** Why the inventory source's calls for Hermes were aborted, in order. */
const hermesAborts: string[] = [];

/** A test source: nothing for most, an error for Bender, a hang for Hermes. */
const inventory = sourceEntry((email, signal) => {
  if (email.startsWith("bender@")) return Promise.reject(new Error("inventory exploded"));
  if (email.startsWith("hermes@")) {
    return new Promise((_, reject) =>
      signal.addEventListener("abort", () => {
        hermesAborts.push(String((signal.reason as Error).message));
        reject(signal.reason);
      }, { once: true })
    );
  }
  return Promise.resolve([]);
});
const REGISTRY = registryWith({ inventory });

interface Harness {
  config: Config;
  storePath: string;
  es: ReturnType<typeof startFakeElasticsearch>;
  rest: ReturnType<typeof startFake>;
  jamf: Awaited<ReturnType<typeof startFakeJamf>>;
  file: string;
  close(): Promise<void>;
}

async function harness(people: string[] = PEOPLE): Promise<Harness> {
  const [jamf, bitfit] = await Promise.all([startFakeJamf(), startFakeBitfit()]);
  const es = startFakeElasticsearch();
  const rest = startFake((req: LoggedRequest) =>
    req.path === "/summary" ? json({ received: true }, 202) : json({}, 404)
  );
  const dir = await Deno.makeTempDir();
  const file = `${dir}/emails.txt`;
  await Deno.writeTextFile(file, people.join("\n") + "\nnot-an-email\n" + people[0] + "\n");
  const parsed = ConfigSchema.parse({
    DEFAULT_TIMEOUT: 30,
    STORE: { TYPE: "sqlite", PATH: `${dir}/batch.db` },
    PLUGINS: {
      jamf: {
        JAMF_API_USERNAME: JAMF_USER,
        JAMF_API_PASSWORD: JAMF_PASSWORD,
        JAMF_API_HOSTADDR: jamf.hostaddr,
        JAMF_TIMEOUT: 30,
      },
      bitfit: { BITFIT_API_TOKEN: BITFIT_TOKEN, BITFIT_BASE_URL: bitfit.baseUrl },
      inventory: { TIMEOUT: 60 },
      batch_es: { ELASTICSEARCH_HOSTS: [es.url], ELASTICSEARCH_INDEX_PREFIX: "stethoscope-batch-" },
      batch_restful_summary: { URL: `${rest.url}/summary` },
    },
  });
  return {
    config: { ...parsed, demo: false },
    storePath: `${dir}/batch.db`,
    es,
    rest,
    jamf,
    file,
    async close() {
      await Promise.all([jamf.close(), bitfit.close(), es.close(), rest.close()]);
      await Deno.remove(dir, { recursive: true });
    },
  };
}

function context(
  h: Harness,
  args: string[],
  values: CommandContext["values"] = {},
): CommandContext & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    config: h.config,
    values,
    positionals: ["batch", ...args],
    log: silentLogger,
    print: (t) => void out.push(t),
    printErr: (t) => void err.push(t),
    out,
    err,
  };
}

const deps = { registry: REGISTRY, now: () => NOW, isTerminal: false, writeProgress: () => {} };

Deno.test("batch runs everyone through the fakes, reports the summary and feeds both sinks", async () => {
  const h = await harness();
  try {
    const ctx = context(h, [h.file], { timeout: "1", concurrency: "3" });
    const aborted = hermesAborts.length;
    const code = await runBatchCommand(ctx, deps);
    assert.equal(code, 0, ctx.err.join("\n"));
    // --timeout 1 reached the inventory source (configured with 60 s): Hermes gave up after 1 s.
    assert.deepEqual(hermesAborts.slice(aborted), ["inventory did not answer within 1 s"]);
    const out = ctx.out.join("");
    assert.match(out, /: 5 people \(1 with devices\), 2 devices\n/);
    assert.match(out, /Skipped: 1 invalid addresses, 1 duplicates/);
    assert.match(out, /Source errors \(people affected\):\n {2}inventory: 2 \(1 timed out\)\n/);
    assert.match(out, /batch_es: 5 people posted, 0 failed/);
    assert.match(
      out,
      /batch_restful_summary: posted 1 devices to http:\/\/127\.0\.0\.1:\d+\/summary: HTTP 202 \(accepted\)/,
    );
    assert.deepEqual(ctx.err, ['batch: skipped "not-an-email": not an email address']);

    // Elasticsearch: Fry's two Macs, one document each, in the month's index.
    const docs = h.es.docs("stethoscope-batch-201603");
    assert.equal(docs.length, 2);
    const serials = docs.map((d) => (d._source.identifiers as { serial: string }).serial).sort();
    assert.deepEqual(serials, ["DECAFBAD00", "DECAFBAD01"]);
    for (const d of docs) {
      assert.equal(d._source.email, "fry@planetexpress.com");
      assert.equal(d._source.report_date, NOW.toISOString());
      assert.equal("_raw" in d._source, false);
      assert.match(d._id, /^[0-9a-f]{64}$/);
    }
    // REST: one POST, with the devices seen in the last 14 days (lgmd only).
    const posts = h.rest.requests.filter((r) => r.method === "POST");
    assert.equal(posts.length, 1);
    const snapshot = JSON.parse(posts[0]!.body) as { name: string; email: string }[];
    assert.deepEqual(snapshot.map((d) => [d.name, d.email]), [[
      "lgmd-pfry",
      "fry@planetexpress.com",
    ]]);

    // The run is in the store, with the same numbers.
    const store = await createSqliteStore({ path: h.storePath, log: silentLogger });
    try {
      const [run] = await store.batchRuns.batchRuns(5);
      assert.ok(run);
      assert.equal(run.people, 5);
      assert.equal(run.devices, 2);
      assert.deepEqual(run.errors, { inventory: 2 });
      assert.equal(
        Object.values(run.ratings).reduce((a, b) => a + b, 0),
        2,
      );
      assert.deepEqual(Object.keys(run.bySource).sort(), ["bitfit", "jamf"]);
    } finally {
      await store.close();
    }

    // A rerun overwrites the same documents instead of adding new ones.
    const again = context(h, [h.file], { timeout: "1" });
    assert.equal(await runBatchCommand(again, deps), 0);
    const after = h.es.docs("stethoscope-batch-201603");
    assert.equal(after.length, 2);
    assert.deepEqual(after.map((d) => d._id).sort(), docs.map((d) => d._id).sort());
  } finally {
    await h.close();
  }
});

Deno.test("batch exits 1 and says so when a source fails for everyone", async () => {
  const h = await harness(["fry@planetexpress.com", "leela@planetexpress.com"]);
  try {
    h.jamf.fail({ kind: "status", status: 401 });
    const ctx = context(h, [h.file], { "collect-only": true });
    assert.equal(await runBatchCommand(ctx, deps), 1);
    const out = ctx.out.join("");
    assert.match(out, / {2}jamf: 2 — FAILED FOR EVERYONE\n/);
    assert.match(out, /Sinks: skipped \(--collect-only\)/);
    assert.equal(h.rest.requests.length, 0);
    assert.equal(h.es.requests.filter((r) => r.path.includes("_bulk")).length, 0);
  } finally {
    await h.close();
  }
});

Deno.test("batch reads stdin for -, and requires a list when given none", async () => {
  const h = await harness();
  try {
    const none = context(h, []);
    assert.equal(await runBatchCommand(none, deps), 2);
    assert.match(none.err.join(""), /an emails file is required/);

    const bad = context(h, ["-"], { shard: "4/3" });
    assert.equal(await runBatchCommand(bad, deps), 2);
    assert.match(bad.err.join(""), /--shard: Invalid shard "4\/3"/);

    const stdin = context(h, ["-"], { "collect-only": true, shard: "1/1" });
    const code = await runBatchCommand(stdin, {
      ...deps,
      readStdin: () => Promise.resolve("leela@planetexpress.com\nzoidberg@planetexpress.com\n"),
    });
    assert.equal(code, 0);
    assert.match(stdin.out.join(""), /: 2 people \(0 with devices\), 0 devices/);
  } finally {
    await h.close();
  }
});

Deno.test("batch shows progress lines on a pipe and writes the log file", async () => {
  const h = await harness(["fry@planetexpress.com", "bender@planetexpress.com"]);
  try {
    const lines: string[] = [];
    const logFile = `${h.storePath}.log`;
    const ctx = context(h, [h.file], { "collect-only": true, "log-file": logFile });
    await runBatchCommand(ctx, { ...deps, writeProgress: (t) => void lines.push(t) });
    assert.match(
      lines.at(-1)!,
      /^batch: 2\/2 people \(100%\), 2 devices, 1 with errors, [\d.]+ people\/s, ETA 0s\n$/,
    );
    const log = await Deno.readTextFile(logFile);
    assert.match(
      log,
      /"msg":"source failed","command":"batch","email":"bender@planetexpress.com","source":"inventory"/,
    );
  } finally {
    await h.close();
  }
});

Deno.test("withBatchTimeout() gives every plugin the --timeout deadline", async () => {
  const h = await harness();
  try {
    const config = withBatchTimeout(h.config, 2, REGISTRY);
    assert.equal(config.PLUGINS.jamf!.JAMF_TIMEOUT, 2);
    assert.equal(config.PLUGINS.inventory!.TIMEOUT, 2);
    assert.equal(config.DEFAULT_TIMEOUT, 2);
    assert.equal(h.config.PLUGINS.jamf!.JAMF_TIMEOUT, 30, "the original config is unchanged");
    const store = await createSqliteStore({ path: ":memory:", log: silentLogger });
    const plugins = await loadPlugins(config, { log: silentLogger, store, registry: REGISTRY });
    try {
      assert.deepEqual(
        plugins.map((p) => [p.name, p.instance.timeoutMs]),
        ["jamf", "bitfit", "inventory", "batch_es", "batch_restful_summary"].map((n) => [n, 2000]),
      );
    } finally {
      await Promise.all(plugins.map((p) => p.instance.close?.()));
      await store.close();
    }
  } finally {
    await h.close();
  }
});
