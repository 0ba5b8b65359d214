/**
 * One view per request (issue 23): a Devices page from a fresh snapshot reads the person's
 * snapshot from the store once, writes the status history once, and reads dismissals and answers
 * once — counted on the store the app really uses, with the page cache in play (gzip accepted).
 *
 * @module
 */
import assert from "node:assert/strict";
import type { Store } from "../../engine/core/ports.ts";
import { startApp } from "../support/app.ts";

const SNAPSHOT_READS = ["snapshot", "snapshotStamp"] as const;
const COUNTED = [...SNAPSHOT_READS, "observe", "dismissed", "answers", "putSnapshot"] as const;

/** Wraps the store's counted methods; `calls` counts them from the last `reset()`. */
function counting(store: Store) {
  const calls: Record<string, number> = {};
  for (const name of COUNTED) {
    const original = store[name] as ((...args: unknown[]) => unknown) | undefined;
    if (original === undefined) continue;
    (store as unknown as Record<string, unknown>)[name] = (...args: unknown[]) => {
      calls[name] = (calls[name] ?? 0) + 1;
      return original.apply(store, args);
    };
  }
  return { calls, reset: () => COUNTED.forEach((n) => delete calls[n]) };
}

Deno.test("GET /devices from a fresh snapshot reads it once and writes the status history once", async () => {
  const app = await startApp();
  try {
    const { calls, reset } = counting(app.services.store);
    const cookie = await app.login("one-red@example.com");
    const first = await app.request("/", { cookie }); // the first view makes the snapshot
    assert.equal(first.status, 200);
    await first.body?.cancel();
    for (const encoding of ["identity", "gzip"]) {
      reset();
      const res = await app.request("/devices", {
        cookie,
        headers: { "Accept-Encoding": encoding },
      });
      assert.equal(res.status, 200);
      assert.ok((await res.arrayBuffer()).byteLength > 1000);
      const reads = SNAPSHOT_READS.reduce((n, m) => n + (calls[m] ?? 0), 0);
      assert.equal(reads, 1, `${encoding}: snapshot reads ${JSON.stringify(calls)}`);
      assert.equal(calls.observe, 1, `${encoding}: status history writes`);
      assert.equal(calls.dismissed, 1, `${encoding}: dismissal reads`);
      assert.equal(calls.answers, 1, `${encoding}: answer reads`);
      assert.equal(calls.putSnapshot, undefined, `${encoding}: no lookup, no snapshot written`);
    }
  } finally {
    await app.close();
  }
});
