/**
 * RW-06 — Google mobile devices carry `devicePasswordStatus` "On" / "Off"; screen lock showed
 * "unknown" for all of them. Source: the 30 November 2026 case file (shared cases, RW-06), a
 * Directory API `mobiledevices.list` answer (fields as in the `mobiledevices` resource reference).
 * Fixture: fixtures/google-mobiledevices-password-status.json.
 *
 * @module
 */
import assert from "node:assert/strict";
import { DEFAULT_PRACTICES } from "../../engine/practices/default_practices.ts";
import { applyPractices, buildPracticeSet } from "../../engine/practices/practices.ts";
import { googleWorld } from "./google_support.ts";
import { realworldFixture } from "./fixture.ts";

const { mobiledevices } = await realworldFixture<{ mobiledevices: unknown[] }>(
  "google-mobiledevices-password-status.json",
);

Deno.test("RW-06: devicePasswordStatus Off is a critical screen lock, On is ok", async () => {
  const world = await googleWorld(new Date("2026-11-30T09:00:00Z"));
  try {
    world.fake.mobile.push(...mobiledevices);
    const records = await world.source.devicesByEmail!("alice@example.com", {
      signal: new AbortController().signal,
    });
    const judged = applyPractices(records, buildPracticeSet(DEFAULT_PRACTICES));
    assert.deepEqual(
      judged.map((d) => [d.model, d.practices?.screenlock?.value, d.practices?.screenlock?.status]),
      [
        ["SM-G960F", true, "ok"],
        ["iPhone10,6", true, "ok"],
        ["Nexus 5X", false, "warn"], // warn is the critical status
      ],
    );
  } finally {
    await world.close();
  }
});
