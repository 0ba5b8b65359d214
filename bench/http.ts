/**
 * `deno task bench:http`: the real server (`main.ts serve`, demo mode, the `start` task's
 * permissions) driven over loopback by a separate load-generator process (`bench/load_client.ts`)
 * with 16 and 64 connections, one route at a time: `/healthz`, the Overview, the Devices page of
 * the many-devices demo person (user@example.com) and `/api/v1/devices/merged/…` with the session
 * cookie, and the stylesheet (static and pre-compressed: the ceiling any page can reach with
 * this client on this box). Every route is measured in turn, `BENCH_ROUNDS` times (default 3).
 * Prints requests/s, p50/p99 and errors (medians over rounds), and from the same run: Devices
 * throughput ÷ `/healthz` throughput (the median of the rounds' ratios; issue 8's target ≥ 0.15,
 * issue 13's ≥ 0.6), the stylesheet's ratio, p99 ÷ p50 per route (target < 10), errors (target 0).
 *
 * The API's per-address rate limit (120 per 60 s by default) would refuse a loopback benchmark,
 * so the server runs with `STETHOSCOPE_DEMO_RATE_LIMITS` (read in demo mode only) raising it.
 *
 * Run: `deno task bench:http` (seconds per measurement: `BENCH_SECONDS`, default 5; rounds:
 * `BENCH_ROUNDS`, default 3)
 *
 * @module
 */
// deno-lint-ignore-file no-console
import { startServer } from "../tests/support/server.ts";
import { type LoadReport, spawnLoad, type UrlReport } from "./load_client.ts";

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

/** The routes measured, by label. */
export function benchRoutes(base: string): Record<string, string> {
  return {
    "/healthz": `${base}/healthz`,
    "overview /": `${base}/`,
    "/devices": `${base}/devices`,
    "API devices": `${base}/api/v1/devices/merged/${BENCH_PERSON}`,
  };
}

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
    `${r.meanBytes}`,
  ].join(" ");
}

/** The median of a non-empty list. */
function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** One route's rounds as one row: median req/s, p50 and p99 over rounds; errors summed. */
function combined(reports: UrlReport[]): UrlReport {
  return {
    ...reports[0]!,
    requests: reports.reduce((n, r) => n + r.requests, 0),
    errors: reports.reduce((n, r) => n + r.errors, 0),
    statuses: Object.assign({}, ...reports.map((r) => r.statuses)),
    requestsPerSecond: median(reports.map((r) => r.requestsPerSecond)),
    p50Ms: median(reports.map((r) => r.p50Ms)),
    p99Ms: median(reports.map((r) => r.p99Ms)),
  };
}

/** Measures every route once per round, routes in turn, rounds in turn. */
async function measure(
  routes: [string, string][],
  options: { connections: number; seconds: number; rounds: number; headers: HeadersInit },
): Promise<Map<string, UrlReport>[]> {
  const rounds: Map<string, UrlReport>[] = [];
  for (let r = 0; r < options.rounds; r++) {
    const byRoute = new Map<string, UrlReport>();
    for (const [label, url] of routes) {
      const report: LoadReport = await spawnLoad({
        urls: [url],
        connections: options.connections,
        seconds: options.seconds,
        headers: options.headers as Record<string, string>,
      });
      byRoute.set(label, report.perUrl[0]!);
    }
    rounds.push(byRoute);
  }
  return rounds;
}

function report(connections: number, rounds: Map<string, UrlReport>[]): number {
  console.log(`${connections} connections`);
  console.log(
    [
      pad("route", 14),
      pad("req/s", 8),
      pad("p50 ms", 8),
      pad("p99 ms", 8),
      pad("p99/p50", 8),
      pad("errors", 7),
      "bytes (decoded)",
    ].join(" "),
  );
  let failed = 0;
  const byRoute = new Map<string, UrlReport>();
  for (const label of rounds[0]!.keys()) {
    const r = combined(rounds.map((round) => round.get(label)!));
    byRoute.set(label, r);
    console.log(row(label, r));
    if (r.errors > 0) {
      console.log(`  statuses: ${JSON.stringify(r.statuses)}`);
      failed++;
    }
  }
  // each round's ratio is of two measurements taken seconds apart; the median of the rounds
  const perRound = (label: string) =>
    rounds.map((round) =>
      round.get(label)!.requestsPerSecond / round.get("/healthz")!.requestsPerSecond
    );
  const ratios = perRound("/devices");
  const ratio = median(ratios);
  const worst = Math.max(...[...byRoute.values()].map((r) => r.p99Ms / r.p50Ms));
  const errors = [...byRoute.values()].reduce((n, r) => n + r.errors, 0);
  const met = (ok: boolean) => ok ? "met" : "MISSED";
  const list = (xs: number[]) => xs.map((x) => x.toFixed(3)).join(", ");
  console.log(
    `ratios @${connections}: devices ÷ healthz throughput ${ratio.toFixed(3)} (median of ` +
      `rounds ${list(ratios)}; issue 8 target ≥ 0.15: ${met(ratio >= 0.15)}; issue 13 target ` +
      `≥ 0.6: ${met(ratio >= 0.6)}); worst p99 ÷ p50 ${worst.toFixed(2)} (target < 10: ` +
      `${met(worst < 10)}); errors ${errors} (target 0: ${met(errors === 0)})`,
  );
  const ceilings = perRound(CEILING);
  console.log(
    `  ceiling @${connections}: the stylesheet (static, pre-compressed 1.9 KB gzip, no session, ` +
      `no store) ÷ healthz ${median(ceilings).toFixed(3)} (rounds ${list(ceilings)})\n`,
  );
  return failed;
}

async function main(): Promise<void> {
  const seconds = Number(Deno.env.get("BENCH_SECONDS") ?? "5");
  if (!(seconds > 0)) throw new RangeError(`BENCH_SECONDS: expected seconds > 0, got ${seconds}`);
  const rounds = Number(Deno.env.get("BENCH_ROUNDS") ?? "3");
  if (!Number.isInteger(rounds) || rounds < 1) {
    throw new RangeError(`BENCH_ROUNDS: expected a whole number ≥ 1, got ${rounds}`);
  }
  console.log(`load average before: ${loadAverage()}; ${navigator.hardwareConcurrency} CPUs`);
  const server = await startBenchServer();
  try {
    const cookie = await signIn(server.url, BENCH_PERSON);
    const headers = benchHeaders(cookie);
    const routes = benchRoutes(server.url);
    const all: [string, string][] = [...Object.entries(routes), [
      CEILING,
      await stylesheetUrl(server.url),
    ]];
    // warm-up: JIT, caches, connection setup
    await spawnLoad({ urls: Object.values(routes), connections: 16, seconds: 3, headers });
    const results = new Map<number, Map<string, UrlReport>[]>();
    for (const connections of [16, 64]) {
      results.set(connections, await measure(all, { connections, seconds, rounds, headers }));
      console.log(`measured ${connections} connections; load average ${loadAverage()}`);
    }
    console.log(
      `\n${seconds} s per route, concurrency and round; ${rounds} rounds (routes in turn); ` +
        `separate client process; gzip accepted\n`,
    );
    let failed = 0;
    for (const [connections, measured] of results) failed += report(connections, measured);
    console.log(`server log lines: ${server.lines()}; load average after: ${loadAverage()}`);
    if (failed > 0) Deno.exitCode = 1;
  } finally {
    await server.stop();
  }
}

if (import.meta.main) await main();
