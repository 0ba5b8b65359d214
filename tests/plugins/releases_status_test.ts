import assert from "node:assert/strict";
import { releaseStatus } from "../../plugins/releases/status.ts";
import { SHIPPED } from "../../plugins/releases/shipped.ts";

Deno.test("releaseStatus() reports the snapshot's origin and age, stale past warnAfterDays", () => {
  const asOf = new Date("2026-11-20T00:00:00Z");
  const feeds = [
    { name: "sofa:macOS" as const, origin: "feed" as const, asOf, value: [] },
    {
      name: "sofa:iOS" as const,
      origin: "store" as const,
      asOf,
      error: "SOFA: cannot reach GET /",
    },
  ];
  const now = new Date("2026-11-30T00:00:00Z");
  assert.deepEqual(
    releaseStatus(feeds, { data: { apple: {}, lifecycles: {} }, origin: "store", asOf }, now, 7),
    {
      origin: "store",
      asOf,
      ageDays: 10,
      stale: true,
      feeds: [
        { name: "sofa:macOS", origin: "feed", asOf },
        { name: "sofa:iOS", origin: "store", asOf, error: "SOFA: cannot reach GET /" },
      ],
    },
  );
  assert.equal(
    releaseStatus([], { data: { apple: {}, lifecycles: {} }, origin: "feed", asOf }, now, 10).stale,
    false,
  );
});

Deno.test("releaseStatus() without data is the shipped file's check date", () => {
  const s = releaseStatus([], null, SHIPPED.checked, 7);
  assert.equal(s.origin, "shipped");
  assert.equal(s.asOf, SHIPPED.checked);
  assert.equal(s.ageDays, 0);
});
