/**
 * `deno task bench:body`: the request-body limit on the real server (`main.ts serve`, demo mode,
 * the `start` task's permissions). Prints the largest demo sign-in form accepted (303) and the
 * first refused (413), then the server's resident memory (`VmRSS`, sampled every 50 ms) while
 * `BODY_CLIENTS` (default 20) raw TCP clients each try to send `BODY_MIB` (default 100) MiB to
 * `POST /login/demo` at once — half chunked, half with a `Content-Length` — and what each was
 * answered. Loopback only. Needs `--allow-all` to read the server's `/proc` entries.
 *
 * @module
 */
// deno-lint-ignore-file no-console
import { MAX_BODY_BYTES } from "../routes/guards/body_limit.ts";
import { startServer } from "../tests/support/server.ts";
import { mib, rssKiB } from "./proc.ts";
import { sleep } from "../lib/abort.ts";

const CLIENTS = Number(Deno.env.get("BODY_CLIENTS") ?? "20");
const BODY_BYTES = Number(Deno.env.get("BODY_MIB") ?? "100") * 1024 * 1024;
const WRITE = 64 * 1024;

/** Sends one huge body over a raw connection; returns the status line and the bytes written. */
async function hugeClient(
  host: string,
  port: number,
  chunked: boolean,
): Promise<{ status: string; written: number; seconds: number }> {
  const started = performance.now();
  const conn = await Deno.connect({ hostname: host, port });
  const head = [
    "POST /login/demo HTTP/1.1",
    `Host: ${host}:${port}`,
    `Origin: http://${host}:${port}`,
    "Content-Type: application/x-www-form-urlencoded",
    chunked ? "Transfer-Encoding: chunked" : `Content-Length: ${BODY_BYTES}`,
    "",
    "",
  ].join("\r\n");
  await conn.write(new TextEncoder().encode(head));
  const reading = (async () => {
    const buf = new Uint8Array(512);
    const n = await conn.read(buf).catch(() => null);
    return n ? new TextDecoder().decode(buf.subarray(0, n)).split("\r\n")[0]! : "(closed)";
  })();
  const data = new Uint8Array(WRITE).fill(0x61);
  const frame = chunked
    ? new Uint8Array([...new TextEncoder().encode(`${WRITE.toString(16)}\r\n`), ...data, 13, 10])
    : data;
  let written = 0;
  let answered = false;
  reading.then(() => answered = true);
  try {
    while (written < BODY_BYTES && !answered) {
      await conn.write(frame);
      written += WRITE;
    }
  } catch {
    // the server closed the connection after answering
  }
  const status = await reading;
  try {
    conn.close();
  } catch {
    // already closed
  }
  return { status, written, seconds: (performance.now() - started) / 1000 };
}

async function formStatus(base: string, bytes: number): Promise<number> {
  const start = new URLSearchParams({ email: "green@example.com", next: "/" }).toString() + "&p=";
  const res = await fetch(`${base}/login/demo`, {
    method: "POST",
    redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: base },
    body: start + "a".repeat(bytes - start.length),
  });
  await res.body?.cancel();
  return res.status;
}

async function main(): Promise<void> {
  const server = await startServer([]);
  try {
    const url = new URL(server.url);
    const base = url.origin;
    console.log(`limit: ${MAX_BODY_BYTES} bytes`);
    console.log(`form of ${MAX_BODY_BYTES} bytes: ${await formStatus(base, MAX_BODY_BYTES)}`);
    console.log(
      `form of ${MAX_BODY_BYTES + 1} bytes: ${await formStatus(base, MAX_BODY_BYTES + 1)}`,
    );
    const idle = await rssKiB(server.pid);
    let peak = idle;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        peak = Math.max(peak, await rssKiB(server.pid));
        await sleep(50);
      }
    })();
    const started = performance.now();
    const results = await Promise.all(
      Array.from(
        { length: CLIENTS },
        (_, i) => hugeClient(url.hostname, Number(url.port), i % 2 === 0),
      ),
    );
    const seconds = (performance.now() - started) / 1000;
    sampling = false;
    await sampler;
    const after = await rssKiB(server.pid);
    const statuses = new Map<string, number>();
    for (const r of results) statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
    const sent = results.reduce((n, r) => n + r.written, 0);
    console.log(
      `${CLIENTS} clients × ${mib(BODY_BYTES / 1024)} MiB (half chunked) in ${
        seconds.toFixed(1)
      } s`,
    );
    console.log(`answers: ${[...statuses].map(([s, n]) => `${n} × ${s}`).join(", ")}`);
    for (const [kind, even] of [["chunked", 0], ["Content-Length", 1]] as const) {
      const mine = results.filter((_, i) => i % 2 === even);
      const secs = mine.map((r) => r.seconds).sort((a, b) => a - b);
      const written = mine.reduce((n, r) => n + r.written, 0);
      console.log(
        `${kind}: ${mib(written / 1024)} MiB written, done after ${secs[0]!.toFixed(1)}–${
          secs.at(-1)!.toFixed(1)
        } s`,
      );
    }
    console.log(`bytes the clients got to write before the answer: ${mib(sent / 1024)} MiB`);
    console.log(
      `server RSS: idle ${mib(idle)} MiB, peak ${mib(peak)} MiB, after ${mib(after)} MiB`,
    );
    const health = await fetch(`${base}/healthz`);
    console.log(`/healthz afterwards: ${health.status}`);
    await health.body?.cancel();
  } finally {
    await server.stop();
  }
}

if (import.meta.main) await main();
