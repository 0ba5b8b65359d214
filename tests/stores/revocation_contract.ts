/**
 * The revocation part of the Store contract (signed-out sessions, used sign-in states), run by
 * `store_contract.ts` against every store.
 *
 * @module
 */
import assert from "node:assert/strict";
import { at, type ContractStep } from "./store_contract.ts";

/** Registers the revocation steps through the contract's `step`. */
export async function revocationContract(step: ContractStep): Promise<void> {
  await step("revoke() refuses an id until its expiry, then forgets it", async (s) => {
    assert.equal(await s.revocations.isRevoked("session:a", at(0)), false);
    assert.equal(await s.revocations.revoke("session:a", { until: at(100), now: at(0) }), true);
    assert.equal(await s.revocations.isRevoked("session:a", at(0)), true);
    assert.equal(await s.revocations.isRevoked("session:a", at(99)), true);
    assert.equal(await s.revocations.isRevoked("session:a", at(100)), false, "ends at `until`");
    assert.equal(
      await s.revocations.isRevoked("session:b", at(0)),
      false,
      "other ids are untouched",
    );
  });

  await step("revoke() is single-use: a second revoke of a live id answers false", async (s) => {
    assert.equal(await s.revocations.revoke("oidc-state:x", { until: at(600), now: at(0) }), true);
    assert.equal(
      await s.revocations.revoke("oidc-state:x", { until: at(900), now: at(10) }),
      false,
    );
    assert.equal(
      await s.revocations.isRevoked("oidc-state:x", at(700)),
      false,
      "the first `until` holds",
    );
    assert.equal(
      await s.revocations.revoke("oidc-state:x", { until: at(1200), now: at(700) }),
      true,
      "an expired revocation can be taken again",
    );
    assert.equal(await s.revocations.isRevoked("oidc-state:x", at(1100)), true);
  });

  await step("pruneRevoked() removes only ended revocations", async (s) => {
    await s.revocations.revoke("old", { until: at(10), now: at(0) });
    await s.revocations.revoke("live", { until: at(1000), now: at(0) });
    assert.equal(await s.revocations.pruneRevoked(at(10)), 1);
    assert.equal(await s.revocations.isRevoked("live", at(10)), true);
    assert.equal(await s.revocations.pruneRevoked(at(10)), 0);
  });
}
