/**
 * One batch run of `bench/batch_scale.ts`, in its own process so its CPU time and peak memory
 * are its own: the `batch` command of the code at ROOT (this tree, or a `git worktree` of an
 * older commit) over the listing fakes of `bench/inventory_fakes.ts` (Intune, Jamf Pro, Google
 * mobile devices), a bitFit-like ownership source answering each person after OWNERSHIP_MS
 * (every other person owns one device by serial), and the real `batch_es` sink into the fakes'
 * counting Elasticsearch. People come from the listings (no file). Prints one JSON line: exit
 * code, wall and CPU seconds, peak RSS (the kernel's `VmHWM`), ownership calls and the summary's
 * first line.
 *
 * Run: `deno run -A bench/batch_scale_run.ts ROOT URLS_JSON CONCURRENCY OWNERSHIP_MS`
 *
 * @module
 */
// deno-lint-ignore-file no-console
import process from "node:process";
import { getHeapStatistics } from "node:v8";
import { Session } from "node:inspector/promises";
import { z } from "zod";
import type { DeviceRecord } from "../engine/core/types.ts";
import { inventoryPlugins, type InventoryUrls } from "./inventory_setup.ts";

const [root, urlsJson, concurrency, ownershipMs] = Deno.args as [string, string, string, string];
const urls = JSON.parse(urlsJson) as InventoryUrls;
const at = (path: string) => new URL(path, `file://${root.replace(/\/?$/, "/")}`).href;
const { runBatchCommand } = await import(at("cli/batch.ts"));
const { silentLogger } = await import(at("config/log.ts"));
const { ConfigSchema } = await import(at("config/schema.ts"));
const { definePlugin } = await import(at("plugins/plugin.ts"));
const { REGISTRY } = await import(at("plugins/registry.ts"));
const { createSqliteStore } = await import(at("plugins/stores/sqlite.ts"));

let ownershipCalls = 0;
const ownership = definePlugin(
  z.object({}).strict(),
  (_: unknown, ctx: { name: string; timeoutMs: number | null }) => ({
    name: ctx.name,
    timeoutMs: ctx.timeoutMs,
    async ownedDevicesByEmail(email: string): Promise<DeviceRecord[]> {
      ownershipCalls++;
      await new Promise((r) => setTimeout(r, Number(ownershipMs)));
      const n = Number(/^person(\d+)@/.exec(email)?.[1] ?? NaN);
      if (!(n % 2 === 0)) return [];
      const serial = `SYN${n.toString(16).padStart(10, "0").toUpperCase()}`;
      return [{ source: ctx.name, email, serial, type: "Laptop", identifiers: { serial } }];
    },
  }),
  { kinds: ["ownership"], summary: "bench" },
);
const config = {
  ...ConfigSchema.parse({
    DEFAULT_TIMEOUT: 120,
    PLUGINS: {
      ...inventoryPlugins(urls),
      ownership: {},
      batch_es: {
        ELASTICSEARCH_HOSTS: [urls.elasticsearch],
        ELASTICSEARCH_INDEX_PREFIX: "bench-",
      },
    },
  }),
  demo: false,
};
const dir = await Deno.makeTempDir();
const store = await createSqliteStore({ path: `${dir}/batch.db`, log: silentLogger });
const output: string[] = [];
/**
 * `BENCH_BATCH_PROFILE=FILE`: a V8 CPU profile of the run to FILE (one tree at a time: without
 * `--base`). With it, or with `BENCH_BATCH_TIMELINE=1` (each tree), the run's progress lines with
 * wall, CPU, RSS and heap every 5 s on stderr: the phase timeline.
 */
const profileTo = Deno.env.get("BENCH_BATCH_PROFILE");
const timeline = profileTo !== undefined || Deno.env.get("BENCH_BATCH_TIMELINE") === "1";
/**
 * Where the resident memory is, for the timeline: the kernel's anonymous, file-backed and shared
 * parts of RSS (`/proc/self/status`), V8's heap in use and reserved, and memory outside the heap
 * that V8 knows of (`external`: array buffers, Buffers) or allocates for itself (compilers' zones).
 */
function memoryLine(): string {
  const status = Deno.readTextFileSync("/proc/self/status");
  const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0);
  const m = process.memoryUsage();
  const v8 = getHeapStatistics();
  const MB = (bytes: number) => (bytes / 1e6).toFixed(0);
  return `rss ${MB(m.rss)} MB (anon ${(kb("RssAnon") / 1024).toFixed(0)}, file ${
    (kb("RssFile") / 1024).toFixed(0)
  }, shmem ${(kb("RssShmem") / 1024).toFixed(0)}) heap ${MB(m.heapUsed)}/${MB(m.heapTotal)} MB ` +
    `(resident ${MB(v8.total_physical_size)}) external ${MB(m.external)} MB, V8 malloc ${
      MB(v8.malloced_memory)
    } MB`;
}
const profiler = profileTo ? new Session() : undefined;
if (profiler) {
  profiler.connect();
  await profiler.post("Profiler.enable");
  await profiler.post("Profiler.setSamplingInterval", { interval: 1000 });
  await profiler.post("Profiler.start");
}
const cpu0 = process.cpuUsage();
const started = performance.now();
const code = await runBatchCommand({
  config,
  values: { concurrency },
  positionals: ["batch"],
  log: silentLogger,
  print: (t: string) => void output.push(t),
  printErr: (t: string) => void output.push(t),
}, {
  registry: { ...REGISTRY, ownership: { load: () => Promise.resolve({ default: ownership }) } },
  store,
  isTerminal: false,
  progressMs: timeline ? 5_000 : 3_600_000,
  writeProgress: timeline
    ? (t: string) =>
      console.error(
        `[${root.split("/").filter(Boolean).pop()}] ${
          ((performance.now() - started) / 1000).toFixed(1)
        } s cpu ${
          ((process.cpuUsage(cpu0).user + process.cpuUsage(cpu0).system) / 1e6).toFixed(1)
        } s ${memoryLine()}: ${t.trim()}`,
      )
    : () => {},
});
const wall = (performance.now() - started) / 1000;
if (profiler && profileTo) {
  const { profile } = await profiler.post("Profiler.stop");
  await Deno.writeTextFile(profileTo, JSON.stringify(profile));
}
const cpu = process.cpuUsage(cpu0);
const status = await Deno.readTextFile("/proc/self/status");
const hwm = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
const text = output.join("");
await Deno.remove(dir, { recursive: true });
console.log(JSON.stringify({
  code,
  wall,
  cpu: (cpu.user + cpu.system) / 1e6,
  peakMb: hwm,
  ownershipCalls,
  summary: text.split("\n").find((l) => l.startsWith("Batch finished")) ?? text.slice(0, 400),
  sinks: text.split("\n").filter((l) => /batch_es:/.test(l)),
}));
Deno.exit(0);
