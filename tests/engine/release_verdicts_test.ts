/**
 * Over 300 lines: one test per release rule (Apple deadlines, lifecycle, behind N, Android patch,
 * ChromeOS expiry, Windows servicing and LTSC), each with the dated records it judges.
 *
 * @module
 */
import assert from "node:assert/strict";
import { parseOsPolicy } from "../../engine/releases/os_policy.ts";
import { judgeWithPolicy, type PolicyVerdict } from "../../engine/releases/release_verdicts.ts";
import type { LifecycleCycle, ReleaseData } from "../../engine/releases/releases.ts";
import type { DeviceRecord } from "../../engine/core/types.ts";
import { recordFromWire } from "../../engine/core/wire.ts";

const d = (iso: string) => new Date(`${iso}T00:00:00Z`);
const cycle = (c: string, eol: string | boolean, extra: Partial<LifecycleCycle> = {}) => ({
  cycle: c,
  label: c,
  released: null,
  eol: typeof eol === "boolean" ? eol : d(eol),
  latest: null,
  latestReleased: null,
  ...extra,
});
const win = (c: string, label: string, eol: string, build: string, esu?: string) =>
  cycle(c, eol, { label, latest: `10.0.${build}`, ...(esu ? { extendedSupport: d(esu) } : {}) });

/** Release data in the shape the plugin builds, with dates of the shipped file. */
const DATA: ReleaseData = {
  apple: {
    macOS: [
      {
        major: 26,
        latest: "26.5",
        latestReleased: d("2026-05-11"),
        securityReleases: [
          { version: "26.5", released: d("2026-05-11"), exploited: [] },
          { version: "26.2", released: d("2025-12-12"), exploited: ["CVE-2025-43529"] },
        ],
      },
      {
        major: 15,
        latest: "15.7.7",
        latestReleased: d("2026-05-11"),
        securityReleases: [{ version: "15.7.7", released: d("2026-05-11"), exploited: [] }],
      },
    ],
    iOS: [
      {
        major: 26,
        latest: "26.7.1",
        latestReleased: d("2026-09-28"),
        securityReleases: [
          { version: "26.7.1", released: d("2026-09-28"), exploited: ["CVE-2026-86950"] },
        ],
      },
    ],
  },
  lifecycles: {
    macos: [cycle("26", false), cycle("15", false), cycle("14", false), cycle("13", "2025-09-15")],
    ios: [cycle("27", false), cycle("26", false), cycle("18", false), cycle("17", true)],
    android: [
      cycle("16", false),
      cycle("15", false),
      cycle("14", false),
      cycle("13", "2026-03-02"),
    ],
    windows: [
      win("11-24h2-e", "11 24H2 (E)", "2027-10-12", "26100"),
      win("11-24h2-w", "11 24H2 (W)", "2026-10-13", "26100"),
      win("10-22h2", "10 22H2", "2025-10-14", "19045", "2028-10-10"),
    ],
  },
};

/**
 * A verdict's status and sentences: the release each clause asks for (`targets`) is asserted in
 * `update_target_test.ts`, where one of them becomes the practice's target.
 */
function said(v: PolicyVerdict | null) {
  return v && { status: v.status, sentences: v.sentences };
}

function judge(record: Partial<DeviceRecord>, policy: string, now: string) {
  return said(judgeWithPolicy({ source: "test", ...record }, {
    policy: parseOsPolicy(policy),
    data: DATA,
    now: d(now),
  }));
}

Deno.test("Apple deadline: suggested until the deadline day, critical the day after", async (t) => {
  const ios = { os: "iOS", os_version: "26.6" };
  const policy = "deadline 21d; exploited 14d";
  await t.step("exploited fix, deadline day (28 September + 14 days)", () => {
    assert.deepEqual(judge(ios, policy, "2026-10-12"), {
      status: "nudge",
      sentences: [
        "iOS 26.6 — 26.7.1 fixes actively exploited issues and has been out 14 days; install it by 12 October.",
      ],
    });
  });
  await t.step("one day later", () => {
    assert.deepEqual(judge(ios, policy, "2026-10-13"), {
      status: "warn",
      sentences: [
        "iOS 26.6 — 26.7.1 fixes actively exploited issues and has been out 15 days; it was due by 12 October.",
      ],
    });
  });
  await t.step("a fix with no exploited issue gets the longer deadline", () => {
    assert.deepEqual(judge({ os: "macOS", os_version: "26.4" }, policy, "2026-06-01"), {
      status: "nudge",
      sentences: [
        "macOS 26.4 — 26.5 fixes security issues and has been out 21 days; install it by 1 June.",
      ],
    });
    assert.equal(judge({ os: "macOS", os_version: "26.4" }, policy, "2026-06-02")!.status, "warn");
  });
  await t.step("up to date: ok, citing the release it has", () => {
    assert.deepEqual(judge({ os: "Mac OS X", os_version: "15.7.7" }, policy, "2026-11-30"), {
      status: "ok",
      sentences: [
        "macOS 15.7.7 has every security release for macOS 15 (newest: 15.7.7, out since 11 May).",
      ],
    });
  });
  await t.step("a security-response letter counts as the release it patches", () => {
    assert.equal(
      judge({ os: "macOS", os_version: "26.5 (a)" }, policy, "2026-11-30")!.status,
      "ok",
    );
  });
});

Deno.test("Apple deadline: a device on a Rapid Security Response has that release", async (t) => {
  // Real case: Apple's RSR "macOS Ventura 13.4.1 (c)" of 12 July 2023 (support.apple.com
  // HT213825) fixed an actively exploited WebKit issue, CVE-2023-37450; "13.4.1 (a)" came two days
  // before. Devices report the letter in their version, and SOFA lists the RSR as a release of its own.
  const rsr: ReleaseData = {
    apple: {
      macOS: [{
        major: 13,
        latest: "13.4.1 (c)",
        latestReleased: d("2023-07-12"),
        securityReleases: [
          { version: "13.4.1 (c)", released: d("2023-07-12"), exploited: ["CVE-2023-37450"] },
          { version: "13.4.1 (a)", released: d("2023-07-10"), exploited: ["CVE-2023-37450"] },
        ],
      }],
    },
    lifecycles: {},
  };
  const full = (os_version: string) =>
    judgeWithPolicy({ source: "test", os: "macOS", os_version }, {
      policy: parseOsPolicy("deadline 21d; exploited 14d"),
      data: rsr,
      now: d("2023-07-15"),
    });
  const at = (os_version: string) => said(full(os_version));
  await t.step("on the newest RSR itself: ok", () => {
    assert.deepEqual(at("13.4.1 (c)"), {
      status: "ok",
      sentences: [
        "macOS 13.4.1 (c) has every security release for macOS 13 (newest: 13.4.1 (c), out since 12 July).",
      ],
    });
  });
  await t.step("on an earlier RSR: asked to install the newer one", () => {
    assert.deepEqual(at("13.4.1 (a)"), {
      status: "nudge",
      sentences: [
        "macOS 13.4.1 (a) — 13.4.1 (c) fixes actively exploited issues and has been out 3 days; install it by 26 July.",
      ],
    });
    assert.deepEqual(full("13.4.1 (a)")?.targets, [
      { status: "nudge", name: "macOS 13.4.1 (c)", version: "13.4.1 (c)", by: d("2023-07-26") },
    ]);
  });
});

Deno.test("lifecycle: critical once security updates end, on the end date itself", async (t) => {
  await t.step("macOS 13 ended on 15 September 2025", () => {
    assert.deepEqual(judge({ os: "macOS", os_version: "13.7.8" }, "supported", "2026-11-30"), {
      status: "warn",
      sentences: ["macOS 13 no longer gets security updates (they ended on 15 September 2025)."],
    });
  });
  await t.step("Android 13: the day before its end, nothing to say; on the day, critical", () => {
    assert.equal(judge({ os: "Android", os_version: "13.0.0" }, "supported", "2026-03-01"), null);
    assert.deepEqual(judge({ os: "Android", os_version: "13.0.0" }, "supported", "2026-03-02"), {
      status: "warn",
      sentences: ["Android 13 no longer gets security updates (they ended on 2 March)."],
    });
  });
  await t.step("ended without a date (endoflife.date eol: true)", () => {
    assert.deepEqual(judge({ os: "iPadOS", os_version: "17.7" }, "supported", "2026-11-30"), null);
    assert.deepEqual(judge({ os: "iOS", os_version: "17.7" }, "supported", "2026-11-30"), {
      status: "warn",
      sentences: ["iOS 17 no longer gets security updates."],
    });
  });
});

Deno.test("behind N counts the known majors newer than the device's", () => {
  assert.equal(judge({ os: "iOS", os_version: "18.7.9" }, "behind 2", "2026-11-30"), null);
  assert.deepEqual(judge({ os: "iOS", os_version: "17.7" }, "behind 2", "2026-11-30"), {
    status: "warn",
    sentences: ["iOS 17 is 3 major releases behind iOS 27."],
  });
  // Catalina is macOS 10.15, named as such (the lifecycle sentence says "macOS 10.15" too).
  assert.deepEqual(judge({ os: "Mac OS X", os_version: "10.15.7" }, "behind 2", "2026-11-30"), {
    status: "warn",
    sentences: ["macOS 10.15 is 4 major releases behind macOS 26."],
  });
  assert.deepEqual(judge({ os: "macOS", os_version: "14.8.7" }, "behind 1", "2026-11-30"), {
    status: "warn",
    sentences: ["macOS 14 is 2 major releases behind macOS 26."],
  });
});

Deno.test("Android patch level: ok, suggested after Y days, critical after X days", async (t) => {
  const policy = "patch-suggested 60d; patch-critical 90d";
  const phone = (patch: string) => ({
    os: "Android",
    os_version: "16.0.0",
    security_patch_level: d(patch),
  });
  const cases: [string, string, string, string][] = [
    ["2026-10-01", "2026-11-30", "ok", "Android security patch from October 2026 — 1 month old."],
    [
      "2026-10-01",
      "2026-12-01",
      "nudge",
      "Android security patch from October 2026 — 2 months old.",
    ],
    [
      "2026-09-01",
      "2026-11-30",
      "nudge",
      "Android security patch from September 2026 — 2 months old.",
    ],
    [
      "2026-09-01",
      "2026-12-01",
      "warn",
      "Android security patch from September 2026 — 3 months old.",
    ],
    ["2026-03-05", "2026-11-30", "warn", "Android security patch from March 2026 — 8 months old."],
    ["2026-11-05", "2026-11-30", "ok", "Android security patch from November 2026 — 25 days old."],
    ["2026-11-29", "2026-11-30", "ok", "Android security patch from November 2026 — 1 day old."],
    // Dated today, or tomorrow in UTC (1 December has begun east of UTC): no "0" or "-1 days old".
    ["2026-11-30", "2026-11-30", "ok", "Android security patch from November 2026."],
    ["2026-12-01", "2026-11-30", "ok", "Android security patch from December 2026."],
  ];
  for (const [patch, now, status, sentence] of cases) {
    await t.step(`${patch} on ${now}`, () => {
      assert.deepEqual(judge(phone(patch), policy, now), { status, sentences: [sentence] });
    });
  }
  await t.step("no patch level reported: nothing to judge", () => {
    assert.equal(judge({ os: "Android", os_version: "16.0.0" }, policy, "2026-11-30"), null);
  });
});

Deno.test("ChromeOS: critical from the device's auto-update expiration", () => {
  const book = {
    os: "ChromeOS",
    os_version: "150.0.7700.0",
    auto_update_expiration: d("2026-06-01"),
  };
  assert.deepEqual(judge(book, "supported", "2026-05-31"), {
    status: "ok",
    sentences: ["This Chromebook gets updates until 1 June (its auto-update expiration)."],
  });
  assert.deepEqual(judge(book, "supported", "2026-06-01"), {
    status: "warn",
    sentences: ["This Chromebook stopped getting updates on 1 June (its auto-update expiration)."],
  });
});

Deno.test("Windows: build → release → end of servicing for the edition, ESU noted", async (t) => {
  await t.step("24H2 Home/Pro ended on 13 October 2026", () => {
    assert.deepEqual(
      judge(
        { os: "Microsoft Windows 11 Pro", os_version: "10.0.26100.4946" },
        "supported",
        "2026-11-30",
      ),
      {
        status: "warn",
        sentences: ["Windows 11 24H2 (Home and Pro) reached end of servicing on 13 October."],
      },
    );
  });
  await t.step("the same build on Enterprise is serviced a year longer", () => {
    assert.deepEqual(
      judge(
        { os: "Microsoft Windows 11 Enterprise", os_version: "10.0.26100" },
        "supported",
        "2026-11-30",
      ),
      {
        status: "ok",
        sentences: [
          "Windows 11 24H2 (Enterprise and Education) is serviced until 12 October 2027.",
        ],
      },
    );
  });
  await t.step("LANDESK's 6.3 + build, Windows 10 22H2, with its ESU end", () => {
    assert.deepEqual(
      judge(
        { os: "Microsoft Windows 10 Enterprise", os_version: "6.3", os_build: "19045" },
        "supported",
        "2026-11-30",
      ),
      {
        status: "warn",
        sentences: [
          "Windows 10 22H2 (Enterprise and Education) reached end of servicing on 14 October 2025. " +
          "Extended Security Updates continue until 10 October 2028 for enrolled devices only.",
        ],
      },
    );
  });
  await t.step("a build the data does not know: nothing to judge", () => {
    assert.equal(
      judge(
        { os: "Microsoft Windows 11 Pro", os_version: "10.0.99999" },
        "supported",
        "2026-11-30",
      ),
      null,
    );
  });
});

Deno.test("records read from JSON (file inventory, snapshots) keep their release dates", () => {
  const record = recordFromWire({
    source: "file",
    os: "Android",
    os_version: "16.0.0",
    security_patch_level: "2026-03-05",
    auto_update_expiration: "not a date",
  });
  assert.deepEqual(record.security_patch_level, d("2026-03-05"));
  assert.equal(record.auto_update_expiration, null);
  assert.deepEqual(judge(record, "patch-critical 90d", "2026-11-30"), {
    status: "warn",
    sentences: ["Android security patch from March 2026 — 8 months old."],
  });
  const raw = { os: "Android", os_version: "16", security_patch_level: "March" } as unknown;
  assert.equal(judge(raw as DeviceRecord, "patch-critical 90d", "2026-11-30"), null);
});

Deno.test("Windows LTSC: Enterprise LTSC and IoT Enterprise LTSC end on their own dates", async (t) => {
  // endoflife.date's windows product lists build 26100 four times: 11-24h2-w, 11-24h2-e,
  // 11-24h2-e-lts "11 24H2 (E) (LTS)" (eol 2029-10-09) and 11-24h2-iot-lts "11 24H2 IoT (LTS)"
  // (eol 2034-10-10), after Microsoft's Windows 11 release information (LTSC editions).
  const data: ReleaseData = {
    apple: {},
    lifecycles: {
      windows: [
        win("11-24h2-iot-lts", "11 24H2 IoT (LTS)", "2034-10-10", "26100"),
        win("11-24h2-e-lts", "11 24H2 (E) (LTS)", "2029-10-09", "26100"),
        win("11-24h2-e", "11 24H2 (E)", "2027-10-12", "26100"),
        win("11-24h2-w", "11 24H2 (W)", "2026-10-13", "26100"),
      ],
    },
  };
  const at = (os: string) =>
    said(judgeWithPolicy({ source: "landesk", os, os_version: "10.0.26100.2033" }, {
      policy: parseOsPolicy("supported"),
      data,
      now: d("2030-01-15"),
    }));
  await t.step("IoT Enterprise LTSC is serviced until 2034", () => {
    assert.deepEqual(at("Microsoft Windows 11 IoT Enterprise LTSC"), {
      status: "ok",
      sentences: ["Windows 11 IoT Enterprise LTSC 2024 is serviced until 10 October 2034."],
    });
  });
  await t.step("Enterprise LTSC ended in 2029", () => {
    assert.deepEqual(at("Microsoft Windows 11 Enterprise LTSC"), {
      status: "warn",
      sentences: ["Windows 11 Enterprise LTSC 2024 reached end of servicing on 9 October 2029."],
    });
  });
});
