/**
 * The shipped fallback file: how current each feed is (checked on 30 November 2026 against public
 * sources, see its `sources`), and what it says about Windows releases by build and edition.
 *
 * @module
 */
import assert from "node:assert/strict";
import { parseOsPolicy } from "../../engine/releases/os_policy.ts";
import { judgeWithPolicy } from "../../engine/releases/release_verdicts.ts";
import type { ReleaseData } from "../../engine/releases/releases.ts";
import { type FeedName, place } from "../../plugins/releases/codec.ts";
import { SHIPPED } from "../../plugins/releases/shipped.ts";

const NOW = new Date("2026-11-30T12:00:00Z");

Deno.test("the shipped file says how current each feed is", () => {
  assert.deepEqual(SHIPPED.checked, new Date("2026-11-30"));
  const asOf = Object.fromEntries(
    Object.entries(SHIPPED.feeds).map(([name, f]) => [name, f!.asOf.toISOString().slice(0, 10)]),
  );
  assert.deepEqual(asOf, {
    "sofa:macOS": "2026-05-11",
    "sofa:iOS": "2026-09-28",
    "endoflife:macos": "2026-05-11",
    "endoflife:ios": "2026-09-28",
    "endoflife:ipados": "2026-09-28",
    "endoflife:android": "2026-11-30",
    "endoflife:windows": "2026-11-30",
  });
});

Deno.test("shipped Windows lifecycles: each build's release and edition decide the verdict", () => {
  const data: ReleaseData = { apple: {}, lifecycles: {} };
  for (const [name, feed] of Object.entries(SHIPPED.feeds)) {
    if (feed) place(data, name as FeedName, feed.value);
  }
  const policy = parseOsPolicy("supported");
  const judge = (os: string, build: string) =>
    judgeWithPolicy({ source: "landesk", os, os_version: `10.0.${build}` }, {
      policy,
      data,
      now: NOW,
    })
      ?.sentences.join(" ");
  assert.equal(
    judge("Microsoft Windows 11 Pro", "22621"),
    "Windows 11 22H2 (Home and Pro) reached end of servicing on 8 October 2024.",
  );
  assert.equal(
    judge("Microsoft Windows 11 Education", "22631"),
    "Windows 11 23H2 (Enterprise and Education) reached end of servicing on 10 November.",
  );
  assert.equal(
    judge("Microsoft Windows 11 Home", "26300"),
    "Windows 11 26H2 (Home and Pro) is serviced until 10 October 2028.",
  );
  assert.equal(
    judge("Microsoft Windows 11 Enterprise", "28000"),
    "Windows 11 26H1 (Enterprise and Education) is serviced until 13 March 2029.",
  );
});
