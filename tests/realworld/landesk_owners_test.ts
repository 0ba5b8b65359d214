/**
 * LANDESK computers without an owner address (issue 21). Shapes derived from the original Netflix
 * Stethoscope's LANDESK query, whose owner is `LEFT OUTER JOIN LDAPUserAttrV A1 ... A1.EMAILADDR`
 * (spec §3.3): a computer with no `LDAPUserAttrV` row has a NULL `EMAILADDR`; and from Ivanti's
 * documented `Computer.LoginName` column ("Login Name", the last user to sign in, written
 * `DOMAIN\user`), which inventories also carry in `EMAILADDR` when the LDAP attribute mapping
 * is left at the sign-in name. No public payload of such rows was found; the fixture
 * (fixtures/landesk_owner_rows.json) is built from those column names.
 *
 * Right behaviour: a NULL-owner computer reached through a serial lookup arrives, owner unknown,
 * and the person's view names it ("could not be read in full: it names no owner"); `CORP\bob` is
 * bob@example.com only when `LANDESK_LOGIN_DOMAINS` maps CORP to example.com, and a sign-in name
 * of another domain (LAB\bob) or none (bob) is never taken for Bob.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { OwnershipSource } from "../../engine/core/ports.ts";
import type { Row } from "../../plugins/sources/landesk_sql.ts";
import { createLandeskSource, schema } from "../../plugins/sources/landesk.ts";
import { pluginContext } from "../support/sources.ts";
import { LANDESK_SECTION, landeskDatabase } from "../support/landesk_fake.ts";
import { engineWith } from "./engine_parts.ts";
import { realworldFixture } from "./fixture.ts";

const rows = await realworldFixture<Row[]>("landesk_owner_rows.json");
const BASE = LANDESK_SECTION;

function landesk(domains?: Record<string, string>) {
  const config = schema.parse(domains ? { ...BASE, LANDESK_LOGIN_DOMAINS: domains } : BASE);
  return createLandeskSource(config, pluginContext("landesk"), landeskDatabase(rows).query);
}

Deno.test("LANDESK: a computer with no LDAPUserAttrV row, found by serial, arrives with its owner unknown and named", async () => {
  // The asset register says the lab spare is Alice's; LANDESK knows it only by serial.
  const register: OwnershipSource = {
    name: "assets",
    timeoutMs: 1000,
    ownedDevicesByEmail: () =>
      Promise.resolve([{
        source: "assets",
        serial: "5CG4120JKL",
        identifiers: { serial: "5CG4120JKL" },
      }]),
  };
  const view = await engineWith({ deviceSources: [landesk()], ownershipSources: [register] })
    .devices("alice@example.com");
  assert.deepEqual(view.errors, []);
  assert.deepEqual(
    view.items.map((d) => [d.name, d.email, d.sources, d.practices.encryption?.status]),
    [["LAB-SPARE-07", undefined, ["assets", "landesk"], "ok"]],
  );
  assert.deepEqual(view.gaps, [{
    source: "landesk",
    kind: "partial",
    reason: "unread_owner",
    words: "it names no owner",
    count: 1,
  }]);
});

Deno.test("LANDESK: CORP\\bob is bob@example.com only when LANDESK_LOGIN_DOMAINS says so", async () => {
  const names = async (source: ReturnType<typeof landesk>) => {
    const view = await engineWith({ deviceSources: [source] }).devices("bob@example.com");
    assert.deepEqual(view.errors, []);
    return view.items.map((d) => [d.name, d.email]);
  };
  assert.deepEqual(await names(landesk({ CORP: "example.com" })), [
    ["BOB-LT", "bob@example.com"],
    ["BOB-DESK", "bob@example.com"],
  ]);
  // another company's CORP, or no map at all: Bob's sign-in names are not his address
  assert.deepEqual(await names(landesk({ CORP: "corp.example.net" })), []);
  assert.deepEqual(await names(landesk()), []);
  // by serial, the unmapped sign-in names arrive with the owner unknown, and say why
  const source = landesk({ CORP: "example.com" });
  const signal = new AbortController().signal;
  const found = await Promise.all(
    ["5CG4120STU", "5CG4120VWX", "5CG4120PQR"].map((s) => source.devicesBySerial!(s, { signal })),
  );
  assert.deepEqual(found.flat().map((d) => [d.name, d.email, d.unread]), [
    ["BOB-LAB", undefined, [{
      source: "landesk",
      field: "owner_sign_in",
      value: "LAB\\bob",
      reason: "its owner is a Windows sign-in name, not an email address",
    }]],
    ["BOB-KIOSK", undefined, [{
      source: "landesk",
      field: "owner_sign_in",
      value: "bob",
      reason: "its owner is a Windows sign-in name, not an email address",
    }]],
    ["BOB-DESK", "bob@example.com", undefined],
  ]);
});
