/**
 * The coordination part of the Store contract (issue 24: shared rate limits and leases), run by
 * `store_contract.ts` against every store; two stores on one backend are tested in each store's
 * own test file, and two server processes in tests/e2e/shared_limits_test.ts.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { Store } from "../../engine/core/store_ports.ts";
import { at, type ContractStep } from "./store_contract.ts";
import { createRefreshQueue } from "../../engine/view/refresh_queue.ts";

const THREE_A_MINUTE = { requests: 3, perSeconds: 60 };

/** Registers the coordination steps through the contract's `step`. */
export async function coordinationContract(step: ContractStep): Promise<void> {
  await step("takeToken() allows a bucket's size at once, then one per refill", async (s) => {
    const takes = [];
    for (let i = 0; i < 4; i++) {
      takes.push(await s.coordination.takeToken("api\u0000192.0.2.1", THREE_A_MINUTE, at(0)));
    }
    assert.deepEqual(takes, [0, 0, 0, 20], "3 per 60 s: the next token comes in 20 s");
    assert.equal(await s.coordination.takeToken("api\u0000192.0.2.1", THREE_A_MINUTE, at(10)), 10);
    assert.equal(await s.coordination.takeToken("api\u0000192.0.2.1", THREE_A_MINUTE, at(20)), 0);
    assert.equal(await s.coordination.takeToken("api\u0000192.0.2.1", THREE_A_MINUTE, at(20)), 20);
    assert.equal(
      await s.coordination.takeToken("api\u0000192.0.2.2", THREE_A_MINUTE, at(20)),
      0,
      "per key",
    );
    assert.equal(await s.coordination.takeToken("login\u0000192.0.2.1", THREE_A_MINUTE, at(20)), 0);
  });

  await step("takeToken() refills to the bucket's size, not beyond", async (s) => {
    for (let i = 0; i < 3; i++) await s.coordination.takeToken("k", THREE_A_MINUTE, at(0));
    const later = [];
    for (let i = 0; i < 4; i++) {
      later.push(await s.coordination.takeToken("k", THREE_A_MINUTE, at(3600)));
    }
    assert.deepEqual(later, [0, 0, 0, 20]);
  });

  await step("takeLease() gives a lease to one holder until it ends or is released", async (s) => {
    const lease = (holder: string, now: number, until = now + 30) =>
      s.coordination.takeLease("duo-poller", holder, { until: at(until), now: at(now) });
    assert.equal(await lease("a", 0), true, "free: a takes it");
    assert.equal(await lease("b", 1), false, "a's runs until 30");
    assert.equal(await lease("a", 20), true, "a renews, until 50");
    assert.equal(await lease("b", 40), false);
    assert.equal(await lease("b", 50), true, "a's has ended: b takes it over");
    assert.equal(await lease("a", 51), false);
    await s.coordination.releaseLease("duo-poller", "a"); // not a's: nothing happens
    assert.equal(await lease("a", 52), false);
    await s.coordination.releaseLease("duo-poller", "b");
    assert.equal(await lease("a", 53), true, "released: a takes it at once");
    assert.equal(
      await s.coordination.takeLease("other", "b", { until: at(90), now: at(53) }),
      true,
      "per name",
    );
  });
}

/**
 * Two stores on one backend taking from one bucket and one lease at the same moment: exactly the
 * bucket's size is allowed, and exactly one holder gets the lease.
 */
export async function sharedCoordination(a: Store, b: Store): Promise<void> {
  const rate = { requests: 10, perSeconds: 3600 };
  const waits = await Promise.all(
    Array.from(
      { length: 24 },
      (_, i) => (i % 2 === 0 ? a : b).coordination.takeToken("k", rate, at(0)),
    ),
  );
  assert.equal(waits.filter((w) => w === 0).length, 10);
  const leases = await Promise.all(
    ["a", "b", "c", "d"].map((holder, i) =>
      (i % 2 === 0 ? a : b).coordination.takeLease("poller", holder, { until: at(60), now: at(0) })
    ),
  );
  assert.equal(leases.filter(Boolean).length, 1);
}

/**
 * Two processes' refresh queues (issue 24), each on its own store on one backend, with 6 stale
 * people each and one source allowing 4 lookups per hour: together they refresh exactly 4 people
 * at the start, and the rest wait for the shared bucket (the clock stays at the start: a wait
 * ends the test's queues).
 */
export async function sharedRefreshBudget(a: Store, b: Store): Promise<void> {
  const refreshed: string[] = [];
  let waiting = 0; // queues waiting for a token: once both wait, nothing more can start
  const queues = [a, b].map((store) =>
    createRefreshQueue({
      budgets: [{ source: "google", rate: { requests: 4, perSeconds: 3600 } }],
      tokens: store.coordination,
      now: () => at(0),
      sleep: (_ms, signal) => {
        waiting++;
        return new Promise((_resolve, reject) => signal.addEventListener("abort", reject));
      },
    })
  );
  for (let i = 0; i < 12; i++) {
    const key = `person${i}@example.com`;
    queues[i % 2]!.request(key, () => Promise.resolve(refreshed.push(key)));
  }
  for (let turn = 0; waiting < 2 && turn < 1000; turn++) {
    await new Promise((r) => setTimeout(r, 5));
  }
  for (const q of queues) q.stop();
  await Promise.all(queues.map((q) => q.idle()));
  assert.equal(waiting, 2, "both queues wait for the shared bucket");
  assert.equal(refreshed.length, 4, `refreshed: ${refreshed.join(", ")}`);
  assert.equal(queues[0]!.queued + queues[1]!.queued, 8);
}
