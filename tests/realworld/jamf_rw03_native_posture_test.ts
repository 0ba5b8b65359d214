/**
 * RW-03 — a Classic API computer record (macOS 12, Apple silicon) reports
 * `security.firewall_enabled: false` and has no firewall extension attribute: firewall showed
 * "unknown", and automatic updates showed a failing "Disabled settings" list JAMF never reported.
 * Source: the 30 November 2026 case file (shared cases, RW-03), a record shaped like the Classic
 * API's `GET /JSSResource/computers/id/{id}` answer. Fixture:
 * fixtures/jamf-computer-native-firewall-off.json.
 *
 * @module
 */
import assert from "node:assert/strict";
import { DEFAULT_PRACTICES } from "../../engine/practices/default_practices.ts";
import { applyPractices, buildPracticeSet } from "../../engine/practices/practices.ts";
import { realworldFixture } from "./fixture.ts";
import { emptyJamf } from "./jamf_support.ts";

const computer = await realworldFixture("jamf-computer-native-firewall-off.json");

Deno.test("RW-03: firewall off from JAMF's own field is critical; automatic updates unknown", async () => {
  const { fake, plugin } = await emptyJamf();
  try {
    fake.computers.set(1, computer);
    const [record] = await plugin.devicesBySerial!("C02TESTXXXX", {
      signal: new AbortController().signal,
    });
    const [judged] = applyPractices([record!], buildPracticeSet(DEFAULT_PRACTICES));
    const practices = judged!.practices!;
    assert.equal(practices.firewall?.value, false);
    assert.equal(practices.firewall?.status, "warn"); // critical
    assert.equal(practices.autoupdate?.status, "unknown");
    assert.equal(practices.autoupdate?.details, undefined);
    // The FileVault fields of the boot partition still decide disk encryption.
    assert.equal(practices.encryption?.value, true);
    assert.equal(practices.encryption?.status, "ok");
    assert.equal(practices.encryption?.details, "Macintosh HD (Boot Partition): Encrypted (100%)");
  } finally {
    await fake.close();
  }
});
