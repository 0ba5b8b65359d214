/**
 * Store round trips per page view (issues 23 and 24): every call the app makes to the store it
 * really uses is counted while a signed-in person views a page from their fresh snapshot, with
 * gzip accepted as a browser sends it. A page view reads the session's revocation, the person's
 * snapshot once, writes the status history once, reads the person's exemptions once (issue 26),
 * and reads dismissals and answers once (the navigation badge counts the Overview's to-do items,
 * alerts included).
 *
 * @module
 */
import assert from "node:assert/strict";
import type { Store } from "../../engine/core/store_ports.ts";
import { startApp } from "../support/app.ts";

/** Wraps every method of every concern of `store`; `calls` counts them by name from the last `reset()`. */
function counting(store: Store) {
  const calls: Record<string, number> = {};
  for (const part of Object.values(store)) {
    if (typeof part !== "object" || part === null) continue;
    const record = part as Record<string, unknown>;
    for (const [name, original] of Object.entries(record)) {
      if (typeof original !== "function") continue;
      record[name] = (...args: unknown[]) => {
        calls[name] = (calls[name] ?? 0) + 1;
        return original.apply(part, args);
      };
    }
  }
  return { calls, reset: () => Object.keys(calls).forEach((n) => delete calls[n]) };
}

/**
 * Every page: the session's revocation (session middleware), the snapshot (its stamp and content
 * from one read), the status history (one `observe`, which writes only when a status changed),
 * the person's exemptions (issue 26: what the view waives), dismissals and answers (the badge's
 * to-do count, and the Activity page's answers). No lookup, so no snapshot written. Six round
 * trips: issue 24's target of two is not met yet.
 */
const PER_VIEW = {
  isRevoked: 1,
  snapshotStamp: 1,
  observe: 1,
  exemptionsFor: 1,
  dismissed: 1,
  answers: 1,
};

Deno.test("Overview, Devices, Accounts and Activity from a fresh snapshot each make six store calls, each read once", async () => {
  const app = await startApp();
  try {
    const { calls, reset } = counting(app.services.store);
    const cookie = await app.login("one-red@example.com");
    const first = await app.request("/", { cookie }); // the first view makes the snapshot
    assert.equal(first.status, 200);
    await first.body?.cancel();
    for (const path of ["/", "/devices", "/accounts", "/activity"]) {
      reset();
      const res = await app.request(path, { cookie, headers: { "Accept-Encoding": "gzip" } });
      assert.equal(res.status, 200);
      assert.ok((await res.arrayBuffer()).byteLength > 500);
      assert.deepEqual({ ...calls }, PER_VIEW, path);
    }
  } finally {
    await app.close();
  }
});
