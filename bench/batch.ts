/**
 * Batch benchmark (`deno task bench:batch`): 10,000 people through the real `batch` command path
 * (registry → assemble → engine with per-source limits → practices → merge → status history in
 * SQLite → a batch sink), with an in-memory source that
 * answers each person after 50 ms, at concurrency 16. Prints wall time against the ideal
 * (people × 50 ms ÷ 16; target ≤ 1.15×) and peak RSS (target < 300 MB).
 *
 * The people's records come from `bench/data/batch_10000.jsonl` when present (kept as text and
 * parsed per request, as an upstream would send them), else two synthetic Macs each.
 *
 * The store is a SQLite file, as in production. `--keep` swaps the per-person sink for one with
 * an end-of-run summary (like `batch_restful_summary`; since issue 25 the run keeps no result for
 * it).
 *
 * Run: `deno run --allow-read --allow-write --allow-env --allow-sys bench/batch.ts [PEOPLE] [--keep]`
 *
 * @module
 */
// deno-lint-ignore-file no-console
import { z } from "zod";
import { runBatchCommand } from "../cli/batch.ts";
import { silentLogger } from "../config/log.ts";
import { ConfigSchema } from "../config/schema.ts";
import type { BatchResult } from "../engine/core/ports.ts";
import type { DeviceRecord } from "../engine/core/types.ts";
import { recordFromWire } from "../engine/core/wire.ts";
import { type AnyPluginModule, definePlugin } from "../plugins/plugin.ts";
import type { RegistryEntry } from "../plugins/registry.ts";
import { createSqliteStore } from "../plugins/stores/sqlite.ts";
import { sleep } from "../lib/abort.ts";

const KEEP = Deno.args.includes("--keep");
const PEOPLE = Number(Deno.args.find((a) => /^\d+$/.test(a)) ?? 10_000);
const LATENCY_MS = 50;
const CONCURRENCY = 16;
const DATA = new URL("./data/batch_10000.jsonl", import.meta.url);

/** Each person's records as JSON text (parsed per request, like an upstream answer). */
async function loadPeople(): Promise<{ emails: string[]; answers: Map<string, string> }> {
  const answers = new Map<string, string>();
  try {
    const text = await Deno.readTextFile(DATA);
    for (const line of text.split("\n")) {
      if (answers.size >= PEOPLE) break;
      const m = /"email": "([^"]+)"/.exec(line);
      if (m) answers.set(m[1]!, line);
    }
  } catch {
    // No generated data: synthetic people below.
  }
  for (let i = answers.size; i < PEOPLE; i++) {
    const email = `synthetic${i}@example.com`;
    const mac = (n: number) => ({
      source: "jamf",
      model: "MacBook Air",
      os: "Mac OS X",
      os_version: "14.5",
      serial: `SYN${i}X${n}`,
      last_sync: "2026-11-20T00:00:00Z",
      identifiers: { serial: `SYN${i}X${n}` },
      practices: { encryption: { value: n === 0 }, firewall: { value: true } },
    });
    answers.set(email, JSON.stringify({ email, devices: [mac(0), mac(1)] }));
  }
  return { emails: [...answers.keys()], answers };
}

function entry(module: AnyPluginModule): RegistryEntry {
  return { load: () => Promise.resolve({ default: module }) };
}

const { emails, answers } = await loadPeople();
let calls = 0;
let inFlight = 0;
let peakInFlight = 0;
const inventory = definePlugin(z.object({}).strict(), (_, ctx) => ({
  name: ctx.name,
  timeoutMs: ctx.timeoutMs,
  async devicesByEmail(email: string): Promise<DeviceRecord[]> {
    calls++;
    peakInFlight = Math.max(peakInFlight, ++inFlight);
    await sleep(LATENCY_MS);
    inFlight--;
    const line = answers.get(email);
    if (line === undefined) return [];
    return (JSON.parse(line).devices as unknown[]).map(recordFromWire);
  },
}), { kinds: ["devices"], summary: "bench" });
let posted = 0;
/** A sink like batch_es: one call per person, the devices serialised as a bulk body would be. */
const poster = definePlugin(z.object({}).strict(), (_, ctx) => ({
  name: ctx.name,
  timeoutMs: ctx.timeoutMs,
  post: (r: BatchResult) => {
    if (JSON.stringify(r.devices).length > 0) posted += r.devices.length;
    return Promise.resolve();
  },
}), { kinds: ["batch"], summary: "bench" });
/**
 * A sink like batch_restful_summary (`--keep`): a summary after the run. The run hands it each
 * result once and keeps none (issue 25); this one keeps only its counts.
 */
let summarised = 0;
const keeper = definePlugin(z.object({}).strict(), (_, ctx) => ({
  name: ctx.name,
  timeoutMs: ctx.timeoutMs,
  post: (r: BatchResult) => {
    summarised++;
    posted += r.devices.length;
    return Promise.resolve();
  },
  summary: () => Promise.resolve(`kept ${summarised} people`),
}), { kinds: ["batch"], summary: "bench" });

const dir = await Deno.makeTempDir();
const file = `${dir}/emails.txt`;
await Deno.writeTextFile(file, emails.join("\n"));
const config = {
  ...ConfigSchema.parse({
    PLUGINS: { inventory: {}, [KEEP ? "keeper" : "poster"]: {} },
    DEFAULT_TIMEOUT: 30,
  }),
  demo: false,
};
const store = await createSqliteStore({ path: `${dir}/batch.db`, log: silentLogger });
const output: string[] = [];

let peakRss = Deno.memoryUsage().rss;
const baselineRss = peakRss;
const sampler = setInterval(() => peakRss = Math.max(peakRss, Deno.memoryUsage().rss), 50);
const started = performance.now();
const code = await runBatchCommand({
  config,
  values: { concurrency: String(CONCURRENCY) },
  positionals: ["batch", file],
  log: silentLogger,
  print: (t) => void output.push(t),
  printErr: (t) => void output.push(t),
}, {
  registry: {
    inventory: entry(inventory),
    poster: entry(poster),
    keeper: entry(keeper),
  },
  store,
  isTerminal: false,
  progressMs: 3_600_000,
  writeProgress: () => {},
});
const wallMs = performance.now() - started;
clearInterval(sampler);
peakRss = Math.max(peakRss, Deno.memoryUsage().rss);
await Deno.remove(dir, { recursive: true });

const ideal = (emails.length * LATENCY_MS) / CONCURRENCY;
const ratio = wallMs / ideal;
const mb = peakRss / 1024 / 1024;
console.log(output.join("").split("\n").slice(0, 3).join("\n"));
console.log(
  `exit status ${code}; source calls ${calls}; peak concurrent source calls ${peakInFlight}; ` +
    `devices to the sink ${posted} (${KEEP ? "posted, then a summary" : "posted per person"})`,
);
console.log(
  `people ${emails.length}, latency ${LATENCY_MS} ms, concurrency ${CONCURRENCY}: ` +
    `wall ${(wallMs / 1000).toFixed(2)} s vs ideal ${(ideal / 1000).toFixed(2)} s → ` +
    `ratio ${ratio.toFixed(3)} (target ≤ 1.15) ${ratio <= 1.15 ? "PASS" : "FAIL"}`,
);
console.log(
  `peak RSS ${mb.toFixed(1)} MB (target < 300 MB) ${mb < 300 ? "PASS" : "FAIL"}; ` +
    `${(baselineRss / 1024 / 1024).toFixed(1)} MB of it before the run ` +
    `(runtime + the in-memory upstream data)`,
);
