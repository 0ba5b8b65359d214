/**
 * The snapshot part of the Store contract (issue 13), run by `store_contract.ts` against every
 * store: a person's snapshot comes back exactly as saved (dates as dates), keyed
 * case-insensitively, replaced by the next one, and deleted once the person has not been seen for
 * the retention period.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { PersonSnapshot } from "../../engine/view/snapshots.ts";
import { at, type ContractStep, event } from "./store_contract.ts";

/** A snapshot with a date in every place a record, account or event has one. */
export function snapshotOf(email: string, collectedAt: Date): PersonSnapshot {
  return {
    email,
    collectedAt,
    devices: {
      items: [{
        source: "jamf",
        name: "fry-mbp",
        last_sync: at(-3600),
        hw_release_date: null,
        practices: {
          encryption: { value: true, last_updated: at(-7200), details: "2024-01-01" },
        },
        identifiers: { serial: "C02FRY", mac_addresses: ["AA:BB:CC:DD:EE:FF"] },
        software: { last_scan_date: at(-60), installed: [{ name: "Zoom", version: "6.1" }] },
      }],
      errors: [{
        source: "landesk",
        operation: "devicesByEmail",
        kind: "timeout",
        message: "slow",
      }],
    },
    accounts: {
      items: [{
        name: email,
        type: "Google",
        source: "google",
        user_usage: { last_login: at(-10), is2fa: true },
        last_updated: at(-5),
      }],
      errors: [],
    },
    events: {
      items: [event({ id: "e1", timestamp: at(-30) })],
      errors: [],
    },
  };
}

/** Registers the snapshot steps through the contract's `step`. */
export async function snapshotContract(step: ContractStep): Promise<void> {
  await step("snapshot() answers null for someone never looked up", async (store) => {
    assert.equal(await store.snapshots.snapshot("nobody@example.com"), null);
    assert.equal(await store.snapshots.snapshotCount(), 0);
  });

  await step(
    "a snapshot comes back as saved, dates as Dates, under any letter case",
    async (s) => {
      const saved = snapshotOf("fry@example.com", at(0));
      await s.snapshots.putSnapshot(saved);
      const got = await s.snapshots.snapshot("FRY@Example.com");
      assert.deepEqual(got, { ...saved, seenAt: at(0) });
      assert.ok(got!.devices.items[0]!.last_sync instanceof Date);
      // a string that looks like a date stays a string
      assert.equal(got!.devices.items[0]!.practices!.encryption!.details, "2024-01-01");
    },
  );

  await step(
    "the next snapshot replaces the previous one; batch ones may lack accounts",
    async (s) => {
      await s.snapshots.putSnapshot(snapshotOf("fry@example.com", at(0)));
      const batch = { ...snapshotOf("fry@example.com", at(60)), accounts: null, events: null };
      await s.snapshots.putSnapshot(batch);
      assert.deepEqual(await s.snapshots.snapshot("fry@example.com"), { ...batch, seenAt: at(60) });
      assert.equal(await s.snapshots.snapshotCount(), 1);
    },
  );

  await step(
    "a kept snapshot after a failed refresh counts the person as seen then",
    async (s) => {
      const kept = {
        ...snapshotOf("fry@example.com", at(0)),
        failedRefresh: {
          at: at(600),
          errors: [{
            source: "jamf",
            operation: "devicesByEmail",
            kind: "error" as const,
            message: "JAMF answered 500",
          }],
        },
      };
      await s.snapshots.putSnapshot(kept);
      assert.deepEqual(await s.snapshots.snapshot("fry@example.com"), { ...kept, seenAt: at(600) });
    },
  );

  await step(
    "snapshotStamp() has one version per content, whatever the time or letter case",
    async (s) => {
      assert.ok(
        s.snapshots.snapshotStamp,
        "both stores stamp snapshots (every page view reads it)",
      );
      assert.equal(await s.snapshots.snapshotStamp("nobody@example.com"), null);
      const saved = snapshotOf("fry@example.com", at(0));
      await s.snapshots.putSnapshot(saved);
      const first = await s.snapshots.snapshotStamp("FRY@example.com");
      assert.deepEqual(first && { ...first, version: "", snapshot: undefined }, {
        collectedAt: at(0),
        seenAt: at(0),
        version: "",
        snapshot: undefined,
      });
      // the stamp's own read decodes to the snapshot, so a request reads it once
      assert.deepEqual(first?.snapshot?.(), await s.snapshots.snapshot("fry@example.com"));
      await s.snapshots.markSnapshotSeen("fry@example.com", at(900)); // seen is not content
      await s.snapshots.putSnapshot(saved); // the same content again
      assert.equal((await s.snapshots.snapshotStamp("fry@example.com"))?.version, first?.version);
      const renamed = structuredClone(saved);
      renamed.devices.items[0]!.name = "fry-mini";
      await s.snapshots.putSnapshot(renamed); // other content, same collection time
      assert.notEqual(
        (await s.snapshots.snapshotStamp("fry@example.com"))?.version,
        first?.version,
      );
    },
  );

  await step("pruneSnapshots() deletes people not seen since the cut-off only", async (s) => {
    await s.snapshots.putSnapshot(snapshotOf("fry@example.com", at(0)));
    await s.snapshots.putSnapshot(snapshotOf("leela@example.com", at(0)));
    await s.snapshots.putSnapshot(snapshotOf("bender@example.com", at(500)));
    await s.snapshots.markSnapshotSeen("LEELA@example.com", at(900));
    assert.equal(await s.snapshots.pruneSnapshots(at(400)), 1);
    assert.equal(await s.snapshots.snapshot("fry@example.com"), null);
    assert.deepEqual((await s.snapshots.snapshot("leela@example.com"))?.seenAt, at(900));
    assert.deepEqual((await s.snapshots.snapshot("bender@example.com"))?.collectedAt, at(500));
    assert.equal(await s.snapshots.snapshotCount(), 2);
    await s.snapshots.markSnapshotSeen("gone@example.com", at(900)); // nobody there: no error
  });
}
