import assert from "node:assert/strict";
import { createOwnershipGuard, ownerKey } from "../../engine/identity/ownership.ts";
import type { DeviceSource, OwnershipSource } from "../../engine/core/ports.ts";
import type { DeviceRecord } from "../../engine/core/types.ts";
import { engineWith } from "../support/engine.ts";

const rec = (name: string, email: string | undefined, serial: string): DeviceRecord => ({
  source: "anysrc",
  name,
  ...(email === undefined ? {} : { email }),
  identifiers: { serial },
});

Deno.test("ownerKey() compares addresses case-insensitively, with domain aliases", () => {
  const key = ownerKey([["example.com", "Example.CO.UK"]]);
  assert.equal(key(" Alice@Example.co.uk "), "alice@example.com");
  assert.equal(key("alice@EXAMPLE.COM"), "alice@example.com");
  assert.equal(key("alice@partner.example"), "alice@partner.example");
  assert.equal(ownerKey()("Alice@Example.co.uk"), "alice@example.co.uk");
});

Deno.test("createOwnershipGuard() keeps records without an owner or owned by the person", () => {
  const guard = createOwnershipGuard({ aliases: [["example.com", "example.co.uk"]] });
  const records = [
    rec("own", "ALICE@example.com", "S1"),
    rec("alias", "alice@example.co.uk", "S2"),
    rec("no owner", undefined, "S3"),
    rec("empty owner", "", "S4"),
    rec("namesake", "alice@partner.example", "S5"),
    rec("other", "bob@example.com", "S6"),
  ];
  const kept = guard.keep("alice@example.com", {
    source: "anysrc",
    operation: "devicesByEmail",
    records,
  });
  assert.deepEqual(kept.map((r) => r.name), ["own", "alias", "no owner", "empty owner"]);
  const bySerial = guard.keep("alice@example.com", {
    source: "anysrc",
    operation: "devicesBySerial",
    records,
  });
  assert.equal(bySerial.length, 6);
});

Deno.test("createOwnershipGuard() reports drops once per source burst", () => {
  const log: string[] = [];
  const guard = createOwnershipGuard({
    reports: {
      failing: (e) => log.push(`failing ${e.source}: ${e.message}`),
      repeated: (e, n) => log.push(`repeated ${e.source} ${n}`),
      recovered: (s, n) => log.push(`recovered ${s} ${n}`),
    },
  });
  const answer = (source: string, email: string) => ({
    source,
    operation: "devicesByEmail",
    records: [rec("x", email, "S1")],
  });
  guard.keep("alice@example.com", answer("jamf", "bob@example.com"));
  guard.keep("alice@example.com", answer("jamf", "bob@example.com"));
  guard.keep("alice@example.com", answer("later", "carol@example.com"));
  guard.keep("alice@example.com", answer("jamf", "alice@example.com"));
  guard.keep("alice@example.com", answer("jamf", "alice@example.com"));
  assert.deepEqual(log, [
    "failing jamf: dropped 1 record(s) whose owner is another person",
    "repeated jamf 2",
    "failing later: dropped 1 record(s) whose owner is another person",
    "recovered jamf 2",
  ]);
});

Deno.test("the engine drops another person's records from every source's by-email answer", async () => {
  // A source written later, which the engine knows nothing about.
  const later: DeviceSource = {
    name: "later",
    timeoutMs: 1000,
    devicesByEmail: () =>
      Promise.resolve([
        { ...rec("Alice's Mac", "alice@example.com", "C02A"), source: "later" },
        { ...rec("Alice Other's Mac", "alice@partner.example", "C02B"), source: "later" },
      ]),
    // Reached through the ownership record's serial: kept whoever it names (spec §6.1).
    devicesBySerial: (serial) =>
      Promise.resolve([{ ...rec("Loaner", "it-pool@example.com", serial), source: "later" }]),
  };
  const bitfit: OwnershipSource = {
    name: "bitfit",
    timeoutMs: 1000,
    ownedDevicesByEmail: () =>
      Promise.resolve([
        { ...rec("Loaner", "Alice@Example.com", "LOAN1"), source: "bitfit" },
        { ...rec("Bob's phone", "bob@example.com", "PHONE1"), source: "bitfit" },
      ]),
  };
  const engine = engineWith({ deviceSources: [later], ownershipSources: [bitfit] });
  const { items, errors } = await engine.records("alice@example.com");
  assert.deepEqual(errors, []);
  assert.deepEqual(items.map((r) => `${r.source}:${r.name}`), [
    "bitfit:Loaner",
    "later:Alice's Mac",
    "later:Loaner",
  ]);
  const devices = await engine.devices("alice@example.com");
  assert.deepEqual(devices.items.map((d) => d.name).sort(), ["Alice's Mac", "Loaner"]);
});
