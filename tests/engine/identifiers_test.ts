import assert from "node:assert/strict";
import {
  canonicalMac,
  filterMacs,
  invalidMessage,
  isUniqueMac,
  isValidMac,
  macFilterReason,
  macsFrom,
} from "../../engine/identity/identifiers.ts";

Deno.test("isValidMac() accepts 48/56/64-bit MACs with ':', '-' or no separators", async (t) => {
  const valid = [
    "00:de:ca:fb:ad:00",
    "0A08CCA544F1",
    "00-de-ca-fb-ad-00",
    "00:de-ca:fb-ad:00",
    "00:de:ca:fb:ad:00:01",
    "00:de:ca:fb:ad:00:01:02",
  ];
  for (const mac of valid) await t.step(mac, () => assert.equal(isValidMac(mac), true));
  const invalid = [
    "00:00",
    "",
    "00:de:ca:fb:ad",
    "00:de:ca:fb:ad:00:01:02:03",
    "zz:de:ca:fb:ad:00",
    "00::de:ca:fb:ad:00",
  ];
  for (const mac of invalid) {
    await t.step(`rejects ${JSON.stringify(mac)}`, () => assert.equal(isValidMac(mac), false));
  }
});

Deno.test("canonicalMac() gives upper-case pairs joined by ':' (decision 18 strips '-')", () => {
  assert.equal(canonicalMac("0000decafbad"), "00:00:DE:CA:FB:AD");
  assert.equal(canonicalMac("00-de-ca-fb-ad-00"), "00:DE:CA:FB:AD:00");
  assert.equal(canonicalMac("00:de-ca:fb-ad:00"), "00:DE:CA:FB:AD:00");
  assert.equal(canonicalMac("00:de:ca:fb:ad:00:01"), "00:DE:CA:FB:AD:00:01");
  assert.equal(canonicalMac("0011223344556677"), "00:11:22:33:44:55:66:77");
  assert.throws(() => canonicalMac("00:00"), {
    name: "TypeError",
    message: 'Invalid MAC address "00:00"',
  });
});

Deno.test("isUniqueMac() drops locally administered, group and zero-OUI addresses", async (t) => {
  const cases: [string, boolean][] = [
    ["00:DE:CA:FB:AD:00", true],
    ["F0:18:98:12:34:56", true],
    ["AC:BC:32:00:00:01", true],
    ["02:00:00:00:00:00", false], // locally administered (iOS privacy address)
    ["06:11:22:33:44:55", false],
    ["0A:11:22:33:44:55", false],
    ["0E:11:22:33:44:55", false],
    ["01:00:5E:00:00:01", false], // multicast
    ["03:11:22:33:44:55", false],
    ["FF:FF:FF:FF:FF:FF", false], // broadcast
    ["00:00:00:12:34:56", false], // zero OUI
    ["00:00:01:12:34:56", true],
  ];
  for (const [mac, unique] of cases) {
    await t.step(mac, () => assert.equal(isUniqueMac(mac), unique));
  }
});

Deno.test("filterMacs() keeps the unique MACs in input order", () => {
  assert.deepEqual(
    filterMacs([
      "F0:18:98:00:00:02",
      "02:00:00:00:00:00",
      "00:DE:CA:FB:AD:00",
      "00:00:00:00:00:00",
    ]),
    ["F0:18:98:00:00:02", "00:DE:CA:FB:AD:00"],
  );
});

Deno.test("macsFrom() canonicalises, de-duplicates and drops invalid or non-unique values", () => {
  assert.deepEqual(
    macsFrom([
      "00-de-ca-fb-ad-00",
      "00:DE:CA:FB:AD:00",
      "",
      null,
      "bad",
      "02:00:00:00:00:00",
      "0000decafbad",
      "000000fbad00",
    ]),
    ["00:DE:CA:FB:AD:00", "00:00:DE:CA:FB:AD"],
  );
});

Deno.test("invalidMessage() words a bad path parameter like the original", () => {
  assert.equal(invalidMessage("MAC address", "00:00"), "Invalid MAC address: '00:00'.");
});

Deno.test("invalidMessage() shortens long values and hides control characters", () => {
  assert.equal(
    invalidMessage("email address", "a\u0000b\u001b[31m"),
    "Invalid email address: 'a?b?[31m'.",
  );
  const long = invalidMessage("serial number", "x".repeat(10_000));
  assert.equal(long, `Invalid serial number: '${"x".repeat(200)}…'.`);
});

Deno.test("isUniqueMac() is macFilterReason() === null, in any spelling of the MAC", async (t) => {
  const cases: [string, string | null][] = [
    ["F0:18:98:12:34:56", null],
    ["f0-18-98-12-34-56", null],
    ["f01898123456", null],
    ["02:00:00:00:00:00", "locally administered"],
    ["0a1122334455", "locally administered"],
    ["01-00-5e-00-00-01", "group address"],
    ["00:00:00:12:34:56", "zero OUI"],
    ["000000123456", "zero OUI"],
    ["00-00-00-ab-cd-ef", "zero OUI"],
    ["nonsense", "not a MAC address"],
  ];
  for (const [mac, reason] of cases) {
    await t.step(mac, () => {
      assert.equal(macFilterReason(mac), reason);
      assert.equal(isUniqueMac(mac), reason === null);
    });
  }
});
