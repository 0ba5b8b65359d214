/**
 * The real server (`main.ts serve`, demo mode) under `ulimit -n 256`, with 300 idle loopback
 * connections: it refuses what it cannot hold, stays up, and serves again once they close.
 */
import assert from "node:assert/strict";
import { startServer } from "../support/server.ts";

const LIMIT = 256;
const IDLE = 300;

/** `GET /healthz` on a fresh connection; the status, or the error's name. */
async function health(url: string): Promise<number | string> {
  try {
    const res = await fetch(`${url}/healthz`, { headers: { Connection: "close" } });
    await res.body?.cancel();
    return res.status;
  } catch (error: unknown) {
    return (error as Error).name;
  }
}

Deno.test("serve keeps running when connections exhaust its file descriptors, and serves again as they close", async () => {
  const server = await startServer([], { maxDescriptors: LIMIT });
  const conns: Deno.TcpConn[] = [];
  try {
    assert.equal(await health(server.url), 200);
    const { hostname, port } = new URL(server.url);
    for (let i = 0; i < IDLE; i++) {
      try {
        conns.push(await Deno.connect({ hostname, port: Number(port) }));
      } catch {
        // refused while the listener is closed: expected
      }
    }
    let seen = server.lineCount();
    for (const c of conns) c.close();
    conns.length = 0;
    // Serving again takes the listener's back-off: when a request fails, wait for the server to
    // say it listens again (counted attempts, no clock).
    let status: number | string = await health(server.url);
    for (let attempt = 0; attempt < 20 && status !== 200; attempt++) {
      await server.lineWith('"msg":"listening again"', seen);
      seen = server.lineCount();
      status = await health(server.url);
    }
    assert.equal(status, 200);
    // The listener was lost and reopened on the same address (the warning itself goes to stderr).
    const again = server.lines.filter((l) => l.includes('"msg":"listening again"'));
    assert.ok(again.length >= 1, server.lines.slice(-5).join("\n"));
    assert.ok(again.every((l) => l.includes(`"address":"${server.url}"`)), again.join("\n"));
  } finally {
    for (const c of conns) c.close();
    // Exit code 0 after SIGTERM: the process ran until told to stop, it did not crash.
    assert.equal(await server.stop(), 0);
  }
});
