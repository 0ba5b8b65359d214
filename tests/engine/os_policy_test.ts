import assert from "node:assert/strict";
import { parseOsPolicy } from "../../engine/releases/os_policy.ts";
import { PracticesConfigSchema } from "../../engine/practices/practice_config.ts";
import { DEFAULT_PRACTICES } from "../../engine/practices/default_practices.ts";

Deno.test("parseOsPolicy() reads every clause of a one-line policy", () => {
  assert.deepEqual(parseOsPolicy("supported; behind 2; deadline 21d; exploited 14d"), {
    line: "supported; behind 2; deadline 21d; exploited 14d",
    supported: true,
    behind: 2,
    deadlineDays: 21,
    exploitedDays: 14,
  });
  assert.deepEqual(parseOsPolicy(" patch-suggested 60d ;patch-critical 90d "), {
    line: " patch-suggested 60d ;patch-critical 90d ",
    supported: false,
    patchSuggestedDays: 60,
    patchCriticalDays: 90,
  });
});

Deno.test("parseOsPolicy() names the clause it cannot read and what it accepts", async (t) => {
  const accepted =
    '"supported", "behind N", "deadline Dd", "exploited Dd", "patch-suggested Dd", "patch-critical Dd"';
  const cases: [string, string][] = [
    ["deadline 14", `cannot read policy clause "deadline 14"; expected one of ${accepted}`],
    ["supported yes", `cannot read policy clause "supported yes"; expected one of ${accepted}`],
    ["behind two", `cannot read policy clause "behind two"; expected one of ${accepted}`],
    ["eol 3d", `cannot read policy clause "eol 3d"; expected one of ${accepted}`],
    [" ; ", `empty policy; use clauses such as ${accepted}`],
    [
      "patch-suggested 90d; patch-critical 60d",
      "patch-suggested (90d) must not be longer than patch-critical (60d)",
    ],
  ];
  for (const [line, message] of cases) {
    await t.step(line, () => {
      assert.throws(() => parseOsPolicy(line), { name: "SyntaxError", message });
    });
  }
});

Deno.test("PRACTICES validation reports a bad OS_POLICIES line with its path", () => {
  const result = PracticesConfigSchema.safeParse({
    uptodate: { ...DEFAULT_PRACTICES.uptodate, OS_POLICIES: { macOS: "deadline soon" } },
  });
  assert.equal(result.success, false);
  assert.deepEqual(result.error!.issues.map((i) => [i.path.join("."), i.message]), [[
    "uptodate.OS_POLICIES.macOS",
    'cannot read policy clause "deadline soon"; expected one of "supported", "behind N", ' +
    '"deadline Dd", "exploited Dd", "patch-suggested Dd", "patch-critical Dd"',
  ]]);
});

Deno.test("PRACTICES validation refuses an OS_POLICIES key that could never match a device", () => {
  const result = PracticesConfigSchema.safeParse({
    uptodate: {
      ...DEFAULT_PRACTICES.uptodate,
      OS_POLICIES: {
        MacOS: "supported",
        Windos: "supported",
        // usable: exact names, a longer name, a word prefix of a name
        "Mac OS X": "supported",
        "Microsoft Windows 11": "supported",
        Mac: "supported",
      },
    },
  });
  assert.equal(result.success, false);
  const names = '"macOS", "Mac OS X", "iOS", "iPadOS", "Android", "ChromeOS", "Chrome OS", ' +
    '"Windows", "Microsoft Windows"';
  assert.deepEqual(result.error!.issues.map((i) => [i.path.join("."), i.message]), [
    [
      "uptodate.OS_POLICIES.MacOS",
      `"MacOS" names no OS a policy can judge; use the OS name as inventories report it, starting with one of ${names} (letter case counts)`,
    ],
    [
      "uptodate.OS_POLICIES.Windos",
      `"Windos" names no OS a policy can judge; use the OS name as inventories report it, starting with one of ${names} (letter case counts)`,
    ],
  ]);
});
