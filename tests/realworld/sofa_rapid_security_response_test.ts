// SOFA Rapid Security Response entries carry the letter outside `ProductVersion`: newer feeds say
// `ReleaseType: "RSR_c"`, older ones only `UpdateName: "Rapid Security Response macOS Ventura
// 13.4.1 (c)"` (macadmins/sofa#72). Read as plain "13.4.1", the RSR looked like the release a
// device on 13.4.1 already had: a Mac lacking fixes for actively exploited CVEs was up to date.
// Right: the RSR is a release of its own; plain 13.4.1 is behind it, 13.4.1 (c) is not, and the
// update item names the RSR.
import assert from "node:assert/strict";
import { parseOsPolicy } from "../../engine/releases/os_policy.ts";
import { judgeWithPolicy } from "../../engine/releases/release_verdicts.ts";
import { parseSofaFeed } from "../../plugins/releases/parse.ts";

const NOW = new Date("2026-12-07T09:00:00Z");
const POLICY = parseOsPolicy("supported; behind 2; deadline 21d; exploited 14d");

function feed(rsr: Record<string, unknown>) {
  return {
    OSVersions: [{
      OSVersion: "Tahoe 26",
      Latest: { ProductVersion: "26.8.1", ReleaseDate: "2026-11-10T17:00:00Z" },
      SecurityReleases: [
        {
          ProductVersion: "26.8.1",
          ReleaseDate: "2026-11-20T17:00:00Z",
          ActivelyExploitedCVEs: ["CVE-2026-43529"],
          ...rsr,
        },
        {
          UpdateName: "macOS Tahoe 26.8.1",
          ProductVersion: "26.8.1",
          ReleaseType: "OS",
          ReleaseDate: "2026-11-10T17:00:00Z",
          ActivelyExploitedCVEs: [],
        },
      ],
    }],
  };
}

const SHAPES: [string, Record<string, unknown>][] = [
  ["ReleaseType RSR_c (newer feeds)", {
    UpdateName: "Rapid Security Response macOS Tahoe 26.8.1 (c)",
    ReleaseType: "RSR_c",
  }],
  ["the letter only in UpdateName (older feeds)", {
    UpdateName: "Rapid Security Response macOS Tahoe 26.8.1 (c)",
  }],
];

for (const [shape, rsr] of SHAPES) {
  Deno.test(`SOFA RSR, ${shape}: plain 26.8.1 is behind, 26.8.1 (c) is not`, () => {
    const apple = parseSofaFeed(feed(rsr));
    assert.deepEqual(apple[0]!.securityReleases.map((r) => r.version), ["26.8.1 (c)", "26.8.1"]);
    const judge = (os_version: string) =>
      judgeWithPolicy({ source: "jamf_pro", os: "macOS", os_version }, {
        policy: POLICY,
        data: { apple: { macOS: apple }, lifecycles: {} },
        now: NOW,
      });
    assert.deepEqual(judge("26.8.1"), {
      status: "warn",
      sentences: [
        "macOS 26.8.1 — 26.8.1 (c) fixes actively exploited issues and has been out 17 days; " +
        "it was due by 4 December.",
      ],
      targets: [{
        status: "warn",
        name: "macOS 26.8.1 (c)",
        version: "26.8.1 (c)",
        by: new Date("2026-12-04T17:00:00.000Z"),
      }],
    });
    assert.deepEqual(judge("26.8.1 (c)"), {
      status: "ok",
      sentences: [
        "macOS 26.8.1 (c) has every security release for macOS 26 (newest: 26.8.1 (c), out " +
        "since 20 November).",
      ],
      targets: [],
    });
  });
}
