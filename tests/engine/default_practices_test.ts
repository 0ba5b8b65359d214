import assert from "node:assert/strict";
import {
  DEFAULT_PRACTICES,
  DEFAULT_PRACTICES_ENABLED,
  EXAMPLE_SOFTWARE_PRACTICES,
} from "../../engine/practices/default_practices.ts";
import { PracticesConfigSchema } from "../../engine/practices/practice_config.ts";
import { applyPractices, buildPracticeSet } from "../../engine/practices/practices.ts";
import type { DeviceRecord } from "../../engine/core/types.ts";
import { bitfitLgmlPfry, jamfLgmlPfry, statuses } from "./engine_fixtures.ts";

const set = buildPracticeSet(DEFAULT_PRACTICES);
const uptodate = (record: DeviceRecord) => applyPractices([record], set)[0]!.practices!.uptodate!;

Deno.test("DEFAULT_PRACTICES validates and enables the nine original practices", () => {
  assert.deepEqual(PracticesConfigSchema.parse(DEFAULT_PRACTICES), DEFAULT_PRACTICES);
  assert.equal(PracticesConfigSchema.safeParse(EXAMPLE_SOFTWARE_PRACTICES).success, true);
  assert.deepEqual(DEFAULT_PRACTICES_ENABLED, [
    "jailed",
    "encryption",
    "uptodate",
    "autoupdate",
    "firewall",
    "remotelogin",
    "screenlock",
    "unknownsources",
    "adbstatus",
  ]);
});

Deno.test("DEFAULT_PRACTICES link only to the vendors' own instructions", () => {
  const allowed =
    /^https:\/\/(support\.apple\.com|support\.microsoft\.com|support\.google\.com|developer\.android\.com)\//;
  const links = JSON.stringify(DEFAULT_PRACTICES).match(/https?:\/\/[^)"\s]+/g) ?? [];
  assert.ok(links.length >= 15);
  for (const link of links) assert.match(link, allowed);
});

Deno.test("default uptodate recognises both 'Mac OS X' and 'macOS'", () => {
  for (const os of ["Mac OS X", "macOS"]) {
    assert.equal(uptodate({ source: "jamf", os, os_version: "14.7.1" }).status, "warn");
    assert.equal(uptodate({ source: "jamf", os, os_version: "15.7.2" }).status, "nudge");
    assert.equal(uptodate({ source: "jamf", os, os_version: "26.6" }).status, "ok");
    assert.equal(uptodate({ source: "jamf", os, os_version: "27.1" }).status, "ok");
    assert.match(
      uptodate({ source: "jamf", os, os_version: "26.6" }).directions!,
      /support\.apple\.com/,
    );
  }
});

Deno.test("default uptodate covers iOS, iPadOS, Android, ChromeOS and Windows 10/11", () => {
  const cases: [Partial<DeviceRecord>, string][] = [
    [{ os: "iOS", os_version: "17.6.1" }, "warn"],
    [{ os: "iPadOS", os_version: "18.7.2" }, "nudge"],
    [{ os: "iOS", os_version: "26.6.0" }, "ok"],
    [{ os: "Android", os_version: "13.0.0" }, "warn"],
    [{ os: "Android", os_version: "15.0.0" }, "nudge"],
    [{ os: "Android", os_version: "16.0.0" }, "ok"],
    [{ os: "ChromeOS", os_version: "138.0.7204.221" }, "warn"],
    [{ os: "ChromeOS", os_version: "152.0.7000.1" }, "ok"],
    [{ os: "Microsoft Windows 11 Enterprise, 64-bit", os_version: "10.0.22631" }, "warn"],
    [{ os: "Microsoft Windows 11 Enterprise, 64-bit", os_version: "10.0.26100.4946" }, "nudge"],
    [{ os: "Microsoft Windows 11 Pro", os_version: "6.3", os_build: "26200" }, "ok"],
    [{ os: "Microsoft Windows 10 Enterprise", os_version: "10.0.19044" }, "warn"],
    [{ os: "Microsoft Windows 10 Enterprise", os_version: "10.0.19045.6456" }, "ok"],
    [{ os: "Microsoft Windows 7 Enterprise", os_version: "6.1.7601" }, "warn"],
  ];
  for (const [fields, want] of cases) {
    assert.equal(uptodate({ source: "s", ...fields }).status, want, JSON.stringify(fields));
  }
});

Deno.test("default practices judge the JAMF lgml-pfry record with current versions", () => {
  const [jamf, bitfit] = applyPractices([jamfLgmlPfry(), bitfitLgmlPfry()], set);
  assert.deepEqual(statuses(jamf!), {
    encryption: "ok",
    uptodate: "warn",
    autoupdate: "nudge",
    firewall: "warn",
    screenlock: "unknown",
    remotelogin: "unknown",
    jailed: "na",
    unknownsources: "na",
    adbstatus: "na",
  });
  assert.equal(
    jamf!.practices!.uptodate!.details,
    "Install macOS 15.7. Mac OS X 10.10.5 is older than the version we require.",
  );
  assert.equal(jamf!.practices!.firewall!.title, "Firewall is off");
  assert.match(jamf!.practices!.firewall!.directions!, /System Settings → Network → Firewall/);
  assert.equal(bitfit!.practices!.jailed!.status, "unknown");
  assert.equal(bitfit!.practices!.encryption!.status, "na");
});
