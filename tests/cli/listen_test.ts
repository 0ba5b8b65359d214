import assert from "node:assert/strict";
import { outOfDescriptors, type ServeFn, serveResilient } from "../../cli/listen.ts";
import { createLogger } from "../../config/log.ts";

const EMFILE = new Error("Http: Error: Too many open files (os error 24)");

/** A fake `Deno.serve`: each call takes the next planned outcome and records its options. */
function fakeServe(plan: ("fails" | "serves")[], port = 4321) {
  const calls: { port: number; hostname: string }[] = [];
  const servers: { end: () => void; fail: (e: Error) => void; shutdowns: number }[] = [];
  const serve: ServeFn = (options) => {
    calls.push({ port: options.port, hostname: options.hostname });
    if (plan.shift() === "fails") throw EMFILE;
    let end!: () => void;
    let fail!: (e: Error) => void;
    const finished = new Promise<void>((resolve, reject) => {
      end = resolve;
      fail = reject;
    });
    const record = { end, fail, shutdowns: 0 };
    servers.push(record);
    options.onListen({ transport: "tcp", hostname: options.hostname, port: options.port || port });
    return {
      finished,
      shutdown: () => {
        record.shutdowns++;
        end();
        return finished;
      },
    };
  };
  return { serve, calls, servers };
}

function recorder() {
  const lines: { level: string; msg: string; retry_ms?: number }[] = [];
  const log = createLogger({ level: "debug", sink: (_, line) => lines.push(JSON.parse(line)) });
  const pauses: number[] = [];
  const sleep = (ms: number) => {
    pauses.push(ms);
    return Promise.resolve();
  };
  return { lines, log, pauses, sleep };
}

Deno.test("outOfDescriptors() knows EMFILE and ENFILE and nothing else", () => {
  assert.equal(outOfDescriptors(EMFILE), true);
  assert.equal(outOfDescriptors(new Error("Too many open files in system (os error 23)")), true);
  assert.equal(outOfDescriptors(new Deno.errors.AddrInUse("Address in use (os error 98)")), false);
  assert.equal(outOfDescriptors("os error 240"), false);
});

Deno.test("serveResilient() reopens the listener on the port it got when descriptors run out", async () => {
  const fake = fakeServe(["serves", "fails", "fails", "serves"]);
  const rec = recorder();
  const listened: number[] = [];
  const server = await serveResilient(() => new Response("ok"), {
    port: 0,
    hostname: "127.0.0.1",
    log: rec.log,
    serve: fake.serve,
    sleep: rec.sleep,
    onListen: (addr) => listened.push(addr.port),
  });
  fake.servers[0]!.fail(EMFILE);
  // Let the loop see the failure and reopen (three serve calls after the first).
  for (let i = 0; i < 20 && fake.servers.length < 2; i++) await Promise.resolve();
  assert.deepEqual(fake.calls, [
    { port: 0, hostname: "127.0.0.1" },
    { port: 4321, hostname: "127.0.0.1" },
    { port: 4321, hostname: "127.0.0.1" },
    { port: 4321, hostname: "127.0.0.1" },
  ]);
  assert.deepEqual(rec.pauses, [100, 200, 400]);
  assert.deepEqual(listened, [4321], "onListen once, for the first listener");
  assert.deepEqual(rec.lines.map((l) => [l.level, l.msg]), [
    ["warn", "out of file descriptors"],
    ["info", "listening again"],
  ]);
  await server.shutdown();
  await server.finished;
  assert.equal(fake.servers[1]!.shutdowns, 1);
  assert.equal(fake.servers[0]!.shutdowns, 0);
});

Deno.test("serveResilient() waits for descriptors to open its first listener", async () => {
  const fake = fakeServe(["fails", "fails", "serves"]);
  const rec = recorder();
  const server = await serveResilient(() => new Response("ok"), {
    port: 8000,
    hostname: "0.0.0.0",
    log: rec.log,
    serve: fake.serve,
    sleep: rec.sleep,
  });
  assert.equal(fake.calls.length, 3);
  assert.deepEqual(rec.pauses, [100, 200]);
  await server.shutdown();
  await server.finished;
});

Deno.test("serveResilient() ends on any other failure, as Deno.serve does", async () => {
  const rec = recorder();
  const inUse = fakeServe([]);
  const refused = (() => {
    throw new Deno.errors.AddrInUse("Address already in use (os error 98)");
  }) as ServeFn;
  await assert.rejects(
    serveResilient(() => new Response("ok"), {
      port: 8000,
      hostname: "0.0.0.0",
      log: rec.log,
      serve: refused,
      sleep: rec.sleep,
    }),
    Deno.errors.AddrInUse,
  );
  const server = await serveResilient(() => new Response("ok"), {
    port: 8000,
    hostname: "0.0.0.0",
    log: rec.log,
    serve: inUse.serve,
    sleep: rec.sleep,
  });
  inUse.servers[0]!.fail(new Error("Http: connection reset"));
  await assert.rejects(server.finished, /connection reset/);
  assert.equal(inUse.calls.length, 1);
  assert.deepEqual(rec.pauses, []);
});
