/**
 * Per-address rate limits count an IPv6 client by its /64 (issue 24): one host is given a /64
 * at least, so keyed by the full address it could send from 2^64 addresses with a fresh bucket
 * each. An IPv4-mapped IPv6 address (`::ffff:203.0.113.9`, what a dual-stack socket reports for
 * an IPv4 client) counts as its IPv4 address. Checked in this process's buckets and in the
 * buckets every process shares in the store (SQLite in memory). Addresses from the documentation
 * ranges of RFC 3849 (2001:db8::/32) and RFC 5737 (203.0.113.0/24).
 *
 * @module
 */
import assert from "node:assert/strict";
import { Hono } from "hono";
import { silentLogger } from "../../config/log.ts";
import type { CoordinationStore } from "../../engine/core/store_ports.ts";
import { bucketKey } from "../../routes/guards/proxies.ts";
import { rateLimits } from "../../routes/guards/rate_limit.ts";
import { createSqliteStore } from "../../plugins/stores/sqlite.ts";

/**
 * An app allowing two sign-ins an hour per address (in the store when `shared` is given), and a
 * function answering the status of a sign-in from each address, in order.
 */
function withClientHeader(shared?: Pick<CoordinationStore, "takeToken">) {
  const app = new Hono();
  app.use(rateLimits({
    login: { requests: 2, perSeconds: 3600 },
    api: { requests: 2, perSeconds: 3600 },
    clientOf: () => current,
    nowMs: () => 0,
    ...(shared ? { shared } : {}),
  }));
  app.get("/login", (c) => c.text("sign in"));
  let current = "";
  return async (...addresses: string[]): Promise<number[]> => {
    const statuses = [];
    for (const address of addresses) {
      current = address;
      const res = await app.request("/login");
      await res.body?.cancel();
      statuses.push(res.status);
    }
    return statuses;
  };
}

Deno.test("bucketKey(): IPv6 by its /64, IPv4-mapped as IPv4, the rest as it is", () => {
  assert.equal(bucketKey("2001:db8:0:1::1"), "2001:db8:0:1::/64");
  assert.equal(bucketKey("2001:db8:0:1:ffff:ffff:ffff:ffff"), "2001:db8:0:1::/64");
  assert.equal(bucketKey("2001:0db8:0000:0001:0000:0000:0000:0009"), "2001:db8:0:1::/64");
  assert.equal(bucketKey("[2001:db8:0:1::1]"), "2001:db8:0:1::/64");
  assert.equal(bucketKey("fe80::1%eth0"), "fe80::/64");
  assert.equal(bucketKey("2001:db8:0:2::1"), "2001:db8:0:2::/64");
  assert.equal(bucketKey("::1"), "::/64");
  assert.equal(bucketKey("::ffff:203.0.113.9"), "203.0.113.9");
  assert.equal(bucketKey("203.0.113.9"), "203.0.113.9");
  assert.equal(bucketKey("unknown"), "unknown");
  assert.equal(bucketKey("not:an:address"), "not:an:address");
});

for (const where of ["this process", "the shared store"] as const) {
  Deno.test(`rate limits in ${where}: one /64 shares a bucket, another /64 has its own, ::ffff:203.0.113.9 is 203.0.113.9`, async (t) => {
    const store = where === "the shared store"
      ? await createSqliteStore({ path: ":memory:", log: silentLogger, now: () => new Date(0) })
      : null;
    const signIns = withClientHeader(store?.coordination);
    try {
      await t.step("two addresses in one /64 share its two sign-ins", async () => {
        assert.deepEqual(
          await signIns("2001:db8:0:1::1", "2001:db8:0:1:aaaa::2", "2001:db8:0:1:bbbb::3"),
          [200, 200, 429],
        );
      });
      await t.step("another /64 of the same /48 has its own bucket", async () => {
        assert.deepEqual(await signIns("2001:db8:0:2::1", "2001:db8:0:2::1"), [200, 200]);
        assert.deepEqual(await signIns("2001:db8:0:2::ffff"), [429]);
      });
      await t.step("an IPv4-mapped IPv6 address counts as its IPv4 address", async () => {
        assert.deepEqual(
          await signIns("::ffff:203.0.113.9", "203.0.113.9", "::ffff:203.0.113.9"),
          [200, 200, 429],
        );
        assert.deepEqual(await signIns("203.0.113.10"), [200]);
      });
    } finally {
      await store?.close();
    }
  });
}
