/**
 * The default log sink (`stdSink`): info lines of one turn of the event loop reach stdout together,
 * in order, in one write; a warning first writes what was gathered, then itself on stderr.
 *
 * @module
 */
import assert from "node:assert/strict";
import { createLogger, flushLog } from "../../config/log.ts";

/** Replaces stdout's and stderr's `writeSync` with recorders while `run` runs. */
async function recording(
  run: (writes: [string, string][]) => Promise<void>,
): Promise<[string, string][]> {
  const writes: [string, string][] = [];
  const decoder = new TextDecoder();
  const out = Deno.stdout.writeSync;
  const err = Deno.stderr.writeSync;
  Deno.stdout.writeSync = (p: Uint8Array) => (writes.push(["out", decoder.decode(p)]), p.length);
  Deno.stderr.writeSync = (p: Uint8Array) => (writes.push(["err", decoder.decode(p)]), p.length);
  try {
    await run(writes);
    flushLog();
  } finally {
    Deno.stdout.writeSync = out;
    Deno.stderr.writeSync = err;
  }
  return writes;
}

const msgs = (text: string) => text.trim().split("\n").map((l) => JSON.parse(l).msg);

Deno.test("stdSink writes the info lines of one turn in one write, in order", async () => {
  const log = createLogger({ level: "info" });
  const writes = await recording(async (written) => {
    log.info("request", { path: "/" });
    log.info("data access");
    log.debug("not shown at info");
    assert.equal(written.length, 0, "nothing written within the turn");
    await new Promise((resolve) => setTimeout(resolve, 0));
  });
  assert.deepEqual(writes.map(([to, text]) => [to, msgs(text)]), [
    ["out", ["request", "data access"]],
  ]);
});

Deno.test("stdSink writes gathered info lines before a warning, which goes to stderr at once", async () => {
  const log = createLogger({ level: "info" });
  const writes = await recording(() => {
    log.info("first");
    log.warn("store unavailable");
    log.info("after");
    return Promise.resolve();
  });
  assert.deepEqual(writes.map(([to, text]) => [to, msgs(text)]), [
    ["out", ["first"]],
    ["err", ["store unavailable"]],
    ["out", ["after"]],
  ]);
});
