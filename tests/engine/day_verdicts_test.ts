/**
 * The up-to-date practice's verdicts shared across people for a day (issue 24,
 * `engine/practices/day_verdicts.ts`): the same answers as judging every record afresh, at every
 * instant — the next UTC day, a new release snapshot, and instants that are not UTC midnights.
 * Release data shaped as SOFA's `SecurityReleases` (`ReleaseDate` "…T00:00:00Z") and
 * endoflife.date's cycles (`eol` a date), as `tests/engine/practice_policies_test.ts` has them.
 */
import assert from "node:assert/strict";
import { DEFAULT_PRACTICES } from "../../engine/practices/default_practices.ts";
import { buildPracticeSet } from "../../engine/practices/practices.ts";
import type { ReleaseData, ReleaseSnapshot } from "../../engine/releases/releases.ts";
import type { DeviceRecord } from "../../engine/core/types.ts";

const at = (iso: string) => new Date(iso);
const appleData = (released: Date): ReleaseData => ({
  apple: {
    iOS: [{
      major: 26,
      latest: "26.7.1",
      latestReleased: released,
      securityReleases: [{ version: "26.7.1", released, exploited: ["CVE-2026-86950"] }],
    }],
  },
  lifecycles: {},
});
const snapshotOf = (data: ReleaseData): ReleaseSnapshot => ({
  data,
  origin: "feed",
  asOf: at("2026-09-28T00:00:00Z"),
});
const PHONE: DeviceRecord = { source: "google", platform: "iOS", os: "iOS", os_version: "26.6" };
const OTHER_PHONE: DeviceRecord = { ...PHONE, source: "intune", name: "someone else's" };

/** The up-to-date practice over a settable clock and release snapshot. */
function uptodate(clock: { now: Date; snapshot: ReleaseSnapshot | null }) {
  const [practice] = buildPracticeSet(DEFAULT_PRACTICES, ["uptodate"], {
    releases: { snapshot: () => clock.snapshot },
    now: () => clock.now,
  });
  return (record: DeviceRecord) => practice!.evaluate(record);
}

/** A settable clock at `now`, SOFA's iOS 26.7.1 out at `released`, and the practice over both. */
function atTime(now: string, released = "2026-09-28T00:00:00Z") {
  const clock = { now: at(now), snapshot: snapshotOf(appleData(at(released))) };
  return { clock, evaluate: uptodate(clock) };
}

/** The verdict of a practice set made for this one evaluation (nothing remembered). */
function fresh(record: DeviceRecord, now: Date, snapshot: ReleaseSnapshot | null) {
  return uptodate({ now, snapshot })(record);
}

Deno.test("day verdicts: a second person's device with the same OS facts gets the same verdict", () => {
  const { clock, evaluate } = atTime("2026-10-05T09:00:00Z");
  const first = evaluate(PHONE);
  assert.equal(first.status, "nudge");
  assert.equal(first.title, "Install iOS 26.7.1 by 12 October");
  assert.deepEqual(evaluate(OTHER_PHONE), first);
  assert.deepEqual(first, fresh(PHONE, clock.now, clock.snapshot));
});

Deno.test("day verdicts: the deadline passes at the next UTC midnight, not later", () => {
  const { clock, evaluate } = atTime("2026-10-11T23:59:59.999Z");
  assert.equal(evaluate(PHONE).title, "Install iOS 26.7.1 by 12 October");
  clock.now = at("2026-10-12T00:00:00Z");
  assert.equal(evaluate(PHONE).title, "Install iOS 26.7.1 (it was due by 12 October)");
  assert.equal(evaluate(PHONE).status, "nudge");
  clock.now = at("2026-10-13T00:00:00Z");
  assert.equal(evaluate(PHONE).status, "warn");
});

Deno.test("day verdicts: a new release snapshot is judged afresh the same day", () => {
  const { clock, evaluate } = atTime("2026-10-05T09:00:00Z");
  assert.equal(evaluate(PHONE).status, "nudge");
  clock.snapshot = snapshotOf(appleData(at("2026-09-01T00:00:00Z")));
  assert.equal(evaluate(PHONE).status, "warn");
  assert.deepEqual(evaluate(PHONE), fresh(PHONE, clock.now, clock.snapshot));
});

Deno.test("day verdicts: release instants that are not UTC midnights are judged at every view", () => {
  // released at 17:00 UTC: due at 17:00 UTC 14 days later, in the middle of a day
  const { clock, evaluate } = atTime("2026-10-12T16:00:00Z", "2026-09-28T17:00:00Z");
  assert.equal(evaluate(PHONE).title, "Install iOS 26.7.1 by 12 October");
  clock.now = at("2026-10-12T17:00:00Z");
  assert.equal(evaluate(PHONE).title, "Install iOS 26.7.1 (it was due by 12 October)");
  assert.deepEqual(evaluate(PHONE), fresh(PHONE, clock.now, clock.snapshot));
});

Deno.test("day verdicts: a Chromebook expiring in the middle of a day is judged at every view", () => {
  const chromebook: DeviceRecord = {
    source: "google",
    platform: "ChromeOS",
    os: "ChromeOS",
    os_version: "142.0.7444.180",
    auto_update_expiration: at("2026-10-12T12:00:00Z"),
  };
  const { clock, evaluate } = atTime("2026-10-12T11:59:59Z");
  const before = evaluate(chromebook);
  clock.now = at("2026-10-12T12:00:00Z");
  const after = evaluate(chromebook);
  assert.deepEqual(before, fresh(chromebook, at("2026-10-12T11:59:59Z"), clock.snapshot));
  assert.deepEqual(after, fresh(chromebook, clock.now, clock.snapshot));
  assert.notDeepEqual(after, before);
});
