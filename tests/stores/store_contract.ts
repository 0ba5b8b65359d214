/**
 * The behaviour every `Store` implementation must show, run against each of them: the one
 * contract both stores pass, with its revocation (revocation_contract.ts), snapshot
 * (snapshot_contract.ts), person read (person_read_contract.ts) and coordination
 * (coordination_contract.ts) parts.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { BatchRunSummary, Store } from "../../engine/core/store_ports.ts";
import type { AccessEvent } from "../../engine/core/types.ts";
import { coordinationContract } from "./coordination_contract.ts";
import { deviceRowContract } from "./device_row_contract.ts";
import { nudgeContract } from "./nudge_contract.ts";
import { securityContract } from "./security_contract.ts";
import { personReadContract } from "./person_read_contract.ts";
import { revocationContract } from "./revocation_contract.ts";
import { snapshotContract } from "./snapshot_contract.ts";

const T0 = new Date("2024-03-01T10:00:00.000Z");

/** A time `s` seconds after the contract's reference instant. */
export function at(s: number): Date {
  return new Date(T0.getTime() + s * 1000);
}

/** A sign-in event for the contract. */
export function event(over: Partial<AccessEvent> & { timestamp: Date }): AccessEvent {
  return {
    source: "duo",
    type: "push",
    success: true,
    reason: "",
    ip_address: "192.0.2.1",
    username: "fry",
    ...over,
  };
}

function run(id: string, startedAt: Date): BatchRunSummary {
  return {
    id,
    startedAt,
    finishedAt: new Date(startedAt.getTime() + 60_000),
    people: 3,
    devices: 5,
    practices: { firewall: { ok: 4, warn: 1 } },
    ratings: { critical: 1, ok: 4 },
    byPlatform: { Mac: { ok: 3 } },
    bySource: { jamf: { ok: 3 } },
    errors: {},
  };
}

/** One behaviour of the contract, run on a fresh store that is closed afterwards. */
export type ContractStep = (
  title: string,
  fn: (store: Store) => Promise<void>,
) => Promise<boolean>;

/**
 * Registers the store contract as one `Deno.test` with a step per behaviour.
 *
 * @param name the implementation's name, for the test title
 * @param makeStore opens a fresh, empty store; the suite closes it
 */
export function runStoreContract(
  name: string,
  makeStore: () => Promise<Store>,
  testOptions: { sanitizeResources?: boolean; sanitizeOps?: boolean } = {},
): void {
  Deno.test({
    name: `${name} store follows the Store contract`,
    ...testOptions,
    fn: async (t) => {
      const step: ContractStep = (title, fn) =>
        t.step(title, async () => {
          const store = await makeStore();
          try {
            await fn(store);
          } finally {
            await store.close();
          }
        });

      await step(
        "every concern answers its port's methods, also handed on alone (no `this`)",
        async (s) => {
          // What `composeStore()`'s test proved until the Store port was split: consumers take one
          // concern (`store.outbox`, `store.releaseFeeds`…) or one method of it, detached.
          assert.deepEqual(Object.keys(s).filter((k) => k !== "kind" && k !== "close").sort(), [
            "batchRuns",
            "coordination",
            "deviceRows",
            "events",
            "exemptions",
            "feedback",
            "nudges",
            "outbox",
            "personReads",
            "releaseFeeds",
            "revocations",
            "signinReports",
            "snapshots",
            "statuses",
          ]);
          const methods = Object.fromEntries(
            Object.entries(s).flatMap(([concern, part]) =>
              typeof part === "object" && part !== null
                ? [[
                  concern,
                  // `putSnapshots` is optional (the batch writes one by one without it)
                  Object.keys(part).filter((m) =>
                    typeof part[m] === "function" && m !== "putSnapshots"
                  )
                    .sort(),
                ]]
                : []
            ),
          );
          assert.deepEqual(methods, {
            batchRuns: ["batchRuns", "saveBatchRun"],
            coordination: ["releaseLease", "takeLease", "takeToken"],
            deviceRows: ["deviceRows", "findDeviceRows", "pruneDeviceRows", "putDeviceRows"],
            events: ["eventsFor", "latestEventTime", "pruneEvents", "putEvents"],
            exemptions: [
              "activeExemptions",
              "exemption",
              "exemptionsFor",
              "grantExemption",
              "revokeExemption",
            ],
            feedback: ["answers", "dismiss", "dismissed", "recordFeedback"],
            nudges: [
              "markNudgeFailed",
              "markNudgeSent",
              "nudgeHistory",
              "nudgesSince",
              "queueNudge",
              "setCriticalOnly",
              "snoozeNudgeItem",
              "takeDueNudges",
            ],
            outbox: ["dueOutbox", "markDelivered", "markFailed", "outboxDepth"],
            personReads: ["read"],
            releaseFeeds: ["putReleaseFeed", "releaseFeed"],
            revocations: ["isRevoked", "pruneRevoked", "revoke"],
            signinReports: ["handleSignInReport", "reportSignIn", "signInReports"],
            snapshots: [
              "markSnapshotSeen",
              "pruneSnapshots",
              "putSnapshot",
              "snapshot",
              "snapshotCount",
              "snapshotStamp",
            ],
            statuses: ["began", "observe", "prunePersonDevices"],
          });
          const { dismiss } = s.feedback;
          const { dismissed } = s.feedback;
          await dismiss("fry@example.com", "n1", at(0));
          assert.deepEqual([...await dismissed("fry@example.com")], ["n1"]);
          const { outboxDepth } = s.outbox;
          assert.equal(await outboxDepth(), 0);
        },
      );

      await step("dismiss() persists per person and leaves other people unaffected", async (s) => {
        await s.feedback.dismiss("fry@example.com", "n1", at(0));
        await s.feedback.dismiss("fry@example.com", "n2", at(1));
        await s.feedback.dismiss("fry@example.com", "n1", at(2));
        await s.feedback.dismiss("leela@example.com", "n3", at(3));
        assert.deepEqual([...await s.feedback.dismissed("fry@example.com")].sort(), ["n1", "n2"]);
        assert.deepEqual([...await s.feedback.dismissed("leela@example.com")], ["n3"]);
        assert.equal((await s.feedback.dismissed("bender@example.com")).size, 0);
      });

      await step("recordFeedback() stores the answer and one outbox item per sink", async (s) => {
        const fb = { id: "n1", feedback: "yes", notes: "it was me" };
        await s.feedback.recordFeedback("fry@example.com", fb, {
          sinks: ["rest", "other"],
          at: at(0),
        });
        await s.feedback.recordFeedback("leela@example.com", {
          id: "n1",
          feedback: "no",
          notes: "",
        }, {
          sinks: [],
          at: at(1),
        });
        assert.deepEqual([...await s.feedback.answers("fry@example.com")], [["n1", "yes"]]);
        assert.deepEqual([...await s.feedback.answers("leela@example.com")], [["n1", "no"]]);
        assert.equal(await s.outbox.outboxDepth(), 2);
        const due = await s.outbox.dueOutbox(at(0), 10);
        assert.deepEqual(due.map((i) => i.sink).sort(), ["other", "rest"]);
        for (const item of due) {
          assert.equal(item.email, "fry@example.com");
          assert.deepEqual(item.feedback, fb);
          assert.equal(item.attempts, 0);
          assert.equal(item.createdAt.getTime(), at(0).getTime());
          assert.equal(item.nextAttemptAt.getTime(), at(0).getTime());
          assert.equal(item.lastError, undefined);
        }
        assert.notEqual(due[0]!.id, due[1]!.id);
      });

      await step("answers() keeps the latest answer per notification", async (s) => {
        await s.feedback.recordFeedback(
          "fry@example.com",
          { id: "n1", feedback: "yes", notes: "" },
          {
            sinks: [],
            at: at(0),
          },
        );
        await s.feedback.recordFeedback(
          "fry@example.com",
          { id: "n1", feedback: "no", notes: "" },
          {
            sinks: [],
            at: at(5),
          },
        );
        assert.deepEqual([...await s.feedback.answers("fry@example.com")], [["n1", "no"]]);
      });

      await step(
        "dueOutbox() respects nextAttemptAt and the limit, never returns delivered",
        async (s) => {
          for (let i = 0; i < 3; i++) {
            await s.feedback.recordFeedback("fry@example.com", {
              id: `n${i}`,
              feedback: "ok",
              notes: "",
            }, {
              sinks: ["rest"],
              at: at(i),
            });
          }
          assert.deepEqual((await s.outbox.dueOutbox(at(1), 10)).map((i) => i.feedback.id), [
            "n0",
            "n1",
          ]);
          assert.deepEqual((await s.outbox.dueOutbox(at(10), 2)).map((i) => i.feedback.id), [
            "n0",
            "n1",
          ]);
          const [first, second] = await s.outbox.dueOutbox(at(10), 10);
          await s.outbox.markDelivered(first!.id, at(10));
          await s.outbox.markFailed(second!.id, { nextAttemptAt: at(100), error: "sink down" });
          assert.deepEqual((await s.outbox.dueOutbox(at(50), 10)).map((i) => i.feedback.id), [
            "n2",
          ]);
          assert.deepEqual((await s.outbox.dueOutbox(at(100), 10)).map((i) => i.feedback.id), [
            "n2",
            "n1",
          ]);
          assert.equal(await s.outbox.outboxDepth(), 2);
          await s.outbox.markDelivered(first!.id, at(200));
          await s.outbox.markFailed(first!.id, { nextAttemptAt: at(0), error: "late failure" });
          assert.equal(
            (await s.outbox.dueOutbox(at(1000), 10)).some((i) => i.id === first!.id),
            false,
          );
        },
      );

      await step("markFailed() increments attempts and keeps the last error", async (s) => {
        await s.feedback.recordFeedback(
          "fry@example.com",
          { id: "n1", feedback: "ok", notes: "" },
          {
            sinks: ["rest"],
            at: at(0),
          },
        );
        const [item] = await s.outbox.dueOutbox(at(0), 1);
        await s.outbox.markFailed(item!.id, { nextAttemptAt: at(2), error: "first" });
        await s.outbox.markFailed(item!.id, { nextAttemptAt: at(6), error: "second" });
        const [again] = await s.outbox.dueOutbox(at(6), 1);
        assert.equal(again!.id, item!.id);
        assert.equal(again!.attempts, 2);
        assert.equal(again!.lastError, "second");
        assert.equal(again!.nextAttemptAt.getTime(), at(6).getTime());
      });

      await step("putEvents() deduplicates by id, else by time and address", async (s) => {
        await s.events.putEvents("duo", [
          event({ id: "e1", timestamp: at(10) }),
          event({ timestamp: at(20), ip_address: "192.0.2.9" }),
          event({ timestamp: at(30), username: "leela" }),
        ]);
        await s.events.putEvents("duo", [
          event({ id: "e1", timestamp: at(10), reason: "updated" }),
          event({ timestamp: at(20), ip_address: "192.0.2.9" }),
        ]);
        await s.events.putEvents("google", [
          event({ id: "e1", source: "google", timestamp: at(40) }),
        ]);
        const fry = await s.events.eventsFor("duo", "fry", at(0));
        assert.deepEqual(fry.map((e) => e.timestamp.toISOString()), [
          at(20).toISOString(),
          at(10).toISOString(),
        ]);
        assert.equal(fry[1]!.reason, "updated");
        assert.deepEqual(await s.events.eventsFor("duo", "fry", at(15)), [fry[0]]);
        assert.equal((await s.events.eventsFor("duo", "leela", at(0))).length, 1);
        assert.equal((await s.events.latestEventTime("duo"))?.toISOString(), at(30).toISOString());
        assert.equal(
          (await s.events.latestEventTime("google"))?.toISOString(),
          at(40).toISOString(),
        );
        assert.equal(await s.events.latestEventTime("okta"), null);
      });

      await step(
        "pruneEvents() removes events older than the cut-off and counts them",
        async (s) => {
          await s.events.putEvents("duo", [
            event({ id: "old", timestamp: at(0) }),
            event({ id: "mid", timestamp: at(50) }),
            event({ id: "new", timestamp: at(100) }),
          ]);
          assert.equal(await s.events.pruneEvents(at(50)), 1);
          assert.deepEqual((await s.events.eventsFor("duo", "fry", at(0))).map((e) => e.id), [
            "new",
            "mid",
          ]);
          assert.equal(await s.events.pruneEvents(at(50)), 0);
        },
      );

      await step(
        "observe() keeps since while the status holds and resets it on change; began() reads it",
        async (s) => {
          const key = "serial-1\u0000firewall";
          const first = await s.statuses.observe([
            { device: "serial-1", practice: "firewall", status: "warn", since: at(0) },
            { device: "serial-1", practice: "encryption", status: "ok", since: at(0) },
          ]);
          assert.equal(first.get(key)?.getTime(), at(0).getTime());
          assert.equal(first.size, 2);
          const same = await s.statuses.observe([
            { device: "serial-1", practice: "firewall", status: "warn", since: at(60) },
          ]);
          assert.equal(same.get(key)?.getTime(), at(0).getTime());
          const changed = await s.statuses.observe([
            { device: "serial-1", practice: "firewall", status: "ok", since: at(120) },
          ]);
          assert.equal(changed.get(key)?.getTime(), at(120).getTime());
          const other = await s.statuses.observe([
            { device: "serial-2", practice: "firewall", status: "ok", since: at(130) },
          ]);
          assert.equal(other.get("serial-2\u0000firewall")?.getTime(), at(130).getTime());
          // began(): the same answers from a read, nothing recorded
          const read = await s.statuses.began([
            { device: "serial-1", practice: "firewall", status: "ok", since: at(200) },
            { device: "serial-1", practice: "encryption", status: "warn", since: at(200) },
            { device: "serial-3", practice: "firewall", status: "warn", since: at(200) },
          ]);
          assert.deepEqual([...read].map(([k, d]) => [k, d.getTime()]), [
            ["serial-1\u0000firewall", at(120).getTime()],
            ["serial-1\u0000encryption", at(200).getTime()],
            ["serial-3\u0000firewall", at(200).getTime()],
          ]);
          const again = await s.statuses.began([
            { device: "serial-3", practice: "firewall", status: "warn", since: at(300) },
          ]);
          assert.equal(again.get("serial-3\u0000firewall")?.getTime(), at(300).getTime());
        },
      );

      await step("batchRuns() lists runs newest first, up to the limit", async (s) => {
        await s.batchRuns.saveBatchRun(run("b", at(100)));
        await s.batchRuns.saveBatchRun(run("a", at(0)));
        await s.batchRuns.saveBatchRun(run("c", at(200)));
        const runs = await s.batchRuns.batchRuns(2);
        assert.deepEqual(runs.map((r) => r.id), ["c", "b"]);
        assert.deepEqual(runs[0], run("c", at(200)));
        assert.equal((await s.batchRuns.batchRuns(10)).length, 3);
      });

      await revocationContract(step);
      await snapshotContract(step);
      await personReadContract(step);
      await coordinationContract(step);
      await nudgeContract(step);
      await deviceRowContract(step);
      await securityContract(step);

      // --- release-feed cache ---
      await step("putReleaseFeed() keeps the latest copy per feed name", async (s) => {
        assert.equal(await s.releaseFeeds.releaseFeed("sofa:macOS"), null);
        await s.releaseFeeds.putReleaseFeed({ name: "sofa:macOS", fetchedAt: at(0), body: "[1]" });
        await s.releaseFeeds.putReleaseFeed({
          name: "endoflife:windows",
          fetchedAt: at(5),
          body: "[2]",
        });
        await s.releaseFeeds.putReleaseFeed({ name: "sofa:macOS", fetchedAt: at(60), body: "[3]" });
        assert.deepEqual(await s.releaseFeeds.releaseFeed("sofa:macOS"), {
          name: "sofa:macOS",
          fetchedAt: at(60),
          body: "[3]",
        });
        assert.equal((await s.releaseFeeds.releaseFeed("endoflife:windows"))?.body, "[2]");
      });
    },
  });
}
