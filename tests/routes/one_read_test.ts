/**
 * Store round trips per page view (issues 23 and 24): every call the app makes to the store it
 * really uses is counted while a signed-in person views a page from their fresh snapshot, with
 * gzip accepted as a browser sends it. A page view reads the session's revocation, then the
 * person's snapshot, status history, dismissals and answers in one combined read
 * (`store.personReads.read`); it writes the status history (one `observe`) only when a status
 * changed. Accounts and Activity, which show no "failing since", read and write none.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { Store } from "../../engine/core/store_ports.ts";
import { startApp, type TestApp } from "../support/app.ts";

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
 * Every page: the session's revocation (session middleware), and one read of the snapshot (its
 * stamp and content), the status history of the person's devices, dismissals and answers (the
 * badge's to-do count, and the Activity page's answers). No status changed, so no `observe`; no
 * lookup, so no snapshot written. Two round trips: issue 24's target.
 */
const PER_VIEW = { isRevoked: 1, read: 1 };

Deno.test("Overview, Devices, Accounts and Activity from a fresh snapshot each make two store calls: the session and one read", async () => {
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

/**
 * One-red signed in, viewed once (the snapshot and the history), and then another status of one
 * of their practices recorded, as another process or last night's batch would.
 *
 * @returns the session, the practice's observation key, its row before and the other status
 */
async function statusChangedSince(app: TestApp) {
  const store = app.services.store;
  const cookie = await app.login("one-red@example.com");
  await (await app.request("/devices", { cookie })).body?.cancel();
  const [key, row] = [...(await store.personReads.read("one-red@example.com")).statuses][0]!;
  const [device, practice] = key.split("\u0000") as [string, string];
  const other = row.status === "ok" ? "warn" : "ok";
  await store.statuses.observe([{ device, practice, status: other, since: row.seenAt }]);
  return { cookie, key, row, other };
}

Deno.test("a view whose device changed status records it once, and the next view writes nothing", async () => {
  const app = await startApp();
  try {
    const store = app.services.store;
    const { cookie, key, row } = await statusChangedSince(app);
    const { calls, reset } = counting(store);
    for (const expected of [{ ...PER_VIEW, observe: 1 }, PER_VIEW]) {
      reset();
      const res = await app.request("/devices", { cookie });
      assert.equal(res.status, 200);
      await res.body?.cancel();
      assert.deepEqual({ ...calls }, expected);
    }
    const back = (await store.personReads.read("one-red@example.com")).statuses.get(key);
    assert.deepEqual(back, row, "the view's status is the recorded one again, since as before");
  } finally {
    await app.close();
  }
});

Deno.test("Accounts and Activity read and record no status history; their badge counts what the Overview's does", async () => {
  const app = await startApp();
  try {
    const store = app.services.store;
    const { cookie, key, other } = await statusChangedSince(app);
    // a view with history would record the other status
    const asked: unknown[] = [];
    const read = store.personReads.read.bind(store.personReads);
    store.personReads.read = (email, options) => {
      asked.push(options);
      return read(email, options);
    };
    const { calls, reset } = counting(store);
    const badge = (html: string) => /<a href="\/"[^>]*>Overview <[^>]*>(\d+)</.exec(html)?.[1];
    const badges: Record<string, string | undefined> = {};
    for (const path of ["/accounts", "/activity"]) {
      reset();
      asked.length = 0;
      const res = await app.request(path, { cookie });
      assert.equal(res.status, 200);
      badges[path] = badge(await res.text());
      assert.deepEqual({ ...calls }, PER_VIEW, path);
      assert.deepEqual(asked, [{ statuses: false }], path);
    }
    assert.equal(
      (await store.personReads.read("one-red@example.com")).statuses.get(key)?.status,
      other,
      "nothing recorded: the other status stands",
    );
    const overview = await app.request("/", { cookie });
    badges["/"] = badge(await overview.text());
    assert.deepEqual(badges, { "/accounts": "2", "/activity": "2", "/": "2" });
  } finally {
    await app.close();
  }
});
