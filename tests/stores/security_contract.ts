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
      assert.deepEqual(
        (await s.exemptions.activeExemptions({ at: at(10), limit: 10 })).map((e) => e.id).sort(),
        ["ex-1", "ex-2", "ex-3"],
      );
      assert.deepEqual(
        (await s.exemptions.activeExemptions({ at: at(10), limit: 1 })).map((e) => e.id),
        ["ex-2"],
        "soonest to end first",
      );
      assert.deepEqual(
        (await s.exemptions.activeExemptions({ at: at(50), limit: 10 })).map((e) => e.id).sort(),
        ["ex-1", "ex-3"],
        "an expired one is not in force",
      );
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
    assert.deepEqual(await s.exemptions.activeExemptions({ at: at(21), limit: 10 }), []);
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
    assert.deepEqual(await s.signinReports.signInReports({ state: "open", limit: 10 }), [
      REPORT,
      later,
    ]);
    assert.deepEqual(await s.signinReports.signInReports({ state: "handled", limit: 10 }), []);
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
    assert.deepEqual(await s.signinReports.signInReports({ state: "open", limit: 10 }), [later]);
    assert.deepEqual(await s.signinReports.signInReports({ state: "handled", limit: 10 }), [
      { ...REPORT, handled: handling },
    ]);
    assert.equal((await s.signinReports.signInReports({ state: "open", limit: 0 })).length, 0);
  });
}
