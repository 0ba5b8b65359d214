/**
 * The nudge ledger part of the Store contract (issue 27), run by `store_contract.ts` against every
 * store: a key is queued once, a taken message is nobody else's until its lease ends, a sent
 * message becomes the person's history, a refused one is never due again, and snoozes and the
 * critical-only choice are the person's.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { NudgeMessage } from "../../engine/nudges/nudge_message.ts";
import { at, type ContractStep } from "./store_contract.ts";

const MESSAGE: NudgeMessage = {
  subject: "Stethoscope: 1 thing to fix on your devices",
  text: "Hello",
  html: "<p>Hello</p>",
  slack: { text: "Hello", blocks: [{ type: "divider" }] },
};

function nudge(key: string, email: string, queuedAt = at(0)) {
  return {
    key,
    email,
    channel: "slack",
    message: MESSAGE,
    itemKeys: ["device:dev-C02:firewall", "device:dev-C02:uptodate"],
    critical: 1,
    queuedAt,
  };
}

/** Registers the nudge steps through the contract's `step`. */
export async function nudgeContract(step: ContractStep): Promise<void> {
  await step(
    "queueNudge() queues a key once; takeDueNudges() leases it to one taker",
    async (s) => {
      assert.equal(await s.nudges.queueNudge(nudge("k1", "fry@example.com")), true);
      assert.equal(
        await s.nudges.queueNudge(nudge("k1", "fry@example.com")),
        false,
        "a second plan",
      );
      const [taken, ...rest] = await s.nudges.takeDueNudges(at(1), 10, 60_000);
      assert.deepEqual(rest, []);
      assert.equal(taken?.key, "k1");
      assert.equal(taken?.attempts, 0);
      assert.deepEqual(taken?.message, MESSAGE);
      assert.deepEqual(await s.nudges.takeDueNudges(at(2), 10, 60_000), [], "leased");
      const [again] = await s.nudges.takeDueNudges(at(61), 10, 60_000);
      assert.equal(again?.attempts, 1, "taken again after the lease, counting the first take");
    },
  );

  await step("markNudgeSent() makes the items and the message the person's history", async (s) => {
    await s.nudges.queueNudge(nudge("k1", "fry@example.com"));
    await s.nudges.takeDueNudges(at(1), 10, 60_000);
    await s.nudges.markNudgeSent("k1", at(5));
    await s.nudges.markNudgeSent("k1", at(9));
    const h = await s.nudges.nudgeHistory("fry@example.com", "slack");
    assert.deepEqual([...h.lastSent].sort(), [
      ["device:dev-C02:firewall", at(5)],
      ["device:dev-C02:uptodate", at(5)],
    ]);
    assert.deepEqual(h.sentAt, [at(5)], "a second mark changes nothing");
    assert.equal(h.criticalOnly, false);
    assert.deepEqual(await s.nudges.takeDueNudges(at(100), 10, 1), [], "a sent message is not due");
    const empty = await s.nudges.nudgeHistory("leela@example.com", "slack");
    assert.deepEqual([empty.lastSent.size, empty.sentAt, empty.snoozed.size], [0, [], 0]);
  });

  await step(
    "markNudgeFailed() retries later, or never when refused; nudgesSince() lists states",
    async (s) => {
      await s.nudges.queueNudge(nudge("k1", "fry@example.com", at(0)));
      await s.nudges.queueNudge(nudge("k2", "zoidberg@example.com", at(1)));
      await s.nudges.queueNudge(nudge("k3", "leela@example.com", at(2)));
      await s.nudges.takeDueNudges(at(3), 10, 60_000);
      await s.nudges.markNudgeFailed("k1", {
        at: at(4),
        nextAttemptAt: at(30),
        error: "down",
        refused: false,
      });
      await s.nudges.markNudgeFailed("k2", {
        at: at(4),
        nextAttemptAt: at(30),
        error: "Slack refused users.lookupByEmail: users_not_found",
        refused: true,
      });
      await s.nudges.markNudgeSent("k3", at(4));
      assert.deepEqual(
        await s.nudges.takeDueNudges(at(29), 10, 1),
        [],
        "not before its next attempt",
      );
      const due = await s.nudges.takeDueNudges(at(30), 10, 1);
      assert.deepEqual(due.map((n) => [n.key, n.lastError]), [["k1", "down"]]);
      const listed = await s.nudges.nudgesSince(at(0), 10);
      assert.deepEqual(listed.map((n) => [n.key, n.state, n.sentAt]), [
        ["k3", "sent", at(4)],
        ["k2", "refused", undefined],
        ["k1", "queued", undefined],
      ]);
    },
  );

  await step(
    "snoozes and the critical-only choice belong to the person (and channel)",
    async (s) => {
      await s.nudges.snoozeNudgeItem("fry@example.com", "device:dev-C02:uptodate", at(100));
      await s.nudges.snoozeNudgeItem("fry@example.com", "device:dev-C02:uptodate", at(200));
      await s.nudges.setCriticalOnly("fry@example.com", "email", true);
      const email = await s.nudges.nudgeHistory("fry@example.com", "email");
      assert.deepEqual([...email.snoozed], [["device:dev-C02:uptodate", at(200)]]);
      assert.equal(email.criticalOnly, true);
      const slack = await s.nudges.nudgeHistory("fry@example.com", "slack");
      assert.deepEqual([...slack.snoozed], [["device:dev-C02:uptodate", at(200)]], "every channel");
      assert.equal(slack.criticalOnly, false, "per channel");
      await s.nudges.setCriticalOnly("fry@example.com", "email", false);
      assert.equal((await s.nudges.nudgeHistory("fry@example.com", "email")).criticalOnly, false);
      assert.equal((await s.nudges.nudgeHistory("leela@example.com", "email")).snoozed.size, 0);
    },
  );
}
