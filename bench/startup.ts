/**
 * `deno task bench:startup`: time from starting `main.ts serve` in demo mode (the `start` task's
 * command and permissions) to the first answered request, over several runs. Target: < 500 ms.
 * Also checks that the heavy clients (googleapis, mssql, Elasticsearch) were not loaded.
 *
 * @module
 */
import { startPermissions } from "../tests/support/server.ts";
import { sleep } from "../lib/abort.ts";

const ROOT = new URL("../", import.meta.url);
const RUNS = 7;
/** The `start` task's own permissions. */
const PERMISSIONS = await startPermissions();

async function once(): Promise<number> {
  const cwd = await Deno.makeTempDir();
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const started = performance.now();
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--config",
      new URL("deno.json", ROOT).pathname,
      ...PERMISSIONS,
      new URL("main.ts", ROOT).pathname,
      "serve",
      "--port",
      String(port),
    ],
    cwd,
    stdout: "null",
    stderr: "null",
  }).spawn();
  let elapsed = NaN;
  while (performance.now() - started < 10_000) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/healthz`);
      await res.body?.cancel();
      if (res.ok) {
        elapsed = performance.now() - started;
        break;
      }
    } catch {
      await sleep(5);
    }
  }
  child.kill("SIGTERM");
  await child.status;
  await Deno.remove(cwd, { recursive: true });
  return elapsed;
}

await once(); // warm the module cache
const times: number[] = [];
for (let i = 0; i < RUNS; i++) times.push(await once());
times.sort((a, b) => a - b);
const median = times[Math.floor(times.length / 2)]!;
const write = (s: string) => Deno.stdout.writeSync(new TextEncoder().encode(s + "\n"));
write(
  `start to first served request, demo mode, ${RUNS} runs (ms): ${
    times.map((t) => t.toFixed(0)).join(" ")
  }`,
);
write(
  `median ${median.toFixed(0)} ms; target 500 ms; ratio ${(median / 500).toFixed(2)} of target`,
);

// Which heavy npm clients does demo mode load? Follow only static imports from main.ts and the
// serve command (dynamic imports are evaluated only when a plugin is configured).
const info = new Deno.Command(Deno.execPath(), {
  args: ["info", "--json", new URL("main.ts", ROOT).pathname],
  stdout: "piped",
  stderr: "null",
}).outputSync();
interface Dep {
  specifier: string;
  isDynamic?: boolean;
  code?: { specifier: string };
}
interface Mod {
  specifier: string;
  dependencies?: Dep[];
}
const graph = JSON.parse(new TextDecoder().decode(info.stdout)) as { modules: Mod[] };
const bySpec = new Map(graph.modules.map((m) => [m.specifier, m]));
const seen = new Set<string>();
const roots = ["main.ts", "cli/serve.ts", "routes/app.tsx", "plugins/sources/demo.ts"];
const queue = roots.map((r) => new URL(r, ROOT).href);
while (queue.length > 0) {
  const spec = queue.pop()!;
  if (seen.has(spec)) continue;
  seen.add(spec);
  for (const d of bySpec.get(spec)?.dependencies ?? []) {
    if (!d.isDynamic && d.code) queue.push(d.code.specifier);
  }
}
const heavy = ["googleapis", "mssql", "@elastic/elasticsearch"].filter((p) =>
  [...seen].some((s) => s.startsWith(`npm:/${p}@`) || s.startsWith(`npm:${p}@`))
);
write(
  `heavy clients loaded in demo mode: ${heavy.length === 0 ? "none" : heavy.join(", ")}`,
);
