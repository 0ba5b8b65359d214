import assert from "node:assert/strict";
import { DEFAULT_PRACTICES } from "../../engine/practices/default_practices.ts";
import {
  deviceNoun,
  fillTitle,
  friendlyOsName,
  friendlyOsVersion,
} from "../../engine/practices/practice_titles.ts";
import { applyPractices, buildPracticeSet } from "../../engine/practices/practices.ts";
import type { DeviceRecord } from "../../engine/core/types.ts";

const set = buildPracticeSet(DEFAULT_PRACTICES);

/** The shipped practices' titles for one record, by practice key (na ones left out). */
function titles(record: DeviceRecord): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, p] of Object.entries(applyPractices([record], set)[0]!.practices!)) {
    if (p.status !== "na") out[key] = `${p.status}: ${p.title}`;
  }
  return out;
}

const evidence = (values: Record<string, boolean | null>) =>
  Object.fromEntries(Object.entries(values).map(([k, v]) => [k, { value: v }]));

// Without release data a failing OS names the configured version to install (issue 27: one
// target per update item): the required one when critical, the recommended one when suggested.
Deno.test("shipped practices say each device's state in words, per status and platform", async (t) => {
  await t.step("a Mac with problems names them, with its macOS version", () => {
    assert.deepEqual(
      titles({
        source: "jamf",
        platform: "Mac",
        os: "macOS",
        os_version: "15.6",
        practices: evidence({
          encryption: false,
          autoupdate: false,
          firewall: false,
          remotelogin: true,
          screenlock: null,
        }),
      }),
      {
        encryption: "warn: Disk is not encrypted",
        uptodate: "warn: Install macOS 15.7",
        autoupdate: "nudge: Automatic updates are off",
        firewall: "warn: Firewall is off",
        remotelogin: "ok: Remote Login is off",
        screenlock: "unknown: Screen lock can't be checked on this Mac",
      },
    );
  });
  await t.step("a Mac with Remote Login on and everything else done", () => {
    assert.deepEqual(
      titles({
        source: "jamf",
        platform: "Mac",
        os: "Mac OS X",
        os_version: "26.6",
        practices: evidence({
          encryption: true,
          autoupdate: true,
          firewall: true,
          remotelogin: false,
          screenlock: true,
        }),
      }),
      {
        encryption: "ok: Disk is encrypted",
        uptodate: "ok: macOS 26.6 is up to date",
        autoupdate: "ok: Automatic updates are on",
        firewall: "ok: Firewall is on",
        remotelogin: "nudge: Remote Login is on",
        screenlock: "ok: Screen lock is on",
      },
    );
  });
  await t.step("a Windows PC names its release and build", () => {
    assert.deepEqual(
      titles({
        source: "landesk",
        platform: "Windows",
        os: "Microsoft Windows 11 Enterprise, 64-bit",
        os_version: "10.0.26100",
        practices: evidence({
          encryption: true,
          autoupdate: null,
          firewall: true,
          screenlock: false,
        }),
      }),
      {
        encryption: "ok: Disk is encrypted",
        uptodate: "nudge: Install Windows 11 25H2",
        autoupdate: "unknown: Automatic updates can't be checked on this PC",
        firewall: "ok: Firewall is on",
        screenlock: "warn: Screen lock is off or too slow",
      },
    );
  });
  await t.step("an iPhone whose screen lock nobody reports", () => {
    assert.deepEqual(
      titles({
        source: "google",
        platform: "iOS",
        os: "iOS",
        os_version: "18.6",
        practices: evidence({ jailed: true, encryption: true }),
      }),
      {
        jailed: "ok: iOS is unmodified",
        encryption: "ok: Disk is encrypted",
        uptodate: "warn: Install iOS 18.7",
        screenlock: "unknown: Screen lock can't be checked on this iPhone",
      },
    );
  });
  await t.step("a rooted Android phone with USB debugging on", () => {
    assert.deepEqual(
      titles({
        source: "google",
        platform: "Android",
        os: "Android",
        os_version: "15",
        practices: evidence({
          jailed: false,
          encryption: false,
          screenlock: true,
          unknownsources: false,
          adbstatus: false,
        }),
      }),
      {
        jailed: "warn: This phone is jailbroken or rooted",
        encryption: "warn: Disk is not encrypted",
        uptodate: "nudge: Install Android 16",
        screenlock: "ok: Screen lock is on",
        unknownsources: "nudge: Apps from unknown sources are allowed",
        adbstatus: "nudge: USB debugging is on",
      },
    );
  });
  await t.step("an Android phone that follows every practice", () => {
    assert.deepEqual(
      titles({
        source: "google",
        platform: "Android",
        os: "Android",
        os_version: "16.0.0",
        practices: evidence({
          jailed: true,
          encryption: true,
          screenlock: true,
          unknownsources: true,
          adbstatus: true,
        }),
      }),
      {
        jailed: "ok: Android is unmodified",
        encryption: "ok: Disk is encrypted",
        uptodate: "ok: Android 16.0.0 is up to date",
        screenlock: "ok: Screen lock is on",
        unknownsources: "ok: Apps come only from the Play Store",
        adbstatus: "ok: USB debugging is off",
      },
    );
  });
  await t.step("a Chromebook with no version reported (Google gives it no platform)", () => {
    assert.deepEqual(
      titles({ source: "google", os: "ChromeOS" }),
      {
        jailed: "unknown: Whether ChromeOS was modified can't be checked",
        uptodate: "unknown: Whether ChromeOS is up to date can't be checked",
        screenlock: "unknown: Screen lock can't be checked on this Chromebook",
      },
    );
  });
});

Deno.test("fillTitle() leaves out what it cannot fill", async (t) => {
  await t.step("no recommended version: the parenthesised part goes", () => {
    assert.equal(
      fillTitle("{os} {version} needs an update ({recommended} is current)", {
        os: "Android",
        os_version: "13",
      }),
      "Android 13 needs an update",
    );
  });
  await t.step("no OS: said in words, capitalised at the start only", () => {
    assert.equal(
      fillTitle("{os} {version} is up to date", {}),
      "The operating system is up to date",
    );
    assert.equal(
      fillTitle("Whether {os} is up to date can't be checked", {}),
      "Whether the operating system is up to date can't be checked",
    );
  });
  await t.step("a title without placeholders is unchanged", () => {
    assert.equal(fillTitle("Firewall (macOS only)", {}), "Firewall (macOS only)");
  });
});

Deno.test("friendly OS names, versions and device nouns", () => {
  assert.equal(friendlyOsName("Microsoft Windows 10 Enterprise"), "Windows 10");
  assert.equal(friendlyOsName("Microsoft Windows 11 Pro, 64-bit"), "Windows 11");
  assert.equal(friendlyOsName("Mac OS X"), "macOS");
  assert.equal(friendlyOsName("  "), undefined);
  assert.equal(friendlyOsVersion("Microsoft Windows 10", "10.0.19045.6456"), "build 19045");
  assert.equal(friendlyOsVersion("Android", "10.0.1"), "10.0.1");
  assert.equal(deviceNoun({ os: "iOS", model: "iPad Air" }), "iPad");
  assert.equal(deviceNoun({ os: "Android", type: "Tablet" }), "tablet");
  assert.equal(deviceNoun({ os: "Android" }), "phone");
  assert.equal(deviceNoun({}), "device");
});
