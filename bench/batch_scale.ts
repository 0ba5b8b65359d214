/**
 * The whole company in one batch (`deno task bench:batch:scale`, issue 25): for each size in
 * `--sizes` (default 10,000, 30,000 and 100,000 people, `--devices-per-person` 2.5 devices each,
 * a third each in Intune, Jamf Pro and Google), fresh listing fakes (`inventory_fakes.ts`,
 * `--latency` ms per upstream request, default 300) and one batch run per code tree, each in its
 * own process (`batch_scale_run.ts`): this tree and, with `--base DIR`, an older tree (a
 * `git worktree` of be8cc31), the two alternating (the older first at one size, second at the
 * next) so both meet the same load. Prints per run: exit code, wall, CPU, peak RSS, upstream
 * requests per source against the ideal ⌈devices ÷ page size⌉ (+1 for Google's empty ChromeOS
 * list, +1 for the Intune/Jamf token), `_bulk` requests and bytes, and the ratios new ÷ base;
 * at the end, each tree's peak RSS growth from the smallest size to the largest.
 *
 * Run: `deno run -A bench/batch_scale.ts [--sizes 10000,30000,100000] [--latency 300]
 * [--ownership-ms 50] [--concurrency 32] [--devices-per-person 2.5] [--base DIR] [--v8-flags F]`
 *
 * Each tree's run gets the `--v8-flags=…` of that tree's `batch` task in `deno.json` (its heap
 * cap), or `--v8-flags F` for this tree (empty: none).
 *
 * @module
 */
// deno-lint-ignore-file no-console
import { PAGES, startInventoryFakes } from "./inventory_setup.ts";
const arg = (name: string, fallback: string) => {
  const i = Deno.args.indexOf(name);
  return i === -1 ? fallback : Deno.args[i + 1]!;
};
const SIZES = arg("--sizes", "10000,30000,100000").split(",").map(Number);
const LATENCY = arg("--latency", "300");
const OWNERSHIP_MS = arg("--ownership-ms", "50");
const CONCURRENCY = arg("--concurrency", "32");
const PER_PERSON = Number(arg("--devices-per-person", "2.5"));
const BASE = Deno.args.includes("--base") ? arg("--base", "") : undefined;
const HERE = new URL("..", import.meta.url).pathname;
/** `--v8-flags NEW`: overrides this tree's (an experiment with another heap cap). */
const NEW_V8 = Deno.args.includes("--v8-flags") ? arg("--v8-flags", "") : undefined;

/**
 * The V8 flags of a tree's `batch` task (e.g. its heap cap), so each tree runs as its own
 * `deno task batch` would; none when the task has none (be8cc31).
 */
async function v8FlagsOf(root: string): Promise<string[]> {
  if (root === HERE && NEW_V8 !== undefined) return NEW_V8 ? [`--v8-flags=${NEW_V8}`] : [];
  const tasks = JSON.parse(await Deno.readTextFile(`${root}/deno.json`)).tasks ?? {};
  const flag = /--v8-flags=\S+/.exec(String(tasks.batch ?? ""));
  return flag ? [flag[0]] : [];
}
const NAMES = ["intune", "jamf_pro", "google"] as const;

type Counts = Record<(typeof NAMES)[number], { pages: number; devices: number }> & {
  bulk: { requests: number; bytes: number; documents: number };
};
interface Run {
  code: number;
  wall: number;
  cpu: number;
  peakMb: number;
  ownershipCalls: number;
  summary: string;
  sinks: string[];
  requests: Record<string, number>;
  bulk: { requests: number; bytes: number; documents: number };
}

async function startFakes(people: number) {
  const { child, urls, line } = await startInventoryFakes(
    people,
    Math.round(people * PER_PERSON),
    Number(LATENCY),
  );
  return {
    urls: line,
    counts: async (): Promise<Counts> => await (await fetch(`${urls.control}/counts`)).json(),
    async close() {
      await child.stdin.close();
      await child.status;
    },
  };
}

async function runOnce(root: string, fakes: Awaited<ReturnType<typeof startFakes>>): Promise<Run> {
  const before = await fakes.counts();
  const v8Flags = await v8FlagsOf(root);
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      ...v8Flags,
      new URL("./batch_scale_run.ts", import.meta.url).pathname,
      root,
      fakes.urls,
      CONCURRENCY,
      OWNERSHIP_MS,
    ],
    cwd: root,
    stdout: "piped",
    stderr: "inherit",
  }).output();
  const text = new TextDecoder().decode(out.stdout).trim().split("\n").pop() ?? "{}";
  const after = await fakes.counts();
  return {
    ...JSON.parse(text),
    requests: Object.fromEntries(NAMES.map((n) => [n, after[n].pages - before[n].pages])),
    bulk: {
      requests: after.bulk.requests - before.bulk.requests,
      bytes: after.bulk.bytes - before.bulk.bytes,
      documents: after.bulk.documents - before.bulk.documents,
    },
  };
}

const load = () => Deno.loadavg().map((n) => n.toFixed(2)).join(" / ");
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
function show(label: string, r: Run, c: Counts) {
  const ideal = (n: (typeof NAMES)[number]) =>
    Math.ceil(c[n].devices / PAGES[n]) + (n === "google" ? 1 : 0);
  console.log(
    `  ${label}: exit ${r.code}, wall ${r.wall.toFixed(1)} s, CPU ${r.cpu.toFixed(1)} s, ` +
      `peak RSS ${r.peakMb.toFixed(0)} MB, ownership calls ${r.ownershipCalls}`,
  );
  console.log(
    `    upstream requests (ideal): ` +
      NAMES.map((n) => `${n} ${r.requests[n]} (${ideal(n)})`).join(", ") +
      `; _bulk ${r.bulk.requests} requests, ${mb(r.bulk.bytes)}, ${r.bulk.documents} documents`,
  );
  console.log(`    ${r.summary}`);
}

console.log(
  `batch at scale: ${PER_PERSON} devices per person, ${LATENCY} ms per upstream request, ` +
    `ownership ${OWNERSHIP_MS} ms per person, concurrency ${CONCURRENCY}; load ${load()}`,
);
/** Peak RSS in MB per tree and size, for the growth line at the end. */
const peaks: Record<string, Map<number, number>> = { new: new Map(), base: new Map() };
for (const [i, people] of SIZES.entries()) {
  const fakes = await startFakes(people);
  const c = await fakes.counts();
  console.log(
    `\n${people} people, ${Math.round(people * PER_PERSON)} devices ` +
      `(intune ${c.intune.devices}, jamf_pro ${c.jamf_pro.devices}, google ${c.google.devices}); ` +
      `load ${load()}`,
  );
  const order = BASE === undefined ? ["new"] : i % 2 === 0 ? ["base", "new"] : ["new", "base"];
  const runs: Record<string, Run> = {};
  for (const which of order) {
    runs[which] = await runOnce(which === "new" ? HERE : BASE!, fakes);
    peaks[which]!.set(people, runs[which]!.peakMb);
    const flags = (await v8FlagsOf(which === "new" ? HERE : BASE!)).join(" ") || "no V8 flags";
    show(which === "new" ? `this tree (${flags})` : `base (${BASE}, ${flags})`, runs[which]!, c);
  }
  const n = runs.new!;
  const b = runs.base;
  if (b) {
    console.log(
      `  new ÷ base: wall ${(n.wall / b.wall).toFixed(2)} (target ≤ 0.60 at 100,000), ` +
        `CPU ${(n.cpu / b.cpu).toFixed(2)}, peak RSS ${(n.peakMb / b.peakMb).toFixed(2)}, ` +
        `_bulk requests ${(n.bulk.requests / b.bulk.requests).toFixed(4)}`,
    );
  }
  console.log(
    `  peak RSS ${n.peakMb.toFixed(0)} MB (target ≤ 500 MB at 100,000): ` +
      `${n.peakMb <= 500 ? "PASS" : "FAIL"}; load ${load()}`,
  );
  await fakes.close();
}
const [smallest, largest] = [Math.min(...SIZES), Math.max(...SIZES)];
for (const [which, peak] of Object.entries(peaks)) {
  if (smallest === largest || !peak.has(smallest)) continue;
  const growth = (peak.get(largest)! / peak.get(smallest)! - 1) * 100;
  console.log(
    `${which === "new" ? "this tree" : "base"}: peak RSS ${smallest} → ${largest} people ` +
      `${peak.get(smallest)!.toFixed(0)} → ${peak.get(largest)!.toFixed(0)} MB, ` +
      `${growth >= 0 ? "+" : ""}${growth.toFixed(0)} % (target < 20 %)`,
  );
}
