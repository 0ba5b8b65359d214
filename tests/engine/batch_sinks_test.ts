import assert from "node:assert/strict";
import { createLogger, type Level } from "../../config/log.ts";
import { createSinkFanOut } from "../../engine/batch/batch_sinks.ts";
import type { BatchResult, BatchSink } from "../../engine/core/ports.ts";

function recorder(): {
  lines: { level: Level; msg: string; sink: unknown }[];
  log: ReturnType<typeof createLogger>;
} {
  const lines: { level: Level; msg: string; sink: unknown }[] = [];
  const log = createLogger({
    level: "debug",
    sink: (level, line) => {
      const o = JSON.parse(line);
      lines.push({ level, msg: o.msg, sink: o.sink });
    },
  });
  return { lines, log };
}

const FRY: BatchResult = { email: "fry@example.com", devices: [] };
const LEELA: BatchResult = { email: "leela@example.com", devices: [] };

Deno.test("createSinkFanOut() posts to every sink, counts a failing one and logs it once", async () => {
  const posted: string[] = [];
  const ok: BatchSink = {
    name: "ok_sink",
    timeoutMs: null,
    post: (r) => {
      posted.push(`ok_sink:${r.email}`);
      return Promise.resolve();
    },
  };
  const broken: BatchSink = {
    name: "broken",
    timeoutMs: null,
    post: (r) => {
      posted.push(`broken:${r.email}`);
      return Promise.reject(new Error("disk full"));
    },
  };
  const { lines, log } = recorder();
  const fanOut = createSinkFanOut([ok, broken], log);
  await fanOut.post(FRY);
  await fanOut.post(LEELA);
  assert.deepEqual(posted, [
    "ok_sink:fry@example.com",
    "broken:fry@example.com",
    "ok_sink:leela@example.com",
    "broken:leela@example.com",
  ]);
  assert.deepEqual(lines, [{ level: "warn", msg: "batch sink failed", sink: "broken" }]);
  assert.deepEqual(await fanOut.finish(2), {
    lines: ["ok_sink: 2 people posted, 0 failed", "broken: 0 people posted, 2 failed"],
    failedForEveryone: true,
    lost: 0,
  });
});

Deno.test("createSinkFanOut() asks each summary once after the last post, keeping no result, and reports a failed summary", async () => {
  const seen: string[] = [];
  const summary: BatchSink = {
    name: "restful",
    timeoutMs: null,
    post: (r) => (seen.push(r.email), Promise.resolve()),
    summary: () => Promise.resolve(`${seen.length} people sent`),
  };
  const failing: BatchSink = {
    name: "later",
    timeoutMs: null,
    summary: () => Promise.reject(new Error("HTTP 503")),
  };
  const fanOut = createSinkFanOut([summary, failing], recorder().log);
  await fanOut.post(FRY);
  await fanOut.post(LEELA);
  const out = await fanOut.finish(2);
  assert.deepEqual(seen, ["fry@example.com", "leela@example.com"]);
  assert.deepEqual(out, {
    lines: [
      "restful: 2 people posted, 0 failed",
      "restful: 2 people sent",
      "later: FAILED: HTTP 503",
    ],
    failedForEveryone: true,
    lost: 0,
  });
});

Deno.test("createSinkFanOut() with a sink failing for some people only does not fail the run", async () => {
  const flaky: BatchSink = {
    name: "flaky",
    timeoutMs: null,
    post: (r) => r === FRY ? Promise.reject(new Error("once")) : Promise.resolve(),
  };
  const fanOut = createSinkFanOut([flaky], recorder().log);
  await fanOut.post(FRY);
  await fanOut.post(LEELA);
  assert.deepEqual(await fanOut.finish(2), {
    lines: ["flaky: 1 people posted, 1 failed"],
    failedForEveryone: false,
    lost: 0,
  });
});
