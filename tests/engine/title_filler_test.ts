import assert from "node:assert/strict";
import { DEFAULT_PRACTICES } from "../../engine/practices/default_practices.ts";
import { fillTitle } from "../../engine/practices/practice_titles.ts";
import { applyPractices, buildPracticeSet } from "../../engine/practices/practices.ts";
import { titleFiller } from "../../engine/practices/title_filler.ts";
import type { DeviceRecord } from "../../engine/core/types.ts";

const TEMPLATES = [
  "{os} {version} needs an update ({recommended} is current)",
  "This {device} is jailbroken or rooted",
  "Whether {os} was modified can't be checked",
  "Firewall is on",
];

// Records that differ in one fact at a time: a remembered title must never answer for another.
const FACTS = [
  { os: "Mac OS X", os_version: "10.13.4", platform: "Mac" },
  { os: "Mac OS X", os_version: "10.13.5", platform: "Mac" },
  { os: "Microsoft Windows 10 Enterprise", os_version: "10.0.16299", platform: "Windows" },
  { os: "Android", os_version: "8.1.0", platform: "Android", model: "Pixel 2" },
  { os: "Android", os_version: "8.1.0", platform: "Android", model: "Pixel 2", type: "Tablet" },
  { os: "iOS", os_version: "11.4", platform: "iOS", model: "iPad7,3" },
  { os: "iOS", os_version: "11.4", platform: "iOS", model: "iPhone10,6" },
  {},
];

Deno.test("titleFiller() answers what fillTitle() answers, for each record's own facts", () => {
  for (const template of TEMPLATES) {
    for (const recommended of [undefined, "26.6"]) {
      const fill = titleFiller(template); // one practice: its recommended version is fixed per OS
      // twice over: the second round is answered from what the first remembered
      for (let round = 0; round < 2; round++) {
        for (const facts of FACTS) {
          assert.equal(
            fill({ ...facts }, () => recommended),
            // a recommended version is looked up by OS: a record without one has none
            fillTitle(template, { ...facts, recommended: facts.os ? recommended : undefined }),
            `${template} / ${JSON.stringify(facts)} / ${recommended} / round ${round}`,
          );
        }
      }
    }
  }
});

Deno.test("titleFiller() asks for the recommended version only on a title not yet filled", () => {
  const fill = titleFiller("{os} {version} needs an update ({recommended} is current)");
  const asked: string[] = [];
  const recommended = (os: string) => {
    asked.push(os);
    return "26.6";
  };
  assert.equal(
    fill({ os: "macOS", os_version: "15.6" }, recommended),
    "macOS 15.6 needs an update (26.6 is current)",
  );
  assert.equal(
    fill({ os: "macOS", os_version: "15.6" }, recommended),
    "macOS 15.6 needs an update (26.6 is current)",
  );
  assert.equal(
    fill({ os: "macOS", os_version: "15.7" }, recommended),
    "macOS 15.7 needs an update (26.6 is current)",
  );
  assert.deepEqual(asked, ["macOS", "macOS"]);
});

Deno.test("applyPractices() titles each record by its own facts when records alternate", () => {
  const set = buildPracticeSet(DEFAULT_PRACTICES, ["uptodate", "jailed"]);
  const mac = { source: "jamf", os: "macOS", os_version: "15.6", platform: "Mac" };
  const phone = { source: "google", os: "Android", os_version: "16", platform: "Android" };
  const records: DeviceRecord[] = [mac, phone, mac, {
    ...phone,
    model: "Pixel Tablet",
    type: "Tablet",
  }];
  const out = applyPractices(records, set).map((r) => [
    r.practices?.uptodate?.title,
    r.practices?.jailed?.title,
  ]);
  const again = records.map((r) => applyPractices([r], set)[0]!).map((r) => [
    r.practices?.uptodate?.title,
    r.practices?.jailed?.title,
  ]);
  assert.deepEqual(out, again);
  assert.equal(out[0]![0], out[2]![0]);
  assert.notEqual(out[0]![0], out[1]![0]);
});
