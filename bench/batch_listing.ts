/**
 * Batch benchmark over listing sources (`deno task bench:batch`, second part; issue 16): PEOPLE
 * people with 1.5 × PEOPLE devices, a third each in an Intune (Microsoft Graph) fake, a Jamf Pro
 * fake and a Google Workspace fake — real HTTP on 127.0.0.1 in a separate process
 * (`bench/inventory_fakes.ts`), 300 ms per request — plus a bitFit-like ownership source answering
 * every person after 50 ms (every other person owns one device by serial, which seeds serial
 * lookups). Runs:
 *
 * 1. the batch with listings: Intune read in pages of 1000, Jamf Pro in pages of 500, Google's
 *    mobile devices in pages of 100 (its maximum), once;
 * 2. the per-person path (`--per-person`) for the first SAMPLE people, in the same process and run.
 *
 * Prints wall time and peak resident memory of each, the upstream requests per listing source
 * against the bound ⌈devices ÷ page size⌉ + 5, the per-person path's requests and time (measured
 * on the sample and projected linearly to everyone, labelled as such), and whether the sample's
 * results are identical both ways.
 *
 * Run: `deno run --allow-read --allow-write --allow-env --allow-sys --allow-net=127.0.0.1
 * --allow-run bench/batch_listing.ts [PEOPLE] [--sample N] [--concurrency N]`
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
import { toWire } from "../engine/core/wire.ts";
import { type AnyPluginModule, definePlugin } from "../plugins/plugin.ts";
import { REGISTRY, type RegistryEntry } from "../plugins/registry.ts";
import { createSqliteStore } from "../plugins/stores/sqlite.ts";
import { inventoryPlugins, PAGES, startInventoryFakes } from "./inventory_setup.ts";
import { sleep } from "../lib/abort.ts";

const flag = (name: string, fallback: number) => {
  const i = Deno.args.indexOf(name);
  return i === -1 ? fallback : Number(Deno.args[i + 1]);
};
const PEOPLE = Number(
  Deno.args.find((a, i) => /^\d+$/.test(a) && !/^--/.test(Deno.args[i - 1] ?? "")) ?? 10_000,
);
const DEVICES = Math.round(PEOPLE * 1.5);
const SAMPLE = Math.min(flag("--sample", 1000), PEOPLE);
const CONCURRENCY = flag("--concurrency", 32);
const PAGE_LATENCY_MS = 300;
const OWNERSHIP_LATENCY_MS = 50;
const NAMES = ["intune", "jamf_pro", "google"] as const;

const { child: fakes, urls } = await startInventoryFakes(PEOPLE, DEVICES, PAGE_LATENCY_MS);
type Counts = Record<(typeof NAMES)[number], { pages: number; devices: number }>;
const counts = async (): Promise<Counts> => await (await fetch(`${urls.control}/counts`)).json();

let ownershipCalls = 0;
const ownership = definePlugin(z.object({}).strict(), (_, ctx) => ({
  name: ctx.name,
  timeoutMs: ctx.timeoutMs,
  async ownedDevicesByEmail(email: string): Promise<DeviceRecord[]> {
    ownershipCalls++;
    await sleep(OWNERSHIP_LATENCY_MS);
    const n = Number(/^person(\d+)@/.exec(email)?.[1] ?? NaN);
    if (!(n % 2 === 0)) return [];
    const serial = `SYN${n.toString(16).padStart(10, "0").toUpperCase()}`;
    return [{ source: ctx.name, email, serial, type: "Laptop", identifiers: { serial } }];
  },
}), { kinds: ["ownership"], summary: "bench" });
const sample = new Set(Array.from({ length: SAMPLE }, (_, i) => `person${i}@example.com`));
let recorded = new Map<string, string>();
let posted = 0;
const recorder = definePlugin(z.object({}).strict(), (_, ctx) => ({
  name: ctx.name,
  timeoutMs: ctx.timeoutMs,
  post: (r: BatchResult) => {
    posted += r.devices.length;
    if (sample.has(r.email)) recorded.set(r.email, JSON.stringify(toWire(r.devices)));
    return Promise.resolve();
  },
}), { kinds: ["batch"], summary: "bench" });
const entry = (module: AnyPluginModule): RegistryEntry => ({
  load: () => Promise.resolve({ default: module }),
});
const registry = {
  ...REGISTRY,
  ownership: entry(ownership),
  recorder: entry(recorder),
};
const config = {
  ...ConfigSchema.parse({
    DEFAULT_TIMEOUT: 120,
    PLUGINS: {
      ...inventoryPlugins(urls),
      ownership: {},
      recorder: {},
    },
  }),
  demo: false,
};
const dir = await Deno.makeTempDir();

async function run(label: string, args: string[], values: Record<string, string | boolean>) {
  recorded = new Map();
  posted = 0;
  ownershipCalls = 0;
  const before = await counts();
  const store = await createSqliteStore({ path: `${dir}/${label}.db`, log: silentLogger });
  const output: string[] = [];
  let pages = 0;
  const rss0 = Deno.memoryUsage().rss;
  let peak = rss0;
  const sampler = setInterval(() => peak = Math.max(peak, Deno.memoryUsage().rss), 50);
  const started = performance.now();
  const code = await runBatchCommand({
    config,
    values: { concurrency: String(CONCURRENCY), ...values },
    positionals: ["batch", ...args],
    log: silentLogger,
    print: (t) => void output.push(t),
    printErr: (t) => void output.push(t),
  }, {
    registry,
    store,
    isTerminal: false,
    progressMs: 3_600_000,
    writeProgress: (t) => void (t.includes(": page ") && pages++),
  });
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  peak = Math.max(peak, Deno.memoryUsage().rss);
  const after = await counts();
  const requests = Object.fromEntries(
    NAMES.map((n) => [n, after[n].pages - before[n].pages]),
  ) as Record<(typeof NAMES)[number], number>;
  const summary = output.join("").split("\n").filter((l) =>
    /^Batch finished|^ {2}(intune|jamf_pro|google): listed|FAILED/.test(l)
  );
  return {
    code,
    seconds,
    peakMb: peak / 1048576,
    baseMb: rss0 / 1048576,
    requests,
    pages,
    summary,
  };
}

const load = () => Deno.loadavg().map((n) => n.toFixed(2)).join(" / ");
console.log(
  `people ${PEOPLE}, devices ${DEVICES} (a third each in Intune, Jamf Pro, Google), ${PAGE_LATENCY_MS} ms per upstream request, ownership ${OWNERSHIP_LATENCY_MS} ms per person, ` +
    `concurrency ${CONCURRENCY}; load average ${load()}`,
);
const listed = await run("listing", [], {});
const listedSample = recorded;
const c = await counts();
console.log(
  `\nwith listings: exit ${listed.code}, wall ${listed.seconds.toFixed(1)} s, peak RSS ` +
    `${listed.peakMb.toFixed(0)} MB (${
      listed.baseMb.toFixed(0)
    } MB before the run; target < 1024 MB) ` +
    `${
      listed.peakMb < 1024 ? "PASS" : "FAIL"
    }, ${posted} devices posted, ${ownershipCalls} ownership calls`,
);
for (const line of listed.summary) console.log(`  ${line}`);
for (const name of NAMES) {
  const bound = Math.ceil(c[name].devices / PAGES[name]) + 5;
  console.log(
    `  ${name}: ${listed.requests[name]} requests for ${c[name].devices} devices in pages of ` +
      `${PAGES[name]} (bound ${bound}) ${listed.requests[name] <= bound ? "PASS" : "FAIL"}`,
  );
}

const file = `${dir}/sample.txt`;
await Deno.writeTextFile(file, [...sample].join("\n"));
const perPerson = await run("per-person", [file], { "per-person": true });
const scale = PEOPLE / SAMPLE;
const same = [...sample].every((e) => listedSample.get(e) === recorded.get(e));
console.log(
  `\nper person (measured on ${SAMPLE} people): exit ${perPerson.code}, wall ` +
    `${perPerson.seconds.toFixed(1)} s, peak RSS ${perPerson.peakMb.toFixed(0)} MB, requests ` +
    NAMES.map((n) => `${n} ${perPerson.requests[n]}`).join(", "),
);
console.log(
  `  projected to ${PEOPLE} people (× ${scale.toFixed(1)}): wall ≈ ${
    (perPerson.seconds * scale).toFixed(0)
  } s, requests ≈ ${
    NAMES.map((n) => `${n} ${Math.round(perPerson.requests[n] * scale)}`).join(", ")
  }`,
);
console.log(
  `  listing ÷ per-person upstream requests: ${
    NAMES.map((n) => `${n} ${(listed.requests[n] / (perPerson.requests[n] * scale)).toFixed(4)}`)
      .join(", ")
  }`,
);
console.log(
  `  the sample's ${SAMPLE} people have identical results both ways: ${same ? "PASS" : "FAIL"}`,
);
console.log(`load average at the end ${load()}`);

fakes.stdin.close();
await fakes.status;
await Deno.remove(dir, { recursive: true });
