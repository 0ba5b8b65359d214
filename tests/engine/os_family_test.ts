import assert from "node:assert/strict";
import { LIFECYCLE_PRODUCT, osFamily, policyKeyProblem } from "../../engine/releases/os_family.ts";

Deno.test("osFamily() reads OS names as inventories report them", async (t) => {
  const cases: [string, string | undefined][] = [
    ["Mac OS X", "macOS"],
    ["macOS", "macOS"],
    ["MacOS", "macOS"],
    ["iPadOS", "iPadOS"],
    ["iOS", "iOS"],
    ["Android", "Android"],
    ["Chrome OS", "ChromeOS"],
    ["ChromeOS", "ChromeOS"],
    ["Microsoft Windows 11 Enterprise, 64-bit", "Windows"],
    ["Windows 10 Pro", "Windows"],
    ["Ubuntu", undefined],
    ["iOSX", undefined],
  ];
  for (const [os, family] of cases) {
    await t.step(os, () => assert.equal(osFamily(os), family));
  }
});

Deno.test("LIFECYCLE_PRODUCT names endoflife.date products; ChromeOS has none", () => {
  assert.deepEqual(LIFECYCLE_PRODUCT, {
    macOS: "macos",
    iOS: "ios",
    iPadOS: "ipados",
    Android: "android",
    ChromeOS: undefined,
    Windows: "windows",
  });
});

Deno.test("policyKeyProblem() accepts inventory names, longer names and word prefixes only", async (t) => {
  for (const key of ["macOS", "Mac OS X", "Mac", "Microsoft Windows 11", "Chrome OS", "Android"]) {
    await t.step(`"${key}" is usable`, () => assert.equal(policyKeyProblem(key), null));
  }
  await t.step('"MacOS" names nothing (letter case counts)', () => {
    assert.equal(
      policyKeyProblem("MacOS"),
      '"MacOS" names no OS a policy can judge; use the OS name as inventories report it, ' +
        'starting with one of "macOS", "Mac OS X", "iOS", "iPadOS", "Android", "ChromeOS", ' +
        '"Chrome OS", "Windows", "Microsoft Windows" (letter case counts)',
    );
  });
  await t.step('"Windos" names nothing', () => assert.notEqual(policyKeyProblem("Windos"), null));
});
