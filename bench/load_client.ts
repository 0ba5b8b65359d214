/**
 * A bounded HTTP load generator, run as its own process by `bench/http.ts` and `bench/soak.ts` so
 * that the server under test does not share an event loop with its client. `connections` workers,
 * each with its own HTTP client (one keep-alive connection), loop `GET` over the given URLs in
 * turn for `seconds`, reading every body, and record each request's latency. With `turns`, the
 * URLs are loaded one at a time instead: every worker on the first URL for `seconds`, then (once
 * all its requests have answered) on the next, and so on, `turns` times over — so that routes
 * compared with each other meet the same load from elsewhere on the box. On exit it prints one
 * JSON object ({@link LoadReport}) on stdout.
 *
 * Run: `deno run --allow-net=127.0.0.1 bench/load_client.ts '<json LoadPlan>'` (or `-` and the
 * plan on stdin, as `spawnLoad` does); `--allow-all` with a plan's `serverPid`. With `turns` it
 * also reports its own CPU per request of each URL, and with `serverPid` the server's.
 *
 * @module
 */
import process from "node:process";
import { cpuSeconds } from "./proc.ts";

/** What to run: URLs (cycled per worker), workers, duration and request headers. */
export interface LoadPlan {
  urls: string[];
  connections: number;
  /** How long the load runs; with `turns`, how long each URL's turn runs. */
  seconds: number;
  headers?: Record<string, string>;
  /**
   * More headers, one set per request in turn (e.g. one session cookie per person): request `n`
   * of the run sends `headers` plus `headerSets[n % length]`, so consecutive requests come from
   * different people.
   */
  headerSets?: Record<string, string>[];
  /** Load the URLs one at a time, in turn, this many times over (see the module's text). */
  turns?: number;
  /**
   * With `turns`: the server's process id, whose CPU time (`/proc/<pid>/stat`) is read around each
   * turn, so that each URL's server CPU per request is reported (`spawnLoad` then runs the client
   * with `--allow-all`, which reading another process's `/proc` needs).
   */
  serverPid?: number;
}

/** Figures for one URL. */
export interface UrlReport {
  url: string;
  requests: number;
  /** Requests that failed in transport or answered other than 2xx. */
  errors: number;
  /** Counts by status (`"0"` for transport errors). */
  statuses: Record<string, number>;
  requestsPerSecond: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Mean body size (decompressed), bytes. */
  meanBytes: number;
  /**
   * With `turns`: CPU milliseconds per request of this client process (all its threads: fetch,
   * decompressing gzip bodies, reading them) over the URL's turns. A browser spends these on its
   * own machine; here they share the server's cores.
   */
  clientCpuMs?: number;
  /** With `turns` and `serverPid`: the server's CPU milliseconds per request over the URL's turns. */
  serverCpuMs?: number;
}

/** What the client prints. */
export interface LoadReport {
  connections: number;
  seconds: number;
  perUrl: UrlReport[];
  /** With `turns`: requests/s of each URL (in `urls` order) in each turn. */
  turns?: number[][];
}

/** This process's CPU time so far (user + system, all threads), in milliseconds. */
function ownCpuMs(): number {
  const used = process.cpuUsage();
  return (used.user + used.system) / 1000;
}

/** Latency samples of one URL, in a growable typed array (no per-sample objects). */
class Samples {
  #values = new Float64Array(4096);
  #length = 0;
  errors = 0;
  bytes = 0;
  statuses = new Map<number, number>();

  add(ms: number): void {
    if (this.#length === this.#values.length) {
      const bigger = new Float64Array(this.#values.length * 2);
      bigger.set(this.#values);
      this.#values = bigger;
    }
    this.#values[this.#length++] = ms;
  }

  get length(): number {
    return this.#length;
  }

  sorted(): Float64Array {
    return this.#values.slice(0, this.#length).sort();
  }
}

function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/** The headers of the next request: the plan's, plus the next of its `headerSets`. */
function headerSource(plan: LoadPlan): () => Record<string, string> {
  const base = plan.headers ?? {};
  const sets = (plan.headerSets ?? []).map((set) => ({ ...base, ...set }));
  if (sets.length === 0) return () => base;
  let n = 0;
  return () => sets[n++ % sets.length]!;
}

/** One worker: `GET`s over `urls` in turn (from `offset`) on its own client until `endAt`. */
async function worker(
  client: Deno.HttpClient,
  urls: { url: string; samples: Samples }[],
  headers: () => Record<string, string>,
  endAt: number,
  offset: number,
) {
  for (let i = offset; performance.now() < endAt; i++) {
    const { url, samples: s } = urls[i % urls.length]!;
    const started = performance.now();
    let status = 0;
    let bytes = 0;
    try {
      const res = await fetch(url, { client, headers: headers() });
      status = res.status;
      bytes = (await res.arrayBuffer()).byteLength;
    } catch {
      status = 0;
    }
    s.add(performance.now() - started);
    s.bytes += bytes;
    s.statuses.set(status, (s.statuses.get(status) ?? 0) + 1);
    if (status < 200 || status > 299) s.errors++;
  }
}

/** Every worker on `urls` for `seconds`; resolves when all have answered, with the seconds taken. */
async function load(
  clients: Deno.HttpClient[],
  urls: { url: string; samples: Samples }[],
  plan: LoadPlan,
): Promise<number> {
  const started = performance.now();
  const endAt = started + plan.seconds * 1000;
  const headers = headerSource(plan);
  await Promise.all(clients.map((c, w) => worker(c, urls, headers, endAt, w)));
  return (performance.now() - started) / 1000;
}

/**
 * Runs a plan and summarises it.
 *
 * @param plan the URLs, workers, duration, headers and (optionally) turns
 * @returns figures per URL (over all turns), and with `turns` each turn's requests/s
 */
export async function runLoad(plan: LoadPlan): Promise<LoadReport> {
  const urls = plan.urls.map((url) => ({ url, samples: new Samples() }));
  const clients = Array.from(
    { length: plan.connections },
    () => Deno.createHttpClient({ poolMaxIdlePerHost: 1 }),
  );
  const elapsed = urls.map(() => 0);
  const clientCpu = urls.map(() => 0);
  const serverCpu = urls.map(() => 0);
  const turns: number[][] = [];
  try {
    if (plan.turns === undefined) {
      const seconds = await load(clients, urls, plan);
      elapsed.fill(seconds);
    } else {
      for (let t = 0; t < plan.turns; t++) {
        turns.push([]);
        for (const [k, one] of urls.entries()) {
          const before = one.samples.length;
          const cpuBefore = ownCpuMs();
          const serverBefore = plan.serverPid === undefined ? 0 : cpuSeconds(plan.serverPid);
          const seconds = await load(clients, [one], plan);
          clientCpu[k]! += ownCpuMs() - cpuBefore;
          if (plan.serverPid !== undefined) {
            serverCpu[k]! += (cpuSeconds(plan.serverPid) - serverBefore) * 1000;
          }
          elapsed[k]! += seconds;
          turns[t]!.push((one.samples.length - before) / seconds);
        }
      }
    }
  } finally {
    for (const c of clients) c.close();
  }
  return {
    connections: plan.connections,
    seconds: plan.turns === undefined ? elapsed[0]! : elapsed.reduce((a, b) => a + b, 0),
    ...(plan.turns === undefined ? {} : { turns }),
    perUrl: urls.map(({ url, samples: s }, k) => {
      const sorted = s.sorted();
      return {
        url,
        requests: s.length,
        errors: s.errors,
        statuses: Object.fromEntries([...s.statuses].map(([k, v]) => [String(k), v])),
        requestsPerSecond: s.length / elapsed[k]!,
        p50Ms: quantile(sorted, 0.5),
        p90Ms: quantile(sorted, 0.9),
        p99Ms: quantile(sorted, 0.99),
        maxMs: sorted.length ? sorted[sorted.length - 1]! : NaN,
        meanBytes: s.length ? Math.round(s.bytes / s.length) : 0,
        ...(plan.turns === undefined || !s.length ? {} : {
          clientCpuMs: clientCpu[k]! / s.length,
          ...(plan.serverPid === undefined ? {} : { serverCpuMs: serverCpu[k]! / s.length }),
        }),
      };
    }),
  };
}

/**
 * Runs `bench/load_client.ts` as a separate process and reads its report.
 *
 * @param plan the URLs, workers, duration and headers
 * @returns the child's report
 */
export async function spawnLoad(plan: LoadPlan): Promise<LoadReport> {
  const child = new Deno.Command(Deno.execPath(), {
    // the plan goes on stdin: hundreds of session cookies do not fit in an argument list
    args: [
      "run",
      plan.serverPid === undefined ? "--allow-net=127.0.0.1" : "--allow-all",
      new URL(import.meta.url).pathname,
      "-",
    ],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(JSON.stringify(plan)));
  await writer.close();
  const { code, stdout, stderr } = await child.output();
  if (code !== 0) {
    throw new Error(`load client failed (${code}): ${new TextDecoder().decode(stderr)}`);
  }
  return JSON.parse(new TextDecoder().decode(stdout)) as LoadReport;
}

if (import.meta.main) {
  const arg = Deno.args[0] ?? "-";
  const text = arg === "-" ? await new Response(Deno.stdin.readable).text() : arg;
  const plan = JSON.parse(text) as LoadPlan;
  if (!Array.isArray(plan.urls) || plan.urls.length === 0 || !(plan.connections > 0)) {
    throw new TypeError(
      'Expected a plan such as {"urls": ["http://127.0.0.1:8000/healthz"], ' +
        '"connections": 16, "seconds": 5}',
    );
  }
  const report = await runLoad(plan);
  Deno.stdout.writeSync(new TextEncoder().encode(JSON.stringify(report) + "\n"));
}
