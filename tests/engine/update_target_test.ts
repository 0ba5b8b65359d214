/**
 * One update item names one target (issue 27): the up-to-date practice with the shipped release
 * data (`plugins/releases/shipped.json`: SOFA's macOS and iOS feeds, endoflife.date's macos,
 * android and windows products, checked 30 November 2026) names, for each OS, one release to
 * install and its deadline, the same in the title and the first sentence of `details`.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { DeviceRecord } from "../../engine/core/types.ts";
import { chooseTarget } from "../../engine/releases/update_target.ts";
import { windowsVersionName } from "../../engine/releases/os_names.ts";
import { applyPractices, buildPracticeSet } from "../../engine/practices/practices.ts";
import { practicesWithShippedReleases } from "../realworld/engine_parts.ts";

const NOW = new Date("2026-11-30T12:00:00Z");
const practice = practicesWithShippedReleases(NOW).find((p) => p.key === "uptodate")!;

function judged(record: Omit<DeviceRecord, "source">) {
  const p = practice.evaluate({ source: "jamf", ...record });
  return {
    status: p.status,
    title: p.title,
    target: p.target && { name: p.target.name, by: p.target.by?.toISOString().slice(0, 10) },
    first: p.details?.split(/(?<=\.) /)[0],
  };
}

Deno.test("uptodate names one target per OS, in the title and the first sentence", async (t) => {
  await t.step("macOS 15.6 (Fry's Mac): the overdue security release, not macOS 26", () => {
    assert.deepEqual(judged({ platform: "Mac", os: "macOS", os_version: "15.6" }), {
      status: "warn",
      title: "Install macOS 15.7.7 (it was due by 1 June)",
      target: { name: "macOS 15.7.7", by: "2026-06-01" },
      first: "Install macOS 15.7.7; it was due by 1 June.",
    });
  });
  await t.step("macOS 13, whose security updates ended: the required version, by that end", () => {
    // macOS 14.8.7 is the oldest release still serviced, but the configured floor is 15.7
    assert.deepEqual(judged({ platform: "Mac", os: "macOS", os_version: "13.7.8" }), {
      status: "warn",
      title: "Install macOS 15.7 (it was due by 15 September 2025)",
      target: { name: "macOS 15.7", by: "2025-09-15" },
      first: "Install macOS 15.7; it was due by 15 September 2025.",
    });
  });
  await t.step("iOS 18.6 (Fry's iPad): iOS 18.7.9", () => {
    assert.deepEqual(judged({ platform: "iOS", os: "iOS", os_version: "18.6" }), {
      status: "warn",
      title: "Install iOS 18.7.9 (it was due by 1 June)",
      target: { name: "iOS 18.7.9", by: "2026-06-01" },
      first: "Install iOS 18.7.9; it was due by 1 June.",
    });
  });
  await t.step("Android 13 (Fry's Pixel 6), out of support since 2 March: Android 14", () => {
    assert.deepEqual(
      judged({
        platform: "Android",
        os: "Android",
        os_version: "13.0.0",
        security_patch_level: new Date("2025-12-05T00:00:00Z"),
      }),
      {
        status: "warn",
        title: "Install Android 14 (it was due by 2 March)",
        target: { name: "Android 14", by: "2026-03-02" },
        first: "Install Android 14; it was due by 2 March.",
      },
    );
  });
  await t.step("Android 16 with a patch 70 days old: the latest patch, by its 90th day", () => {
    assert.deepEqual(
      judged({
        platform: "Android",
        os: "Android",
        os_version: "16",
        security_patch_level: new Date("2026-09-21T00:00:00Z"),
      }),
      {
        status: "nudge",
        title: "Install the latest Android security patch by 20 December",
        target: { name: "the latest Android security patch", by: "2026-12-20" },
        first: "Install the latest Android security patch by 20 December.",
      },
    );
  });
  await t.step("Windows 10 22H2 Enterprise (Fry's ThinkPad): Windows 11 24H2", () => {
    assert.deepEqual(
      judged({
        platform: "Windows",
        os: "Microsoft Windows 10 Enterprise",
        os_version: "10.0.19045",
      }),
      {
        status: "warn",
        title: "Install Windows 11 24H2 (it was due by 14 October 2025)",
        target: { name: "Windows 11 24H2", by: "2025-10-14" },
        first: "Install Windows 11 24H2; it was due by 14 October 2025.",
      },
    );
  });
  await t.step("Windows 11 24H2 Pro, whose Home and Pro servicing ended: 25H2", () => {
    assert.deepEqual(
      judged({ platform: "Windows", os: "Microsoft Windows 11 Pro", os_version: "10.0.26100" }),
      {
        status: "warn",
        title: "Install Windows 11 25H2 (it was due by 13 October)",
        target: { name: "Windows 11 25H2", by: "2026-10-13" },
        first: "Install Windows 11 25H2; it was due by 13 October.",
      },
    );
  });
  await t.step("Windows 10 Enterprise LTSB 2016: the next LTSC, not a general release", () => {
    assert.deepEqual(
      judged({
        platform: "Windows",
        os: "Microsoft Windows 10 Enterprise LTSB",
        os_version: "10.0.14393",
      }).target,
      { name: "Windows 10 Enterprise LTSC 2019", by: "2026-10-13" },
    );
  });
  await t.step("an up-to-date Mac names none", () => {
    assert.deepEqual(
      judged({ platform: "Mac", os: "macOS", os_version: "26.6" }).target,
      undefined,
    );
  });
});

/**
 * Windows devices as WMI's `Caption` and `Version` name them, judged on 30 November 2026 with
 * the shipped data: the release to install is named as Microsoft names it — the feature update
 * ("Windows 11 25H2", never "build 26200") and, on the long-term channel, the LTSC release of the
 * device's own edition ("Windows 10 Enterprise LTSC 2019", "… IoT Enterprise LTSC 2021"); an
 * LTSB/LTSC device still serviced names none.
 */
const WINDOWS_DEVICES: [os: string, version: string, title: string, first: string][] = [
  [
    "Microsoft Windows 10 Enterprise",
    "10.0.19045",
    "Install Windows 11 24H2 (it was due by 14 October 2025)",
    "Windows 10 22H2 (Enterprise and Education) reached end of servicing on 14 October 2025.",
  ],
  [
    "Microsoft Windows 10 Pro",
    "10.0.19045",
    "Install Windows 11 25H2 (it was due by 14 October 2025)",
    "Windows 10 22H2 (Home and Pro) reached end of servicing on 14 October 2025.",
  ],
  [
    "Microsoft Windows 11 Enterprise",
    "10.0.22631",
    "Install Windows 11 24H2 (it was due by 10 November)",
    "Microsoft Windows 11 Enterprise 10.0.22631 is older than the version we require.",
  ],
  [
    "Microsoft Windows 11 Pro",
    "10.0.22631",
    "Install Windows 11 25H2 (it was due by 11 November 2025)",
    "Microsoft Windows 11 Pro 10.0.22631 is older than the version we require.",
  ],
  [
    "Microsoft Windows 11 Enterprise",
    "10.0.26100.4946",
    // the configured recommended version, 10.0.26200: was "Install Windows 11 build 26200"
    "Install Windows 11 25H2",
    "Windows 11 24H2 (Enterprise and Education) is serviced until 12 October 2027.",
  ],
  [
    "Microsoft Windows 10 Enterprise LTSB",
    "10.0.14393",
    // was "Install Windows 10 1809 LTSC"
    "Install Windows 10 Enterprise LTSC 2019 (it was due by 13 October)",
    "Windows 10 Enterprise 2016 LTSB reached end of servicing on 13 October.",
  ],
  [
    "Microsoft Windows 10 IoT Enterprise LTSB 2016",
    "10.0.14393",
    "Install Windows 10 IoT Enterprise LTSC 2021 (it was due by 13 October)",
    "Windows 10 IoT Enterprise 2016 LTSB reached end of servicing on 13 October.",
  ],
  [
    "Microsoft Windows 10 Enterprise LTSC 2019",
    "10.0.17763",
    "Windows 10 build 17763 is up to date",
    "Windows 10 Enterprise LTSC 2019 is serviced until 9 January 2029.",
  ],
  [
    "Microsoft Windows 11 IoT Enterprise LTSC 2024",
    "10.0.26100",
    "Windows 11 IoT build 26100 is up to date",
    "Windows 11 IoT Enterprise LTSC 2024 is serviced until 10 October 2034.",
  ],
];

Deno.test("a Windows update item names the release as Microsoft does, for every edition", () => {
  const got = WINDOWS_DEVICES.map(([os, os_version]) => {
    const p = practice.evaluate({ source: "file", platform: "Windows", os, os_version });
    const sentences = p.details?.split(/(?<=\.) /) ?? [];
    // the sentence after the target's own (an up-to-date device has none: its first)
    return [os, os_version, p.title, p.target ? sentences[1] : sentences[0]];
  });
  assert.deepEqual(got, WINDOWS_DEVICES);
});

Deno.test("a configured Windows version is named by its feature update, with its OS build when it gives one", () => {
  const practices = buildPracticeSet({
    uptodate: {
      KEY: "uptodate",
      DISPLAY_TITLE: "Windows is up to date",
      DESCRIPTION: "d",
      REQUIRED_VERSIONS: {
        "Microsoft Windows 10": "10.0.19045",
        "Microsoft Windows 11": "10.0.26100",
      },
      RECOMMENDED_VERSIONS: { "Microsoft Windows 11": "10.0.26200.7171" },
    },
  });
  const target = (os: string, os_version: string) =>
    applyPractices([{ source: "file", os, os_version }], practices)[0]!.practices!.uptodate!.target
      ?.name;
  assert.equal(target("Microsoft Windows 11 Pro", "10.0.22631"), "Windows 11 24H2");
  assert.equal(target("Microsoft Windows 10 Pro", "10.0.19044"), "Windows 10 22H2");
  assert.equal(
    target("Microsoft Windows 11 Pro", "10.0.26200.6584"),
    "Windows 11 25H2 (OS build 26200.7171)",
  );
});

Deno.test("windowsVersionName(): Microsoft's name of every build it knows, and none for others", () => {
  const names = [10240, 14393, 17763, 19044, 19045, 22000, 22621, 22631, 26100, 26200, 26300, 28000]
    .map((b) => [
      b,
      windowsVersionName(b),
      windowsVersionName(b, "enterprise") ?? null,
      windowsVersionName(b, "iot") ?? null,
    ]);
  assert.deepEqual(names, [
    [
      10240,
      "Windows 10 1507",
      "Windows 10 Enterprise 2015 LTSB",
      "Windows 10 IoT Enterprise 2015 LTSB",
    ],
    [
      14393,
      "Windows 10 1607",
      "Windows 10 Enterprise 2016 LTSB",
      "Windows 10 IoT Enterprise 2016 LTSB",
    ],
    [
      17763,
      "Windows 10 1809",
      "Windows 10 Enterprise LTSC 2019",
      "Windows 10 IoT Enterprise LTSC 2019",
    ],
    [
      19044,
      "Windows 10 21H2",
      "Windows 10 Enterprise LTSC 2021",
      "Windows 10 IoT Enterprise LTSC 2021",
    ],
    [19045, "Windows 10 22H2", null, null],
    [22000, "Windows 11 21H2", null, null],
    [22621, "Windows 11 22H2", null, null],
    [22631, "Windows 11 23H2", null, null],
    [
      26100,
      "Windows 11 24H2",
      "Windows 11 Enterprise LTSC 2024",
      "Windows 11 IoT Enterprise LTSC 2024",
    ],
    [26200, "Windows 11 25H2", null, null],
    [26300, "Windows 11 26H2", null, null],
    [28000, "Windows 11 26H1", null, null],
  ]);
  assert.equal(windowsVersionName(26120), undefined, "an Insider build has no release name");
});

Deno.test("chooseTarget() takes the highest release at the verdict's status, due by the earliest day", () => {
  const by = (iso: string) => new Date(`${iso}T00:00:00Z`);
  assert.deepEqual(
    chooseTarget("nudge", [
      { status: "nudge", name: "macOS 26.6", version: "26.6" },
      { status: "nudge", name: "macOS 26.5", version: "26.5", by: by("2026-06-01") },
    ], "macOS"),
    { name: "macOS 26.6", by: by("2026-06-01") },
  );
  assert.deepEqual(
    chooseTarget("warn", [{ status: "nudge", name: "macOS 26.6", version: "26.6" }], "macOS"),
    undefined,
  );
  assert.deepEqual(
    chooseTarget("warn", [
      { status: "warn", name: "the latest Android security patch", by: by("2026-03-01") },
      { status: "warn", name: "Android 14", version: "14.0.0" },
    ], "Android"),
    { name: "Android 14", by: by("2026-03-01") },
  );
});

Deno.test("a Windows Server is never judged by the Windows 10/11 client releases of the same build", () => {
  // Server 2016/2019/2022/2025 share builds 14393/17763/20348/26100 with client releases; the
  // review found Server 2025 told "Install Windows 11 25H2 (it was due by 13 October)".
  const servers: [os: string, version: string][] = [
    ["Microsoft Windows Server 2025 Datacenter", "10.0.26100.100"],
    ["Microsoft Windows Server 2019 Standard", "10.0.17763"],
  ];
  const got = servers.map(([os, os_version]) => {
    const p = practice.evaluate({ source: "file", platform: "Windows", os, os_version });
    return [os, p.status, p.target?.name];
  });
  assert.deepEqual(got, [
    ["Microsoft Windows Server 2025 Datacenter", "unknown", undefined],
    ["Microsoft Windows Server 2019 Standard", "unknown", undefined],
  ]);
});
