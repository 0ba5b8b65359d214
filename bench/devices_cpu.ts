/**
 * CPU time per request of the Devices page and of `/healthz`, in-process (the app's `fetch`, no
 * sockets), with the session cookie and `Accept-Encoding: gzip`, as the demo person with the most
 * devices: the page as a browser gets it (from the page cache, `routes/rendering/page_cache.ts`, while
 * nothing it shows changes), and rendered from the snapshot each time (`gzip;q=0.9`, which the
 * page cache leaves to the normal path). CPU time (`process.cpuUsage()`, user + system) rather
 * than wall time, so that a box shared with other work gives comparable figures; the median of
 * five rounds of 600 requests per route, taken alternately in one run.
 *
 * Run: `deno run --allow-all bench/devices_cpu.ts` (figures in bench/README.md, `bench:http`).
 *
 * @module
 */
// deno-lint-ignore-file no-console
import process from "node:process";
import { startApp } from "../tests/support/app.ts";

const ROUNDS = 5;
const PER_ROUND = 600;

const app = await startApp({ now: new Date() });
const cookie = await app.login("user@example.com");
const browser = { cookie, "accept-encoding": "gzip" };
const rendering = { cookie, "accept-encoding": "gzip;q=0.9" };

/** Mean CPU milliseconds per request of `n` sequential requests to `path`. */
async function cpuMs(path: string, n: number, headers = browser): Promise<number> {
  const start = process.cpuUsage();
  for (let i = 0; i < n; i++) await (await app.request(path, { headers })).arrayBuffer();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000 / n;
}

const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

try {
  await cpuMs("/devices", 300); // warm-up: the first view fills the snapshot, the JIT settles
  await cpuMs("/healthz", 300);
  await cpuMs("/devices", 300, rendering);
  const healthz: number[] = [];
  const devices: number[] = [];
  const rendered: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    healthz.push(await cpuMs("/healthz", PER_ROUND));
    devices.push(await cpuMs("/devices", PER_ROUND));
    rendered.push(await cpuMs("/devices", PER_ROUND, rendering));
  }
  const h = median(healthz);
  const d = median(devices);
  console.log(`/healthz ${h.toFixed(3)} ms CPU per request`);
  console.log(`/devices ${d.toFixed(3)} ms CPU per request (as a browser gets it)`);
  console.log(`/devices ${median(rendered).toFixed(3)} ms CPU per request (rendered each time)`);
  console.log(`healthz ÷ devices CPU, without the HTTP server's share: ${(h / d).toFixed(3)}`);
} finally {
  await app.close();
}
