/**
 * `deno task bench:soak`: the server of `bench:http` (demo mode, separate load-generator process)
 * under 16 connections cycling over `/healthz`, the Overview, the Devices page and the devices API
 * for 3 minutes, with the server's resident memory (`VmRSS` of `/proc/<pid>/status`) and open file
 * descriptors (`/proc/<pid>/fd`) sampled every 5 s. Prints the growth from the end of the warm-up
 * (30 s) to the end: RSS target < 10 %, descriptors target 0.
 *
 * Reading another process's `/proc` entries needs `--allow-all` in Deno 2.
 *
 * Run: `deno task bench:soak`; a quick check: `SOAK_SECONDS=40 deno task bench:soak`
 * (the warm-up is then a third of the run, at most 30 s).
 *
 * @module
 */
// deno-lint-ignore-file no-console
import { benchHeaders, benchRoutes, loadAverage, signIn, startBenchServer } from "./http.ts";
import { spawnLoad } from "./load_client.ts";
import { fdCount, mib, rssKiB } from "./proc.ts";
import { sleep } from "../lib/abort.ts";

const SAMPLE_MS = 5_000;

async function main(): Promise<void> {
  const seconds = Number(Deno.env.get("SOAK_SECONDS") ?? "180");
  if (!(seconds >= 15)) throw new RangeError(`SOAK_SECONDS: expected at least 15, got ${seconds}`);
  const warmup = Math.min(30, seconds / 3);
  console.log(
    `soak: ${seconds} s, 16 connections over 4 routes, warm-up ${warmup} s; load average ${loadAverage()}`,
  );
  const server = await startBenchServer();
  try {
    const cookie = await signIn(server.url, "user@example.com");
    const idleFds = await fdCount(server.pid);
    const idleRss = await rssKiB(server.pid);
    const started = performance.now();
    const load = spawnLoad({
      urls: Object.values(benchRoutes(server.url)),
      connections: 16,
      seconds,
      headers: benchHeaders(cookie),
    });
    let done = false;
    void load.finally(() => done = true);
    const samples: { t: number; rss: number; fds: number }[] = [];
    console.log("t (s)   RSS (MiB)  fds");
    while (!done) {
      await Promise.race([new Promise((r) => setTimeout(r, SAMPLE_MS)), load]);
      if (done) break;
      const t = (performance.now() - started) / 1000;
      const sample = { t, rss: await rssKiB(server.pid), fds: await fdCount(server.pid) };
      if (done || t > seconds - 1) break; // the load has ended: not a sample under load
      samples.push(sample);
      console.log(`${t.toFixed(0).padStart(5)}   ${mib(sample.rss).padStart(9)}  ${sample.fds}`);
    }
    const report = await load;
    await sleep(2_000); // let closed connections go
    const afterFds = await fdCount(server.pid);
    const afterRss = await rssKiB(server.pid);

    const base = samples.find((s) => s.t >= warmup) ?? samples[0];
    const last = samples.at(-1);
    if (!base || !last) throw new Error("No samples were taken; run for longer");
    const peak = Math.max(...samples.filter((s) => s.t >= warmup).map((s) => s.rss));
    const growth = (last.rss - base.rss) / base.rss;
    const requests = report.perUrl.reduce((n, u) => n + u.requests, 0);
    const errors = report.perUrl.reduce((n, u) => n + u.errors, 0);
    console.log(
      `\nrequests ${requests} (${(requests / report.seconds).toFixed(0)}/s), errors ${errors}`,
    );
    for (const u of report.perUrl) {
      console.log(
        `  ${new URL(u.url).pathname.padEnd(40)} ${u.requests} requests, p50 ${
          u.p50Ms.toFixed(1)
        } ms, p99 ${u.p99Ms.toFixed(1)} ms, errors ${u.errors}`,
      );
    }
    console.log(
      `RSS: idle ${mib(idleRss)} MiB; after warm-up (${base.t.toFixed(0)} s) ${
        mib(base.rss)
      } MiB; end (${last.t.toFixed(0)} s) ${mib(last.rss)} MiB; peak ${mib(peak)} MiB; ` +
        `2 s after the load ${mib(afterRss)} MiB`,
    );
    console.log(
      `RSS growth after warm-up ${(growth * 100).toFixed(1)} % (target < 10 %: ${
        growth < 0.1 ? "met" : "MISSED"
      })`,
    );
    const fdGrowth = last.fds - base.fds;
    console.log(
      `fds: idle ${idleFds}; after warm-up ${base.fds}; end ${last.fds}; 2 s after the load ${afterFds}; ` +
        `growth after warm-up ${fdGrowth}, idle → after ${afterFds - idleFds} (target 0: ${
          fdGrowth <= 0 && afterFds <= idleFds ? "met" : "MISSED"
        })`,
    );
    console.log(`load average after: ${loadAverage()}`);
  } finally {
    await server.stop();
  }
}

if (import.meta.main) await main();
