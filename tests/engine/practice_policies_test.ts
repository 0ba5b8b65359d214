import assert from "node:assert/strict";
import { DEFAULT_PRACTICES } from "../../engine/practices/default_practices.ts";
import { buildPracticeSet } from "../../engine/practices/practices.ts";
import type { ReleaseData, ReleaseSnapshot } from "../../engine/releases/releases.ts";
import type { DeviceRecord } from "../../engine/core/types.ts";

const d = (iso: string) => new Date(`${iso}T00:00:00Z`);
const DATA: ReleaseData = {
  apple: {
    iOS: [{
      major: 26,
      latest: "26.7.1",
      latestReleased: d("2026-09-28"),
      securityReleases: [{
        version: "26.7.1",
        released: d("2026-09-28"),
        exploited: ["CVE-2026-86950"],
      }],
    }],
  },
  lifecycles: {},
};
const PHONE: DeviceRecord = { source: "google", platform: "iOS", os: "iOS", os_version: "26.6" };

function uptodate(snapshot: ReleaseSnapshot | null, now: () => Date) {
  const [practice] = buildPracticeSet(DEFAULT_PRACTICES, ["uptodate"], {
    releases: { snapshot: () => snapshot },
    now,
  });
  return (record: DeviceRecord) => practice!.evaluate(record);
}

Deno.test("uptodate: the worse of the static table and the OS policy, citing both", () => {
  const snapshot = { data: DATA, origin: "feed" as const, asOf: d("2026-11-30") };
  const judged = uptodate(snapshot, () => d("2026-10-13"))(PHONE);
  assert.equal(judged.status, "warn");
  assert.equal(
    judged.details,
    "Install iOS 26.7.1; it was due by 12 October. iOS 26.6 — 26.7.1 fixes actively exploited " +
      "issues and has been out 15 days; it was due by 12 October.",
  );
});

Deno.test("uptodate: the clock is read at each evaluation, so deadlines move on", () => {
  let now = d("2026-10-01");
  const evaluate = uptodate({ data: DATA, origin: "store", asOf: d("2026-10-01") }, () => now);
  assert.equal(evaluate(PHONE).status, "nudge");
  now = d("2026-10-20");
  assert.equal(evaluate(PHONE).status, "warn");
});

Deno.test("uptodate: without release data, the original's static verdict alone", () => {
  const judged = uptodate(null, () => d("2026-11-30"))(PHONE);
  assert.equal(judged.status, "ok");
  assert.equal(judged.details, "We recommend iOS 26.6 or later.");
  const noPort = buildPracticeSet(DEFAULT_PRACTICES, ["uptodate"])[0]!.evaluate(PHONE);
  assert.deepEqual(noPort, judged);
});
