/**
 * `deno task bench:http`: the real server (`main.ts serve`, demo mode, the `start` task's
 * permissions) driven over loopback by a separate load-generator process (`bench/load_client.ts`)
 * with 16 and 64 connections, one route at a time: `/healthz`, the Overview, the Devices page of
 * the many-devices demo person (user@example.com) and `/api/v1/devices/merged/…` with the session
 * cookie. Prints requests/s, p50/p99 and errors, and the ratios of issue 8, all from one run:
 * Devices throughput ÷ `/healthz` throughput (target ≥ 0.15), p99 ÷ p50 per route (target < 10),
 * errors (target 0).
 *
 * The API's per-address rate limit (120 per 60 s by default) would refuse a loopback benchmark,
 * so the server runs with `STETHOSCOPE_DEMO_RATE_LIMITS` (read in demo mode only) raising it.
 *
 * Run: `deno task bench:http` (seconds per measurement: `BENCH_SECONDS`, default 5)
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

async function main(): Promise<void> {
  const seconds = Number(Deno.env.get("BENCH_SECONDS") ?? "5");
  if (!(seconds > 0)) throw new RangeError(`BENCH_SECONDS: expected seconds > 0, got ${seconds}`);
  console.log(`load average before: ${loadAverage()}; ${navigator.hardwareConcurrency} CPUs`);
  const server = await startBenchServer();
  try {
    const cookie = await signIn(server.url, BENCH_PERSON);
    const headers = benchHeaders(cookie);
    const routes = benchRoutes(server.url);
    // warm-up: JIT, caches, connection setup
    await spawnLoad({ urls: Object.values(routes), connections: 16, seconds: 3, headers });
    const results = new Map<number, Map<string, UrlReport>>();
    for (const connections of [16, 64]) {
      const byRoute = new Map<string, UrlReport>();
      for (const [label, url] of Object.entries(routes)) {
        const report: LoadReport = await spawnLoad({
          urls: [url],
          connections,
          seconds,
          headers,
        });
        byRoute.set(label, report.perUrl[0]!);
      }
      results.set(connections, byRoute);
    }
    console.log(
      `\n${seconds} s per route and concurrency; separate client process; gzip accepted\n`,
    );
    let failed = 0;
    for (const [connections, byRoute] of results) {
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
      for (const [label, r] of byRoute) {
        console.log(row(label, r));
        if (r.errors > 0) {
          console.log(`  statuses: ${JSON.stringify(r.statuses)}`);
          failed++;
        }
      }
      const ratio = byRoute.get("/devices")!.requestsPerSecond /
        byRoute.get("/healthz")!.requestsPerSecond;
      const worst = Math.max(...[...byRoute.values()].map((r) => r.p99Ms / r.p50Ms));
      const errors = [...byRoute.values()].reduce((n, r) => n + r.errors, 0);
      console.log(
        `ratios @${connections}: devices ÷ healthz throughput ${ratio.toFixed(3)} (target ≥ 0.15: ${
          ratio >= 0.15 ? "met" : "MISSED"
        }); worst p99 ÷ p50 ${worst.toFixed(2)} (target < 10: ${
          worst < 10 ? "met" : "MISSED"
        }); errors ${errors} (target 0: ${errors === 0 ? "met" : "MISSED"})\n`,
      );
    }
    console.log(`server log lines: ${server.lines()}; load average after: ${loadAverage()}`);
    if (failed > 0) Deno.exitCode = 1;
  } finally {
    await server.stop();
  }
}

if (import.meta.main) await main();
