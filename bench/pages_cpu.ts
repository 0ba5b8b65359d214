/**
 * CPU time per request of each person page (Overview, Devices, Accounts, Activity) and of
 * `/healthz`, in-process (the app's `fetch`, no sockets, a silent log), each request from the next
 * of `BENCH_PEOPLE` (default 400) distinct people, each signed in once, with
 * `Accept-Encoding: gzip`: a page rendered from the person's fresh snapshot, as a first view by a
 * different person gets it (issue 24's target: ≤ 1 ms CPU). The people and their sources are
 * those of `bench:http` (`people.ts`: a production configuration, a `file` source's export and
 * the Google fake in this process, asked only by each person's first view, the warm-up). CPU time (`process.cpuUsage()`, user +
 * system) rather than wall time, so that a box shared with other work gives comparable figures;
 * rounds of `BENCH_REQUESTS` (default 400) requests per route, taken alternately in one run
 * (`BENCH_ROUNDS`, default 7), summarised as min / median / max.
 *
 * With `BENCH_BASE=<a checkout of another commit>` (e.g. a `git worktree` of main) the script
 * compares: it runs itself `BENCH_PAIRS` times (default 3) against the base tree's app and then
 * against this tree's, alternately, each in a fresh process (one app per process, so neither
 * warms the other's code), and prints each route's rounds of both trees as min / median / max with
 * the ratio of the medians (this tree ÷ base) of each pair.
 *
 * Run: `deno run --allow-all bench/pages_cpu.ts` (figures in bench/README.md); `BENCH_ROUTES` (comma
 * separated) measures fewer routes, e.g. to profile one with `--cpu-prof`.
 *
 * @module
 */
// deno-lint-ignore-file no-console
import process from "node:process";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { startApp } from "../tests/support/app.ts";
import { benchPeopleCount, checkSourcesAnswered, setUpBenchPeople } from "./people.ts";

const ROUTES = (Deno.env.get("BENCH_ROUTES") ?? "/healthz,/,/devices,/accounts,/activity").split(
  ",",
);
const rounds = Number(Deno.env.get("BENCH_ROUNDS") ?? "7");
const perRound = Number(Deno.env.get("BENCH_REQUESTS") ?? "400");
const peopleCount = benchPeopleCount();
const basePath = Deno.env.get("BENCH_BASE");
/** Internal (set by the comparison): the tree whose app a child process measures. */
const appRoot = Deno.env.get("BENCH_APP_ROOT");

const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
const median = (xs: number[]) => sorted(xs)[Math.floor(xs.length / 2)]!;
const spread = (xs: number[]) => {
  const s = sorted(xs);
  return `${s[0]!.toFixed(3)} / ${median(xs).toFixed(3)} / ${s[s.length - 1]!.toFixed(3)}`;
};
const load = () => Deno.loadavg().map((x) => x.toFixed(2)).join(" ");

/** Each route's rounds (ms CPU per request) measured on one app, in this process. */
async function measure(start: typeof startApp): Promise<Record<string, number[]>> {
  const dir = await Deno.makeTempDir({ prefix: "stethoscope-pages-cpu-" });
  const now = new Date();
  const people = await setUpBenchPeople(dir, { count: peopleCount, now, clock: () => now });
  const app = await start({ now, config: people.config });
  try {
    const cookies = await Promise.all(people.people.map((p) => people.session(p.email)));
    let next = 0;
    /** Mean CPU ms per request of `n` sequential requests to `path`, session after session. */
    const cpuMs = async (path: string, n: number) => {
      const started = process.cpuUsage();
      for (let i = 0; i < n; i++) {
        const cookie = cookies[next++ % cookies.length]!;
        const res = await app.request(path, { cookie, headers: { "Accept-Encoding": "gzip" } });
        if (res.status !== 200) throw new Error(`${path}: status ${res.status}`);
        await res.arrayBuffer();
      }
      const used = process.cpuUsage(started);
      return (used.user + used.system) / 1000 / n;
    };
    // warm-up: every person's first view fills their snapshot, the JIT settles
    for (const path of ROUTES) await cpuMs(path, Math.max(peopleCount, 200));
    await checkSourcesAnswered(async (_email, path) => {
      return await (await app.request(path, { cookie: cookies[0]! })).text();
    }, people.people);
    const figures: Record<string, number[]> = Object.fromEntries(ROUTES.map((r) => [r, []]));
    for (let r = 0; r < rounds; r++) {
      for (const path of ROUTES) figures[path]!.push(await cpuMs(path, perRound));
    }
    return figures;
  } finally {
    await app.close();
    await people.close();
    await Deno.remove(dir, { recursive: true });
  }
}

/** This script in a fresh process, measuring the app of `root`; its rounds. */
async function child(root: string): Promise<Record<string, number[]>> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", new URL(import.meta.url).pathname],
    env: { BENCH_APP_ROOT: resolve(root), BENCH_BASE: "" },
    stdout: "piped",
    stderr: "inherit",
  }).output();
  if (!out.success) throw new Error(`pages_cpu against ${root} failed (${out.code})`);
  const text = new TextDecoder().decode(out.stdout);
  return JSON.parse(text.slice(text.lastIndexOf("\n{") + 1));
}

if (appRoot) {
  const url = pathToFileURL(resolve(appRoot, "tests/support/app.ts")).href;
  const tree: { startApp: typeof startApp } = await import(url);
  console.log(`\n${JSON.stringify(await measure(tree.startApp))}`);
} else if (basePath) {
  const pairs = Number(Deno.env.get("BENCH_PAIRS") ?? "3");
  const here = new URL("..", import.meta.url).pathname;
  const started = load();
  const all = { base: [] as Record<string, number[]>[], tree: [] as Record<string, number[]>[] };
  for (let p = 0; p < pairs; p++) {
    all.base.push(await child(basePath));
    all.tree.push(await child(here));
    console.error(`pair ${p + 1} of ${pairs} done; load ${load()}`);
  }
  console.log(
    `ms CPU per request, min / median / max of ${pairs} × ${rounds} rounds of ${perRound} ` +
      `(${peopleCount} people, gzip accepted, in-process), base and this tree alternately in fresh ` +
      `processes; load ${started} → ${load()}`,
  );
  for (const path of ROUTES) {
    const base = all.base.flatMap((f) => f[path]!);
    const tree = all.tree.flatMap((f) => f[path]!);
    const ratios = all.tree.map((f, p) => (median(f[path]!) / median(all.base[p]![path]!)));
    console.log(
      `${path.padEnd(10)} base ${spread(base)}   this tree ${spread(tree)}   this tree ÷ base ` +
        `per pair ${ratios.map((r) => r.toFixed(3)).join(", ")}`,
    );
  }
} else {
  const before = load();
  const figures = await measure(startApp);
  console.log(
    `ms CPU per request, min / median / max of ${rounds} rounds of ${perRound} (${peopleCount} ` +
      `people, gzip accepted, in-process); load ${before} → ${load()}`,
  );
  for (const [path, xs] of Object.entries(figures)) {
    const m = median(xs);
    const target = path === "/healthz" ? "" : `  (target ≤ 1 ms: ${m <= 1 ? "met" : "MISSED"})`;
    console.log(`${path.padEnd(10)} ${spread(xs)}${target}`);
  }
}
