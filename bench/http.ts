/**
 * `deno task bench:http`: the real server (`main.ts serve`, demo mode, the `start` task's
 * permissions) driven over loopback by a separate load-generator process (`bench/load_client.ts`)
 * with 16 and 64 connections, one route at a time: `/healthz`, the Overview, Devices, Accounts
 * and Activity pages, and the stylesheet (static and pre-compressed: the ceiling any page can
 * reach with this client on this box). Two cases (issue 24): first `BENCH_PEOPLE` (default 400)
 * distinct people, one session each, each request from the next person — how a company uses it
 * after a "please check your devices" mail, where no page is ever asked twice by one person in a
 * row — then one session (a seven-device person) asking again, with `/api/v1/devices/merged/…`
 * too. The people (`people.ts`) are looked up as in production: the server runs with a
 * configuration file (not demo mode) whose `file` source reads their device export and whose
 * `google` source asks the Google fake for their accounts and sign-ins; each person's first view
 * (the warm-up, before any measuring) makes their snapshot, so the measured views are first views
 * from the snapshot; each case's sessions are signed just before it (a session older than 5
 * minutes is re-signed on every view). (Until the seventh round the first case was 400 sessions over the six demo
 * people: every sixth request was the same person, so SQLite's page cache, V8's inline caches and
 * any memo saw six people.) One client process per concurrency loads the routes one at a time,
 * each for `BENCH_SECONDS` (default 2), in turn, `BENCH_TURNS` times over (default 5), so that the
 * routes compared meet the same load from the rest of the box. Prints requests/s (over all turns),
 * p50/p99 and errors, and from the same run: each page's throughput ÷ `/healthz` throughput
 * (issue 24's target ≥ 0.6) with the spread of the turns' ratios, the stylesheet's ratio, p99 ÷
 * p50 per route (target < 10), errors (target 0); and per route the server's and the client's CPU
 * milliseconds per request (`/proc/<pid>/stat` of the server and `process.cpuUsage()` of the client
 * around each turn), so that what a page costs the server can be told from what the client, on the
 * same cores, spends reading it (a browser inflates gzip on its own machine).
 *
 * The API's per-address rate limit (120 per 60 s by default) would refuse a loopback benchmark,
 * so the people's configuration raises it (`RATE_LIMITS`), as the demo server of `page_weight.ts`
 * and `soak.ts` does with `STETHOSCOPE_DEMO_RATE_LIMITS` (read in demo mode only).
 *
 * Run: `deno task bench:http` (`BENCH_PEOPLE`, default 400; `BENCH_SECONDS` per route and turn,
 * default 2; `BENCH_TURNS`, default 5)
 *
 * @module
 */
// deno-lint-ignore-file no-console
import { startServer } from "../tests/support/server.ts";
import {
  benchPeopleCount,
  type BenchPeopleSetup,
  checkSourcesAnswered,
  setUpBenchPeople,
} from "./people.ts";
import { type LoadPlan, type LoadReport, spawnLoad, type UrlReport } from "./load_client.ts";

/** The many-devices demo person. */
export const BENCH_PERSON = "user@example.com";

/** Limits high enough that a loopback benchmark never meets them. */
const UNLIMITED = JSON.stringify({
  API: { REQUESTS: 1_000_000_000, PER_SECONDS: 1 },
  LOGIN: { REQUESTS: 1_000_000, PER_SECONDS: 1 },
});

/** A server started for a benchmark. */
export interface BenchServer {
  url: string;
  pid: number;
  /** Log lines seen (counted, not kept). */
  lines: () => number;
  stop: () => Promise<number>;
}

/**
 * Starts `main.ts serve` in demo mode on a free port, with the `start` task's permissions, in a
 * temporary working folder, with the rate limits raised.
 *
 * @returns the server's URL and pid, and how to stop it
 */
export async function startBenchServer(): Promise<BenchServer> {
  const server = await startServer([], {
    env: { STETHOSCOPE_DEMO_RATE_LIMITS: UNLIMITED },
    keepLines: false,
  });
  return { url: server.url, pid: server.pid, lines: server.lineCount, stop: server.stop };
}

/**
 * Signs a demo person in over HTTP, as the sign-in form does.
 *
 * @param base the server's URL
 * @param email a demo person
 * @returns the `Cookie` header value of the session
 */
export async function signIn(base: string, email: string): Promise<string> {
  const res = await fetch(`${base}/login/demo`, {
    method: "POST",
    headers: { Origin: base, "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ email, next: "/" }),
    redirect: "manual",
  });
  await res.body?.cancel();
  const cookie = res.headers.getSetCookie().map((c) => c.split(";")[0]!).join("; ");
  if (res.status !== 303 || !cookie.startsWith("stethoscope_session=")) {
    throw new Error(`Demo sign-in of ${email} failed: ${res.status}`);
  }
  return cookie;
}

/**
 * The routes measured, by label.
 *
 * @param base the server's URL
 * @param person whose merged devices the API route asks for (default {@link BENCH_PERSON})
 */
export function benchRoutes(base: string, person = BENCH_PERSON): Record<string, string> {
  return {
    "/healthz": `${base}/healthz`,
    "overview /": `${base}/`,
    "/devices": `${base}/devices`,
    "/accounts": `${base}/accounts`,
    "/activity": `${base}/activity`,
    "API devices": `${base}/api/v1/devices/merged/${person}`,
  };
}

/** The pages whose throughput is held against `/healthz` (issue 24: each ≥ 0.6). */
const PAGES = ["overview /", "/devices", "/accounts", "/activity"];

/** A server of the benchmark's people (production configuration), and those people. */
export interface PeopleServer extends BenchServer {
  setup: BenchPeopleSetup;
}

/**
 * Starts `main.ts serve --config config.json` (the `start` task's permissions) in a temporary
 * folder holding the people's export and configuration (`people.ts`).
 *
 * @param count how many people
 * @returns the server, and the people with their sources and session signing; `stop` also stops
 *   the Google fake and removes the folder
 */
export async function startPeopleServer(count: number): Promise<PeopleServer> {
  const dir = await Deno.makeTempDir({ prefix: "stethoscope-bench-people-" });
  const setup = await setUpBenchPeople(dir, { count, now: new Date() });
  await Deno.writeTextFile(`${dir}/config.json`, JSON.stringify(setup.configJson));
  const server = await startServer(
    ["--config", "config.json", "--hostname", "127.0.0.1"],
    { cwd: dir, keepLines: false },
  );
  return {
    url: server.url,
    pid: server.pid,
    lines: server.lineCount,
    setup,
    async stop() {
      const code = await server.stop();
      await setup.close();
      await Deno.remove(dir, { recursive: true });
      return code;
    },
  };
}

/**
 * Each person's first view (their Overview, body read whole: the lookup of their sources has
 * ended and their snapshot is written), `parallel` people at a time.
 *
 * @param base the server's URL
 * @param cookies one session per person
 * @throws {Error} when a first view is not a 200
 */
export async function firstViews(base: string, cookies: string[], parallel = 8): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < cookies.length) {
      const cookie = cookies[next++]!;
      const res = await fetch(`${base}/`, { headers: { Cookie: cookie }, redirect: "manual" });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`first view: status ${res.status}`);
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
}

/** The headers of a case's requests: the same for all, or one set per request in turn. */
type SessionHeaders = Pick<LoadPlan, "headers" | "headerSets">;

/** The label of the ceiling route: the stylesheet, static and pre-compressed. */
const CEILING = "static CSS";

/**
 * The stylesheet's content-hashed URL, as the sign-in page links it: the cheapest response of
 * the app that has a body (no session, no store, compressed once at start-up), measured with the
 * same client and headers as the ceiling of what any page can reach.
 */
export async function stylesheetUrl(base: string): Promise<string> {
  const html = await (await fetch(`${base}/login`)).text();
  const path = /\/static\/app\.[0-9a-f]+\.css/.exec(html)?.[0];
  if (!path) throw new Error("The sign-in page links no stylesheet");
  return `${base}${path}`;
}

/** Headers a browser would send (gzip accepted), with the session. */
export function benchHeaders(cookie: string): Record<string, string> {
  return { Cookie: cookie, "Accept-Encoding": "gzip" };
}

/** The 1-, 5- and 15-minute load averages (needs `--allow-sys=loadavg`). */
export function loadAverage(): string {
  try {
    return Deno.loadavg().map((l) => l.toFixed(2)).join(" ");
  } catch {
    return "unknown";
  }
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + " ".repeat(width - text.length);
}

function row(label: string, r: UrlReport): string {
  return [
    pad(label, 14),
    pad(r.requestsPerSecond.toFixed(0), 8),
    pad(r.p50Ms.toFixed(2), 8),
    pad(r.p99Ms.toFixed(2), 8),
    pad((r.p99Ms / r.p50Ms).toFixed(2), 8),
    pad(String(r.errors), 7),
    pad(`${r.meanBytes}`, 9),
    pad(r.serverCpuMs?.toFixed(3) ?? "-", 9),
    r.clientCpuMs?.toFixed(3) ?? "-",
  ].join(" ");
}

/** The median of a non-empty list. */
function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function report(labels: string[], load: LoadReport): number {
  const connections = load.connections;
  console.log(`${connections} connections`);
  console.log(
    [
      pad("route", 14),
      pad("req/s", 8),
      pad("p50 ms", 8),
      pad("p99 ms", 8),
      pad("p99/p50", 8),
      pad("errors", 7),
      pad("bytes", 9),
      pad("server", 9),
      "client CPU ms/request",
    ].join(" "),
  );
  let failed = 0;
  const byRoute = new Map(labels.map((label, k) => [label, load.perUrl[k]!]));
  for (const [label, r] of byRoute) {
    console.log(row(label, r));
    if (r.errors > 0) {
      console.log(`  statuses: ${JSON.stringify(r.statuses)}`);
      failed++;
    }
  }
  const rps = (label: string) => byRoute.get(label)!.requestsPerSecond;
  const perTurn = (label: string) => {
    const k = labels.indexOf(label);
    const h = labels.indexOf("/healthz");
    return (load.turns ?? []).map((turn) => turn[k]! / turn[h]!);
  };
  const worst = Math.max(...[...byRoute.values()].map((r) => r.p99Ms / r.p50Ms));
  const errors = [...byRoute.values()].reduce((n, r) => n + r.errors, 0);
  const met = (ok: boolean) => ok ? "met" : "MISSED";
  const spread = (xs: number[]) =>
    `median of turns ${median(xs).toFixed(3)}, from ${Math.min(...xs).toFixed(3)} to ` +
    `${Math.max(...xs).toFixed(3)}`;
  const cpu = (label: string, of: "serverCpuMs" | "clientCpuMs") => byRoute.get(label)![of] ?? NaN;
  for (const pageLabel of PAGES) {
    const ratio = rps(pageLabel) / rps("/healthz");
    console.log(
      `ratio @${connections}: ${pageLabel} ÷ healthz throughput ${ratio.toFixed(3)} (` +
        `${spread(perTurn(pageLabel))}; target ≥ 0.6: ${met(ratio >= 0.6)}); server CPU per ` +
        `request healthz ÷ page ${
          (cpu("/healthz", "serverCpuMs") / cpu(pageLabel, "serverCpuMs"))
            .toFixed(3)
        }, client CPU per request page − healthz ${
          (cpu(pageLabel, "clientCpuMs") - cpu("/healthz", "clientCpuMs")).toFixed(3)
        } ms`,
    );
  }
  console.log(
    `worst p99 ÷ p50 @${connections}: ${worst.toFixed(2)} (target < 10: ${met(worst < 10)}); ` +
      `errors ${errors} (target 0: ${met(errors === 0)})`,
  );
  console.log(
    `  ceiling @${connections}: the stylesheet (static, pre-compressed 1.9 KB gzip, no session, ` +
      `no store) ÷ healthz ${(rps(CEILING) / rps("/healthz")).toFixed(3)} (` +
      `${spread(perTurn(CEILING))})\n`,
  );
  return failed;
}

async function main(): Promise<void> {
  const seconds = Number(Deno.env.get("BENCH_SECONDS") ?? "2");
  if (!(seconds > 0)) throw new RangeError(`BENCH_SECONDS: expected seconds > 0, got ${seconds}`);
  const turns = Number(Deno.env.get("BENCH_TURNS") ?? "5");
  if (!Number.isInteger(turns) || turns < 1) {
    throw new RangeError(`BENCH_TURNS: expected a whole number ≥ 1, got ${turns}`);
  }
  const count = benchPeopleCount();
  console.log(`load average before: ${loadAverage()}; ${navigator.hardwareConcurrency} CPUs`);
  const server = await startPeopleServer(count);
  try {
    const { people, session } = server.setup;
    const cookies = await Promise.all(people.map((p) => session(p.email)));
    await firstViews(server.url, cookies);
    await checkSourcesAnswered(async (_email, path) => {
      const res = await fetch(`${server.url}${path}`, { headers: { Cookie: cookies[0]! } });
      return await res.text();
    }, people);
    console.log(`first views of ${count} people made their snapshots; load ${loadAverage()}`);
    // the one session: the first seven-device person (demo's user@example.com)
    const fry = people.find((p) => p.template === BENCH_PERSON) ?? people[0]!;
    const routes = {
      ...benchRoutes(server.url, fry.email),
      [CEILING]: await stylesheetUrl(server.url),
    };
    // Other people may not read that person's API devices (403): the API is measured as the one
    // session only.
    const pages = Object.fromEntries(Object.entries(routes).filter(([k]) => k !== "API devices"));
    // Sessions are signed just before their case: one older than 5 minutes would be re-signed
    // (a `Set-Cookie`) on every view, which a person's first view after signing in never is.
    const cases: [string, Record<string, string>, () => Promise<SessionHeaders>][] = [
      [
        `${count} distinct people (file and Google sources), one session each, each request ` +
        `from the next`,
        pages,
        async () => ({
          headers: { "Accept-Encoding": "gzip" },
          headerSets: await Promise.all(
            people.map(async (p) => ({ Cookie: await session(p.email, new Date()) })),
          ),
        }),
      ],
      [
        `one session (${fry.email}) asking again`,
        routes,
        async () => ({ headers: benchHeaders(await session(fry.email, new Date())) }),
      ],
    ];
    let failed = 0;
    for (const [title, measured, signed] of cases) {
      const headers = await signed();
      const urls = Object.values(measured);
      // warm-up: JIT, caches, connection setup
      await spawnLoad({ urls, connections: 16, seconds: 3, ...headers });
      const results: LoadReport[] = [];
      for (const connections of [16, 64]) {
        results.push(
          await spawnLoad({ urls, connections, seconds, turns, serverPid: server.pid, ...headers }),
        );
        console.log(`measured ${title}, ${connections} connections; load ${loadAverage()}`);
      }
      console.log(
        `\n== ${title}: ${turns} turns of ${seconds} s per route, routes one at a time in turn; ` +
          `one client process per concurrency; gzip accepted\n`,
      );
      for (const load of results) failed += report(Object.keys(measured), load);
    }
    console.log(`server log lines: ${server.lines()}; load average after: ${loadAverage()}`);
    if (failed > 0) Deno.exitCode = 1;
  } finally {
    await server.stop();
  }
}

if (import.meta.main) await main();
