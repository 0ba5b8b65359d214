import assert from "node:assert/strict";
import { explainUpToDate } from "../../cli/explain_releases.ts";
import { DEFAULT_PRACTICES } from "../../engine/practices/default_practices.ts";
import { buildPracticeSet } from "../../engine/practices/practices.ts";
import { SHIPPED } from "../../plugins/releases/shipped.ts";
import { place } from "../../plugins/releases/codec.ts";
import type { ReleaseData } from "../../engine/releases/releases.ts";
import type { FeedName } from "../../plugins/releases/codec.ts";

Deno.test("explain lists each record's up-to-date verdict with the evidence it cites", () => {
  const data: ReleaseData = { apple: {}, lifecycles: {} };
  for (const [name, feed] of Object.entries(SHIPPED.feeds)) {
    if (feed) place(data, name as FeedName, feed.value);
  }
  const practices = buildPracticeSet(DEFAULT_PRACTICES, undefined, {
    releases: { snapshot: () => ({ data, origin: "shipped", asOf: SHIPPED.checked }) },
    now: () => new Date("2026-11-30T12:00:00Z"),
  });
  const text = explainUpToDate([
    { source: "jamf", name: "old-mbp", os: "macOS", os_version: "13.7.8" },
    {
      source: "google",
      model: "Pixel 9",
      os: "Android",
      os_version: "16.0.0",
      security_patch_level: new Date("2026-11-05T00:00:00Z"),
    },
    { source: "bitfit", name: "old-mbp" },
  ], practices);
  assert.equal(
    text,
    "OS up to date:\n" +
      "  old-mbp (jamf, macOS 13.7.8): critical. Install macOS 15.7; it was due by 15 September " +
      "2025. macOS 13.7.8 is older than the version we require. macOS 13 no longer gets security updates " +
      "(they ended on 15 September 2025). macOS 13 is 3 major releases behind macOS 26.\n" +
      "  Pixel 9 (google, Android 16.0.0): ok. We recommend Android 16.0.0 or later. Android " +
      "security patch from November 2026 — 25 days old.",
  );
  assert.equal(explainUpToDate([{ source: "bitfit", name: "x" }], practices), "");
});
