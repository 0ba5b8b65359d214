/**
 * The person-read part of the Store contract (issue 24), run by `store_contract.ts` against every
 * store: one read answers a page view's snapshot (the same stamp `snapshotStamp` gives), the
 * status history of the devices the person's last recorded view observed (and no other device's),
 * their dismissals and their latest answers — exact values, as each concern alone answers them.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { StatusObservation } from "../../engine/core/store_ports.ts";
import type { Exemption } from "../../engine/view/exemptions.ts";
import { at, type ContractStep } from "./store_contract.ts";
import { snapshotOf } from "./snapshot_contract.ts";

const FRY = "fry@example.com";

function seen(device: string, status: "ok" | "warn", s: number): StatusObservation {
  return { device, practice: "firewall", status, since: at(s) };
}

/** Registers the person-read steps through the contract's `step`. */
export async function personReadContract(step: ContractStep): Promise<void> {
  await step(
    "personReads.read() of someone never seen answers nothing, not an error",
    async (s) => {
      const got = await s.personReads.read("nobody@example.com");
      assert.equal(got.snapshot, null);
      assert.deepEqual(
        [got.statuses.size, got.dismissed.size, got.answers.size],
        [0, 0, 0],
      );
    },
  );

  await step(
    "personReads.read() answers the snapshot, the person's device history, dismissals and answers at once",
    async (s) => {
      await s.snapshots.putSnapshot(snapshotOf(FRY, at(0)));
      await s.statuses.observe([seen("serial:C02FRY", "warn", 0), seen("serial:MINI", "ok", 0)], {
        person: FRY,
      });
      await s.statuses.observe([seen("serial:C02FRY", "warn", 7200)]); // 2 h later, unchanged
      await s.statuses.observe([seen("serial:LEELA", "warn", 0)], { person: "leela@example.com" });
      await s.statuses.observe([seen("serial:OTHER", "warn", 0)]); // nobody's page view
      await s.feedback.dismiss(FRY, "n1", at(1));
      await s.feedback.dismiss("leela@example.com", "n9", at(1));
      await s.feedback.recordFeedback(FRY, { id: "n2", feedback: "yes", notes: "" }, {
        sinks: [],
        at: at(2),
      });
      await s.feedback.recordFeedback(FRY, { id: "n2", feedback: "no", notes: "" }, {
        sinks: [],
        at: at(3),
      });

      const got = await s.personReads.read("Fry@Example.com");
      const alone = await s.snapshots.snapshotStamp!(FRY);
      assert.equal(got.snapshot?.version, alone?.version);
      assert.deepEqual(got.snapshot?.collectedAt, at(0));
      assert.deepEqual(got.snapshot?.snapshot?.().devices, snapshotOf(FRY, at(0)).devices);
      assert.deepEqual([...got.statuses].sort(), [
        ["serial:C02FRY\u0000firewall", { status: "warn", since: at(0), seenAt: at(7200) }],
        ["serial:MINI\u0000firewall", { status: "ok", since: at(0), seenAt: at(0) }],
      ]);
      const exact = await s.personReads.read(FRY);
      assert.deepEqual([...exact.dismissed], ["n1"]);
      assert.deepEqual([...exact.answers], [["n2", "no"]]);
    },
  );

  await step(
    "personReads.read(…, { statuses: false }) answers the rest without the status history",
    async (s) => {
      await s.statuses.observe([seen("serial:C02FRY", "warn", 0)], { person: FRY });
      await s.feedback.dismiss(FRY, "n1", at(1));
      const got = await s.personReads.read(FRY, { statuses: false });
      assert.equal(got.statuses.size, 0);
      assert.deepEqual([...got.dismissed], ["n1"]);
      assert.equal((await s.personReads.read(FRY)).statuses.size, 1, "read with it: there");
    },
  );

  await step(
    "personReads.read() answers the latest answer per notification in the order first given, exemptions oldest grant first",
    async (s) => {
      const answer = async (id: string, feedback: string, t: number) =>
        await s.feedback.recordFeedback(FRY, { id, feedback, notes: "" }, { sinks: [], at: at(t) });
      await answer("n3", "yes", 1);
      await answer("n2", "yes", 2);
      await answer("n3", "no", 3);
      await answer("n2", "maybe", 4);
      await s.feedback.recordFeedback(
        "leela@example.com",
        { id: "n2", feedback: "no", notes: "" },
        {
          sinks: [],
          at: at(5),
        },
      );
      const exemption = (id: string, granted: number): Exemption => ({
        id,
        email: FRY,
        device: "serial:C02FRY",
        practice: "firewall",
        reason: "Lab machine on an isolated network",
        grantedBy: "security@example.com",
        grantedAt: at(granted),
        expiresAt: at(granted + 100),
      });
      // granted out of order: the read answers them by grant time, as exemptionsFor() does
      await s.exemptions.grantExemption(exemption("ex-b", 20));
      await s.exemptions.grantExemption(exemption("ex-a", 10));
      await s.exemptions.grantExemption({ ...exemption("ex-c", 0), email: "leela@example.com" });

      const got = await s.personReads.read(FRY);
      assert.deepEqual([...got.answers], [["n3", "no"], ["n2", "maybe"]]);
      assert.deepEqual(got.exemptions?.map((e) => e.id), ["ex-a", "ex-b"]);
      assert.deepEqual(got.exemptions, await s.exemptions.exemptionsFor(FRY));
      assert.deepEqual(got.exemptions?.[0], exemption("ex-a", 10));
    },
  );

  await step(
    "exemptions granted at the same moment read in id order, in the person read and exemptionsFor() alike",
    async (s) => {
      const exemption = (id: string, practice: string): Exemption => ({
        id,
        email: FRY,
        device: "serial:C02FRY",
        practice,
        reason: "Lab machine on an isolated network",
        grantedBy: "security@example.com",
        grantedAt: at(10), // granted in the same millisecond (two processes at once)
        expiresAt: at(110),
      });
      await s.exemptions.grantExemption(exemption("ex-c", "firewall"));
      await s.exemptions.grantExemption(exemption("ex-a", "screenlock"));
      await s.exemptions.grantExemption({ ...exemption("ex-0", "encryption"), grantedAt: at(20) });
      await s.exemptions.grantExemption(exemption("ex-b", "remotelogin"));
      const ids = ["ex-a", "ex-b", "ex-c", "ex-0"];
      assert.deepEqual((await s.personReads.read(FRY)).exemptions?.map((e) => e.id), ids);
      assert.deepEqual((await s.exemptions.exemptionsFor(FRY)).map((e) => e.id), ids);
    },
  );

  await step("a recorded view's devices replace the person's earlier ones", async (s) => {
    await s.statuses.observe([seen("serial:OLD", "warn", 0)], { person: FRY });
    await s.statuses.observe([seen("serial:NEW", "ok", 10)], { person: FRY });
    const got = await s.personReads.read(FRY);
    assert.deepEqual([...got.statuses], [
      ["serial:NEW\u0000firewall", { status: "ok", since: at(10), seenAt: at(10) }],
    ]);
  });

  await step(
    "statuses.prunePersonDevices() deletes the device lists not written since `before`; the devices' history stays",
    async (s) => {
      await s.statuses.observe([seen("serial:C02FRY", "warn", 0)], { person: FRY });
      await s.statuses.observe([seen("serial:LEELA", "warn", 100)], {
        person: "leela@example.com",
      });
      await s.statuses.observe([seen("serial:BENDER", "ok", 200)], {
        person: "bender@example.com",
      });
      assert.equal(await s.statuses.prunePersonDevices(at(150)), 2, "Fry's and Leela's");
      assert.equal(await s.statuses.prunePersonDevices(at(150)), 0, "gone already");
      const sizes = async () =>
        await Promise.all(
          [FRY, "leela@example.com", "bender@example.com"].map(async (p) =>
            (await s.personReads.read(p)).statuses.size
          ),
        );
      assert.deepEqual(await sizes(), [0, 0, 1]);
      // Fry views again: his device's history was kept, "warn since 0" goes on
      const began = await s.statuses.observe([seen("serial:C02FRY", "warn", 300)], {
        person: FRY,
      });
      assert.deepEqual([...began], [["serial:C02FRY\u0000firewall", at(0)]]);
      assert.deepEqual([...(await s.personReads.read(FRY)).statuses], [
        ["serial:C02FRY\u0000firewall", { status: "warn", since: at(0), seenAt: at(300) }],
      ]);
      assert.deepEqual(await sizes(), [1, 0, 1]);
    },
  );
}
