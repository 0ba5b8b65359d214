import assert from "node:assert/strict";
import { silentLogger } from "../../config/log.ts";
import { composeStore, type StoreParts } from "../../plugins/stores/compose.ts";
import { createSqliteStore } from "../../plugins/stores/sqlite.ts";

/** The parts of a real store, each member taken back from the composed result. */
async function partsOfSqlite(): Promise<StoreParts> {
  const s = await createSqliteStore({ path: ":memory:", log: silentLogger });
  return {
    feedback: {
      dismiss: s.dismiss,
      dismissed: s.dismissed,
      recordFeedback: s.recordFeedback,
      answers: s.answers,
    },
    outbox: {
      dueOutbox: s.dueOutbox,
      markDelivered: s.markDelivered,
      markFailed: s.markFailed,
      outboxDepth: s.outboxDepth,
    },
    events: {
      putEvents: s.putEvents,
      eventsFor: s.eventsFor,
      latestEventTime: s.latestEventTime,
      pruneEvents: s.pruneEvents,
    },
    statuses: { observe: s.observe },
    batchRuns: { saveBatchRun: s.saveBatchRun, batchRuns: s.batchRuns },
    revocations: { revoke: s.revoke, isRevoked: s.isRevoked, pruneRevoked: s.pruneRevoked },
    snapshots: {
      putSnapshot: s.putSnapshot,
      snapshot: s.snapshot,
      markSnapshotSeen: s.markSnapshotSeen,
      pruneSnapshots: s.pruneSnapshots,
      snapshotCount: s.snapshotCount,
    },
    releaseFeeds: { releaseFeed: s.releaseFeed, putReleaseFeed: s.putReleaseFeed },
    coordination: {
      takeToken: s.takeToken,
      takeLease: s.takeLease,
      releaseLease: s.releaseLease,
    },
    nudges: {
      nudgeHistory: s.nudgeHistory,
      queueNudge: s.queueNudge,
      takeDueNudges: s.takeDueNudges,
      markNudgeSent: s.markNudgeSent,
      markNudgeFailed: s.markNudgeFailed,
      snoozeNudgeItem: s.snoozeNudgeItem,
      setCriticalOnly: s.setCriticalOnly,
      nudgesSince: s.nudgesSince,
    },
    close: s.close,
  };
}

Deno.test("composeStore() gives every member of every part, and works detached from `this`", async () => {
  const parts = await partsOfSqlite();
  const store = composeStore("memory", parts);
  try {
    assert.equal(store.kind, "memory");
    assert.deepEqual(
      Object.keys(store).sort(),
      ["kind", "close", ...Object.values(parts).flatMap((p) => Object.keys(p))].sort(),
    );
    const { dismiss, dismissed } = store;
    await dismiss("fry@example.com", "n1", new Date(0));
    assert.deepEqual([...await dismissed("fry@example.com")], ["n1"]);
  } finally {
    await store.close();
  }
});

Deno.test("composeStore() refuses a member given by two parts", async () => {
  const parts = await partsOfSqlite();
  try {
    assert.throws(
      () =>
        composeStore("memory", {
          ...parts,
          statuses: { ...parts.statuses, ...{ dismiss: parts.feedback.dismiss } },
        }),
      { name: "TypeError", message: 'Store member "dismiss" is given twice (again by "statuses")' },
    );
  } finally {
    await parts.close();
  }
});

Deno.test("composeStore() refuses a part whose methods live on a prototype (they would not copy)", async () => {
  const parts = await partsOfSqlite();
  class Statuses {
    observe(): Promise<Map<string, Date>> {
      return Promise.resolve(new Map());
    }
  }
  try {
    assert.throws(
      () => composeStore("memory", { ...parts, statuses: new Statuses() }),
      { name: "TypeError", message: 'Store part "statuses" must be a plain object of closures' },
    );
  } finally {
    await parts.close();
  }
});
