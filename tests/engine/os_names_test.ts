import assert from "node:assert/strict";
import {
  windowsBuild,
  windowsReleaseName,
  withReleaseName,
} from "../../engine/releases/os_names.ts";

Deno.test("windowsBuild() reads LANDESK's build column or an NT 10 version", () => {
  assert.equal(windowsBuild({ os_version: "6.3", os_build: "22631" }), 22631);
  assert.equal(windowsBuild({ os_build: "26100.4946" }), 26100);
  assert.equal(windowsBuild({ os_version: "10.0.26100.4946" }), 26100);
  assert.equal(windowsBuild({ os_version: "10.0.19045" }), 19045);
  assert.equal(windowsBuild({ os_version: "6.1.7601" }), undefined);
  assert.equal(windowsBuild({ os_version: "26.3.1" }), undefined);
  assert.equal(windowsBuild({ os_build: "22H2" }), undefined);
  assert.equal(windowsBuild({ os_version: "10.0.22631 N/A Build 22631" }), 22631);
});

Deno.test("windowsReleaseName() lets the build decide between Windows 10 and 11", async (t) => {
  const cases: [string, number | undefined, string][] = [
    [
      "Microsoft Windows 10 Enterprise Edition, 64-bit",
      22631,
      "Microsoft Windows 11 Enterprise Edition, 64-bit",
    ],
    ["Microsoft Windows 10 Pro", 22000, "Microsoft Windows 11 Pro"],
    ["Windows 10 Enterprise", 26100, "Microsoft Windows 11 Enterprise"],
    ["Windows 11 Pro", undefined, "Microsoft Windows 11 Pro"],
    ["Windows 7 Professional", undefined, "Microsoft Windows 7 Professional"],
    ["Microsoft Windows 10 Pro", 21999, "Microsoft Windows 10 Pro"],
    ["Microsoft Windows 11 Pro", 19045, "Microsoft Windows 10 Pro"],
    ["Microsoft Windows 11 Pro", 26200, "Microsoft Windows 11 Pro"],
    ["Microsoft Windows 10 Pro", undefined, "Microsoft Windows 10 Pro"],
    ["Microsoft Windows Server 2022 Standard", 20348, "Microsoft Windows Server 2022 Standard"],
    ["macOS", 22631, "macOS"],
  ];
  for (const [os, build, want] of cases) {
    await t.step(`${os} / ${build}`, () => assert.equal(windowsReleaseName(os, build), want));
  }
});

Deno.test("withReleaseName() copies only a record whose name changes", () => {
  const mac = { source: "jamf", os: "macOS", os_version: "26.6" };
  assert.equal(withReleaseName(mac), mac);
  assert.deepEqual(
    withReleaseName({ source: "file", os: "Windows 10 Pro", os_version: "10.0.26100.4946" }),
    { source: "file", os: "Microsoft Windows 11 Pro", os_version: "10.0.26100.4946" },
  );
});
