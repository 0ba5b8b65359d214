import assert from "node:assert/strict";
import {
  compareOsVersions,
  compareVersions,
  isOlder,
  isValidVersion,
  parseOsVersion,
  parseVersion,
} from "../../engine/releases/versions.ts";

Deno.test("compareVersions() orders dotted numeric versions part by part", async (t) => {
  const cases: [string, string, -1 | 0 | 1][] = [
    ["10.12.1", "10.11.6", 1],
    ["10.10.5", "10.11.0", -1],
    ["10.9", "10.10", -1],
    ["9.3", "9.3.0", 0],
    ["10", "10.0.0", 0],
    ["6.0.1", "6.0.0", 1],
    ["26.6", "15.7", 1],
    ["10.0.26100.4946", "10.0.26100", 1], // 4-part Windows build
    ["10.0.19045.6456", "10.0.26100", -1],
    ["10.0.26200", "10.0.26200.0", 0],
  ];
  for (const [a, b, want] of cases) {
    await t.step(`${a} vs ${b}`, () => {
      assert.equal(compareVersions(a, b), want);
      assert.equal(compareVersions(b, a), -want || 0);
    });
  }
});

Deno.test("compareVersions() follows PEP 440 for pre-, post- and dev-releases", () => {
  assert.equal(compareVersions("2.6.3rc1", "2.6.3"), -1);
  assert.equal(compareVersions("2.6.3a1", "2.6.3b1"), -1);
  assert.equal(compareVersions("1.0.dev0", "1.0a0"), -1);
  assert.equal(compareVersions("1.0.post1", "1.0"), 1);
  assert.equal(compareVersions("1.0-1", "1.0.post1"), 0);
  assert.equal(compareVersions("v1.2", "1.2"), 0);
  assert.equal(compareVersions("1.0+local.2", "1.0+local.10"), -1);
});

Deno.test("compareVersions() sorts an unparseable version below every valid one, never throwing", () => {
  assert.equal(compareVersions("18.03.1-ce", "0.0.1"), -1);
  assert.equal(compareVersions("0", "beta"), 1);
  assert.equal(compareVersions("", "0"), -1);
  assert.equal(compareVersions("abc", "abd"), -1);
  assert.equal(compareVersions("abc", "abc"), 0);
  assert.equal(isOlder("Unknown", "1.0"), true);
});

Deno.test("parseVersion() drops trailing zeros and rejects non-versions", () => {
  assert.deepEqual(parseVersion("9.3.0")?.release, [9, 3]);
  assert.deepEqual(parseVersion("7120.2015.1102.1")?.release, [7120, 2015, 1102, 1]);
  assert.equal(isValidVersion("14.0.0"), true);
  assert.equal(isValidVersion("not a version"), false);
  assert.equal(isValidVersion("(a)"), false);
  assert.equal(isValidVersion("Tahoe"), false);
});

Deno.test("parseVersion() reads Apple RSR letters and build ids in parentheses", async (t) => {
  await t.step("an RSR letter is newer than the plain version, older than the next", () => {
    assert.equal(compareVersions("26.3.1 (a)", "26.3.1"), 1);
    assert.equal(compareVersions("26.3.1 (a)", "26.3.1.0"), 1);
    assert.equal(compareVersions("26.3.1 (b)", "26.3.1 (a)"), 1);
    assert.equal(compareVersions("26.3.1 (c)", "26.3.2"), -1);
    assert.equal(compareVersions("26.3.1(a)", "26.3.1 (a)"), 0);
    assert.equal(compareVersions("26.3.1 (A)", "26.3.1 (a)"), 0);
    assert.equal(parseVersion("26.3.1 (a)")?.rsr, "a");
  });
  await t.step("a build id is kept and ignored in comparisons", () => {
    assert.equal(parseVersion("10.13.4 (17E199)")?.build, "17E199");
    assert.equal(compareVersions("10.13.4 (17E199)", "10.13.4"), 0);
    assert.equal(compareVersions("14.1 (Build 23B74)", "14.1"), 0);
    assert.equal(compareVersions("13.3.1 (a) (22E772610a)", "13.3.1"), 1);
  });
});

Deno.test("parseOsVersion() follows each OS's spelling", async (t) => {
  await t.step("Apple: a glued letter is an RSR letter, never an alpha", () => {
    for (const os of ["macOS", "Mac OS X", "iOS", "iPadOS"]) {
      assert.equal(parseOsVersion("13.4.1a", os)?.rsr, "a", os);
      assert.equal(compareOsVersions("13.4.1a", "13.4.1", os), 1, os);
      assert.equal(compareOsVersions("13.4.1 c", "13.4.1 (b)", os), 1, os);
    }
    assert.equal(compareOsVersions("macOS 26.3.1", "26.3.1", "macOS"), 0);
    assert.equal(compareOsVersions("Version 26.2 (Build 25C56)", "26.2", "macOS"), 0);
  });
  await t.step("elsewhere a glued letter keeps its PEP 440 meaning", () => {
    assert.equal(compareOsVersions("2.0a", "2.0", "Android"), -1);
    assert.equal(compareOsVersions("2.0a", "2.0"), -1);
  });
  await t.step("Windows: four-part builds, and systeminfo's spelling", () => {
    assert.equal(
      compareOsVersions("10.0.22631 N/A Build 22631", "10.0.22631", "Microsoft Windows 11 Pro"),
      0,
    );
    assert.equal(compareOsVersions("10.0.22631 N/A Build 22631", "10.0.22631"), null);
    assert.equal(compareOsVersions("10.0.22631.4460", "10.0.26100", "Microsoft Windows 11"), -1);
  });
  await t.step("anything else is null, so callers can say unknown", () => {
    assert.equal(compareOsVersions("Tahoe", "26.0", "macOS"), null);
    assert.equal(compareOsVersions("26.0", "", "macOS"), null);
    assert.equal(parseOsVersion("six", "Android"), null);
  });
});
