/**
 * The security team's part of the Store contract: exemptions and "this wasn't me" reports, run
 * by `store_contract.ts` against every store. The sign-in is a Duo authentication log entry as
 * Duo's Admin API documents it (`/admin/v2/logs/authentication`: `txid`, `access_device.ip`,
 * `access_device.location`, `application.name`), as the duo plugin normalises it.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { SigninReport } from "../../engine/core/signin_reports.ts";
import type { Exemption } from "../../engine/view/exemptions.ts";
import { at, type ContractStep } from "./store_contract.ts";

/** Registers the exemption and report steps through the contract's `step`. */
export async function securityContract(step: ContractStep): Promise<void> {
  /** A firewall exemption for Fry's Mac, granted at second 0 until second 100. */
  const EXEMPTION: Exemption = {
    id: "ex-1",
    email: "fry@example.com",
    device: "serial:C02X",
    practice: "firewall",
    reason: "Lab machine on an isolated network",
    grantedBy: "security@example.com",
    grantedAt: at(0),
    expiresAt: at(100),
  };

  /** Fry's report of a Duo sign-in from Lisbon. */
  const REPORT: SigninReport = {
    id: "0123456789abcdef0123456789abcdef",
    email: "fry@example.com",
    reportedAt: at(5),
    signInKey: "event:duo:340a23e3-9fd2-4e1f-b2ad-ef3f3a5a7a0f",
    signIn: {
      source: "duo",
      id: "340a23e3-9fd2-4e1f-b2ad-ef3f3a5a7a0f",
      type: "authentication",
      success: true,
      reason: "user_approved",
      ip_address: "198.51.100.23",
      timestamp: at(1),
      username: "fry",
      place: "Lisbon, Portugal",
      content: "Microsoft Azure Active Directory",
    },
  };

  await step(
    "grantExemption() keeps an exemption, read by person, by id and in force",
    async (s) => {
      const person: Exemption = {
        ...EXEMPTION,
        id: "ex-2",
        practice: "encryption",
        expiresAt: at(50),
      };
      delete (person as { device?: string }).device;
      await s.exemptions.grantExemption(EXEMPTION);
      await s.exemptions.grantExemption(person);
      await s.exemptions.grantExemption({ ...EXEMPTION, id: "ex-3", email: "amy@example.com" });
      assert.deepEqual(await s.exemptions.exemption("ex-1"), EXEMPTION);
      assert.equal(await s.exemptions.exemption("nope"), null);
      assert.deepEqual((await s.exemptions.exemptionsFor("fry@example.com")).map((e) => e.id), [
        "ex-1",
        "ex-2",
      ]);
      assert.deepEqual((await s.exemptions.exemptionsFor("fry@example.com"))[1], person);
      const active = async (
        o: { at: Date; grantedFrom?: Date; offset?: number; limit: number },
      ) => {
        const got = await s.exemptions.activeExemptions({ offset: 0, ...o });
        return { ids: got.exemptions.map((e) => e.id), total: got.total };
      };
      assert.deepEqual((await active({ at: at(10), limit: 10 })).ids.sort(), [
        "ex-1",
        "ex-2",
        "ex-3",
      ]);
      assert.deepEqual(
        await active({ at: at(10), limit: 1 }),
        { ids: ["ex-2"], total: 3 },
        "soonest to end first",
      );
      assert.deepEqual(
        (await active({ at: at(10), offset: 1, limit: 2 })).ids.sort(),
        ["ex-1", "ex-3"],
        "the next page: the others",
      );
      assert.deepEqual(await active({ at: at(10), offset: 3, limit: 2 }), { ids: [], total: 3 });
      assert.deepEqual(await active({ at: at(10), limit: 0 }), { ids: [], total: 3 });
      assert.deepEqual(
        (await active({ at: at(50), limit: 10 })).ids.sort(),
        ["ex-1", "ex-3"],
        "an expired one is not in force",
      );
      assert.deepEqual(
        await active({ at: at(10), grantedFrom: at(1), limit: 10 }),
        { ids: [], total: 0 },
        "granted before the earliest grant the maximum covers",
      );
    },
  );

  await step(
    "activeExemptions() answers by stored end or by grant, each with the other as second key",
    async (s) => {
      // granted at 0, 5, 10 and 5; ending at 300, 100, 200 and 300
      const list: [string, number, number][] = [
        ["ex-a", 0, 300],
        ["ex-b", 5, 100],
        ["ex-c", 10, 200],
        ["ex-d", 5, 300],
      ];
      for (const [id, granted, ends] of list) {
        await s.exemptions.grantExemption({
          ...EXEMPTION,
          id,
          grantedAt: at(granted),
          expiresAt: at(ends),
        });
      }
      const page = async (
        q: { grantedFrom?: Date; order?: "end" | "granted"; offset?: number; limit?: number },
      ) => {
        const got = await s.exemptions.activeExemptions({ at: at(20), offset: 0, limit: 10, ...q });
        return [got.exemptions.map((e) => e.id).join(" "), got.total];
      };
      assert.deepEqual(await page({}), ["ex-b ex-c ex-a ex-d", 4]);
      assert.deepEqual(await page({ order: "end" }), ["ex-b ex-c ex-a ex-d", 4]);
      assert.deepEqual(await page({ order: "granted" }), ["ex-a ex-b ex-d ex-c", 4]);
      assert.deepEqual(await page({ order: "granted", limit: 2 }), ["ex-a ex-b", 4]);
      assert.deepEqual(await page({ order: "granted", offset: 2, limit: 1 }), ["ex-d", 4]);
      assert.deepEqual(await page({ grantedFrom: at(5) }), ["ex-b ex-c ex-d", 3]);
      assert.deepEqual(await page({ grantedFrom: at(6), order: "granted" }), ["ex-c", 1]);
    },
  );

  await step("revokeExemption() records who, when and why, once", async (s) => {
    await s.exemptions.grantExemption(EXEMPTION);
    const revocation = { by: "ciso@example.com", at: at(20), reason: "Back on the office network" };
    assert.deepEqual(await s.exemptions.revokeExemption("ex-1", revocation), {
      ...EXEMPTION,
      revoked: revocation,
    });
    assert.equal(
      await s.exemptions.revokeExemption("ex-1", { ...revocation, at: at(30) }),
      null,
      "revoked already",
    );
    assert.equal(await s.exemptions.revokeExemption("nope", revocation), null);
    assert.deepEqual(await s.exemptions.exemptionsFor("fry@example.com"), [
      { ...EXEMPTION, revoked: revocation },
    ]);
    assert.deepEqual(await s.exemptions.activeExemptions({ at: at(21), offset: 0, limit: 10 }), {
      exemptions: [],
      total: 0,
    });
  });

  await step("reportSignIn() queues a report once; handling it moves it to handled", async (s) => {
    assert.equal(await s.signinReports.reportSignIn(REPORT), true);
    assert.equal(
      await s.signinReports.reportSignIn({ ...REPORT, reportedAt: at(9) }),
      false,
      "the first stays",
    );
    const later = { ...REPORT, id: "f".repeat(32), reportedAt: at(7), signInKey: "event:duo:b" };
    await s.signinReports.reportSignIn(later);
    const list = (state: "open" | "handled", offset = 0, limit = 10) =>
      s.signinReports.signInReports({ state, offset, limit });
    assert.deepEqual(await list("open"), { reports: [later, REPORT], total: 2 }, "newest first");
    assert.deepEqual(await list("handled"), { reports: [], total: 0 });
    const handling = { by: "security@example.com", at: at(30), note: "Password reset, ticket 42" };
    assert.deepEqual(await s.signinReports.handleSignInReport(REPORT.id, handling), {
      ...REPORT,
      handled: handling,
    });
    assert.equal(
      await s.signinReports.handleSignInReport(REPORT.id, handling),
      null,
      "handled already",
    );
    assert.equal(await s.signinReports.handleSignInReport("0".repeat(32), handling), null);
    assert.deepEqual(await list("open"), { reports: [later], total: 1 });
    assert.deepEqual(await list("handled"), {
      reports: [{ ...REPORT, handled: handling }],
      total: 1,
    });
    assert.deepEqual(await list("open", 0, 0), { reports: [], total: 1 }, "the total alone");
  });

  await step("signInReports() pages newest first, every report once, with the total", async (s) => {
    // seven reports at seconds 10 to 15, two of them at second 13
    const ids = ["a", "b", "c", "d", "e", "f", "0"].map((c) => c.repeat(32));
    const seconds = [10, 11, 12, 13, 14, 15, 13];
    for (const [i, id] of ids.entries()) {
      await s.signinReports.reportSignIn({
        ...REPORT,
        id,
        reportedAt: at(seconds[i]!),
        signInKey: `event:duo:${i}`,
      });
    }
    const page = async (offset: number) => {
      const got = await s.signinReports.signInReports({ state: "open", offset, limit: 3 });
      return { ids: got.reports.map((r) => r.id[0]).join(""), total: got.total };
    };
    const pages = [await page(0), await page(3), await page(6)];
    assert.deepEqual(pages.map((p) => p.total), [7, 7, 7]);
    const order = pages.map((p) => p.ids).join("");
    assert.ok(order === "fed0cba" || order === "fe0dcba", `newest first, each once: ${order}`);
    assert.deepEqual(await page(9), { ids: "", total: 7 }, "past the end");
    await s.signinReports.handleSignInReport("c".repeat(32), {
      by: "security@example.com",
      at: at(40),
      note: "",
    });
    await s.signinReports.handleSignInReport("a".repeat(32), {
      by: "security@example.com",
      at: at(41),
      note: "",
    });
    const handled = await s.signinReports.signInReports({ state: "handled", offset: 0, limit: 5 });
    assert.deepEqual(handled.reports.map((r) => r.id[0]), ["a", "c"], "latest handled first");
    assert.equal(handled.total, 2);
    assert.deepEqual((await page(3)).total, 5);
    assert.equal((await page(3)).ids.slice(-1), "b");
  });
}
