/**
 * `deno task bench:feedback`: server time of the dismiss and feedback round-trips on the embedded
 * store (SQLite in a file), through the real app in-process, as htmx sends them (the answer is the
 * updated fragment). Target: under 20 ms each (median and p95 printed).
 *
 * @module
 */
import { csrfOf, demoWith, startApp } from "../tests/support/app.ts";

const RUNS = 200;
const dir = await Deno.makeTempDir();
// a feedback sink is configured so every answer is also written to the outbox (not delivered here)
const app = await startApp({
  storePath: `${dir}/bench.db`,
  now: new Date(),
  config: demoWith({
    PLUGINS: { demo: {}, restful_feedback: { URL: "http://127.0.0.1:9/unused" } },
  }),
});
const write = (s: string) => Deno.stdout.writeSync(new TextEncoder().encode(s + "\n"));

function stats(ms: number[]): { median: number; p95: number } {
  const sorted = [...ms].sort((a, b) => a - b);
  return {
    median: sorted[Math.floor(sorted.length / 2)]!,
    p95: sorted[Math.floor(sorted.length * 0.95)]!,
  };
}

try {
  const times = { dismiss: [] as number[], feedback: [] as number[] };
  for (let i = 0; i < RUNS + 20; i++) {
    // a fresh person each round: the notification is new, nothing is cached
    const cookie = await app.login("user@example.com");
    const csrf = csrfOf(await (await app.request("/", { cookie })).text());
    const headers = { "HX-Request": "true", "X-CSRF-Token": csrf };
    let t = performance.now();
    const d = await app.request("/notifications/firewall-fry/dismiss", {
      method: "POST",
      cookie,
      headers,
      body: new URLSearchParams(),
    });
    await d.text();
    const dismissMs = performance.now() - t;
    t = performance.now();
    const f = await app.request("/notifications/signin-fry-3/feedback", {
      method: "POST",
      cookie,
      headers,
      body: new URLSearchParams({ feedback: "no", notes: `run ${i}` }),
    });
    await f.text();
    const feedbackMs = performance.now() - t;
    if (d.status !== 200 || f.status !== 200) throw new Error(`${d.status} ${f.status}`);
    if (i >= 20) {
      times.dismiss.push(dismissMs);
      times.feedback.push(feedbackMs);
    }
  }
  for (const [name, ms] of Object.entries(times)) {
    const s = stats(ms);
    write(
      `${name}: median ${s.median.toFixed(2)} ms, p95 ${s.p95.toFixed(2)} ms over ${RUNS} runs; ` +
        `target 20 ms; median ratio ${(s.median / 20).toFixed(2)}`,
    );
  }
  write(`outbox rows queued: ${await app.services.store.outbox.outboxDepth()}`);
} finally {
  await app.close();
  await Deno.remove(dir, { recursive: true });
}
