/**
 * CPU time per request of each person page (Overview, Devices, Accounts, Activity) and of
 * `/healthz`, in-process (the app's `fetch`, no sockets, a silent log), each request from the next
 * of `BENCH_SESSIONS` (default 400) signed-in sessions over the demo people, with
 * `Accept-Encoding: gzip`: a page rendered from the person's fresh snapshot, as a first view by a
 * different person gets it (issue 24's target: ≤ 1 ms CPU). CPU time (`process.cpuUsage()`, user +
 * system) rather than wall time, so that a box shared with other work gives comparable figures;
 * rounds of `BENCH_REQUESTS` (default 400) requests per route, taken alternately in one run
 * (`BENCH_ROUNDS`, default 7), summarised as min / median / max.
 *
 * Run: `deno run --allow-all bench/pages_cpu.ts` (figures in bench/README.md); `BENCH_ROUTES` (comma
 * separated) measures fewer routes, e.g. to profile one with `--cpu-prof`.
 *
 * @module
 */
// deno-lint-ignore-file no-console
import process from "node:process";
import { startApp } from "../tests/support/app.ts";
import { DEMO_PEOPLE } from "../plugins/sources/demo_people.ts";

const ROUTES = (Deno.env.get("BENCH_ROUTES") ?? "/healthz,/,/devices,/accounts,/activity").split(
  ",",
);
const rounds = Number(Deno.env.get("BENCH_ROUNDS") ?? "7");
const perRound = Number(Deno.env.get("BENCH_REQUESTS") ?? "400");
const sessions = Number(Deno.env.get("BENCH_SESSIONS") ?? "400");

const app = await startApp({ now: new Date() });
const cookies: string[] = [];
for (let i = 0; i < sessions; i++) {
  cookies.push(await app.login(DEMO_PEOPLE[i % DEMO_PEOPLE.length]!.email));
}
let next = 0;

/** Mean CPU milliseconds per request of `n` sequential requests to `path`, session after session. */
async function cpuMs(path: string, n: number): Promise<number> {
  const start = process.cpuUsage();
  for (let i = 0; i < n; i++) {
    const cookie = cookies[next++ % cookies.length]!;
    const res = await app.request(path, { cookie, headers: { "Accept-Encoding": "gzip" } });
    if (res.status !== 200) throw new Error(`${path}: status ${res.status}`);
    await res.arrayBuffer();
  }
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000 / n;
}

const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
const spread = (xs: number[]) => {
  const s = sorted(xs);
  return `${s[0]!.toFixed(3)} / ${s[Math.floor(s.length / 2)]!.toFixed(3)} / ${
    s[s.length - 1]!.toFixed(3)
  }`;
};

try {
  // warm-up: every person's first view fills their snapshot, the JIT settles
  for (const path of ROUTES) await cpuMs(path, Math.max(sessions, 200));
  const figures = new Map(ROUTES.map((r) => [r, [] as number[]]));
  for (let r = 0; r < rounds; r++) {
    for (const path of ROUTES) figures.get(path)!.push(await cpuMs(path, perRound));
  }
  console.log(
    `ms CPU per request, min / median / max of ${rounds} rounds of ${perRound} (${sessions} ` +
      `sessions, gzip accepted, in-process); load ${Deno.loadavg().join(" ")}`,
  );
  for (const [path, xs] of figures) {
    const m = sorted(xs)[Math.floor(xs.length / 2)]!;
    const target = path === "/healthz" ? "" : `  (target ≤ 1 ms: ${m <= 1 ? "met" : "MISSED"})`;
    console.log(`${path.padEnd(10)} ${spread(xs)}${target}`);
  }
} finally {
  await app.close();
}
