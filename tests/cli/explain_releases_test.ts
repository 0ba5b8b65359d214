/**
 * `explain`'s "OS up to date" section reads the person's view (`Engine.viewOf()`), not each raw
 * record: one line per merged device, with the status, deadline and exemption their Devices page
 * shows. Records are shaped as the plugins normalise Jamf / Google Directory devices
 * (`os`, `os_version`, `security_patch_level`: Google's `securityPatchLevel`).
 *
 * @module
 */
import assert from "node:assert/strict";
import { explainUpToDate } from "../../cli/explain_releases.ts";
import { DEFAULT_PRACTICES } from "../../engine/practices/default_practices.ts";
import { buildPracticeSet } from "../../engine/practices/practices.ts";
import { SHIPPED } from "../../plugins/releases/shipped.ts";
import { place } from "../../plugins/releases/codec.ts";
import type { ReleaseData } from "../../engine/releases/releases.ts";
import type { FeedName } from "../../plugins/releases/codec.ts";
import type { DeviceRecord } from "../../engine/core/types.ts";
import type { Exemption } from "../../engine/view/exemptions.ts";
import { engineWith } from "../support/engine.ts";
import { createSqliteStore } from "../../plugins/stores/sqlite.ts";
import { silentLogger } from "../../config/log.ts";
import { runMain } from "../support/run_main.ts";
import { inTempDir } from "../support/temp_dir.ts";

const NOW = new Date("2026-11-30T12:00:00Z");

function shippedPractices() {
  const data: ReleaseData = { apple: {}, lifecycles: {} };
  for (const [name, feed] of Object.entries(SHIPPED.feeds)) {
    if (feed) place(data, name as FeedName, feed.value);
  }
  return buildPracticeSet(DEFAULT_PRACTICES, undefined, {
    releases: { snapshot: () => ({ data, origin: "shipped", asOf: SHIPPED.checked }) },
    now: () => NOW,
  });
}

Deno.test("explain lists each device's up-to-date verdict with the evidence it cites", async () => {
  const practices = shippedPractices();
  const engine = engineWith({ practices }, { now: () => NOW });
  const records: DeviceRecord[] = [
    { source: "jamf", name: "old-mbp", os: "macOS", os_version: "13.7.8" },
    {
      source: "google",
      model: "Pixel 9",
      os: "Android",
      os_version: "16.0.0",
      security_patch_level: new Date("2026-11-05T00:00:00Z"),
    },
    { source: "bitfit", name: "old-mbp" },
  ];
  const view = await engine.viewOf("fry@example.com", { items: records, errors: [] });
  assert.equal(
    explainUpToDate(view.devices, practices, NOW),
    "OS up to date:\n" +
      "  old-mbp (jamf, macOS 13.7.8): critical. Install macOS 15.7; it was due by 15 September " +
      "2025. macOS 13.7.8 is older than the version we require. macOS 13 no longer gets security updates " +
      "(they ended on 15 September 2025). macOS 13 is 3 major releases behind macOS 26.\n" +
      "  Pixel 9 (google, Android 16.0.0): ok. We recommend Android 16.0.0 or later. Android " +
      "security patch from November 2026 — 25 days old.",
  );
  const bitfitOnly = await engine.viewOf("x@example.com", {
    items: [{ source: "bitfit", name: "x" }],
    errors: [],
  });
  assert.equal(explainUpToDate(bitfitOnly.devices, practices, NOW), "");
});

Deno.test("explain shows one verdict per merged device, the one the page shows, not one per record", async () => {
  // Two inventories report one Mac (same serial): a file export synced today on macOS 26.5,
  // Jamf last week on macOS 13.7.8. Evaluated alone, the records say "suggested" and "critical"
  // (the old explain printed both lines); the page shows one device, judged once.
  const practices = shippedPractices();
  const engine = engineWith({ practices }, { now: () => NOW });
  const records: DeviceRecord[] = [
    {
      source: "file",
      name: "fry-mbp",
      os: "macOS",
      os_version: "26.5",
      last_sync: new Date("2026-11-30T09:00:00Z"),
      identifiers: { serial: "C02FRY" },
    },
    {
      source: "jamf",
      name: "fry-mbp",
      os: "macOS",
      os_version: "13.7.8",
      last_sync: new Date("2026-11-23T09:00:00Z"),
      identifiers: { serial: "C02FRY" },
    },
  ];
  const uptodate = practices.find((p) => p.key === "uptodate")!;
  assert.deepEqual(records.map((r) => uptodate.evaluate(r).status), ["nudge", "warn"]);
  const view = await engine.viewOf("fry@example.com", { items: records, errors: [] });
  assert.equal(
    explainUpToDate(view.devices, practices, NOW),
    "OS up to date:\n  fry-mbp (file, jamf, macOS 26.5): suggested. Install macOS 26.6. " +
      "macOS 26.5 has every security release for macOS 26 (newest: 26.5, out since 11 May).",
  );
});

Deno.test("explain with a store (online) shows the grace deadline and the exemption the person's page shows", async () => {
  // Both Macs run macOS 13.7.8: evaluated alone, each record is "critical". With 14 days of grace
  // the newly failing one is a suggestion with its deadline; the other is exempt (issue 26).
  const graced = {
    ...DEFAULT_PRACTICES,
    uptodate: { ...DEFAULT_PRACTICES.uptodate!, GRACE_DAYS: 14 },
  };
  const data: ReleaseData = { apple: {}, lifecycles: {} };
  for (const [name, feed] of Object.entries(SHIPPED.feeds)) {
    if (feed) place(data, name as FeedName, feed.value);
  }
  const practices = buildPracticeSet(graced, ["uptodate"], {
    releases: { snapshot: () => ({ data, origin: "shipped", asOf: SHIPPED.checked }) },
    now: () => NOW,
  });
  const store = await createSqliteStore({
    path: ":memory:",
    log: silentLogger,
    now: () => NOW,
  });
  const lab: Exemption = {
    id: "ex-1",
    email: "fry@example.com",
    device: "serial:C02LAB",
    practice: "uptodate",
    reason: "Lab machine on an isolated network",
    grantedBy: "security@example.com",
    grantedAt: NOW,
    expiresAt: new Date("2027-03-02T00:00:00Z"),
  };
  try {
    await store.exemptions.grantExemption(lab);
    const engine = engineWith({ practices }, {
      now: () => NOW,
      store,
      exemptions: store.exemptions,
    });
    const mac = (name: string, serial: string): DeviceRecord => ({
      source: "jamf",
      name,
      os: "macOS",
      os_version: "13.7.8",
      last_sync: NOW,
      identifiers: { serial },
    });
    const records = [mac("fry-mbp", "C02FRY"), mac("lab-mbp", "C02LAB")];
    const uptodate = practices.find((p) => p.key === "uptodate")!;
    assert.deepEqual(records.map((r) => uptodate.evaluate(r).status), ["warn", "warn"]);
    const view = await engine.viewOf("Fry@Example.com", { items: records, errors: [] });
    const evidence = "Install macOS 15.7; it was due by 15 September 2025. macOS 13.7.8 is older " +
      "than the version we require. macOS 13 no longer gets security updates (they ended on 15 " +
      "September 2025). macOS 13 is 3 major releases behind macOS 26.";
    assert.equal(
      explainUpToDate(view.devices, practices, NOW),
      "OS up to date:\n" +
        `  fry-mbp (jamf, macOS 13.7.8): suggested. Required by 14 December. ${evidence}\n` +
        "  lab-mbp (jamf, macOS 13.7.8): suggested. Required by 14 December. Exempt until 1 March " +
        `2027 — Lab machine on an isolated network. ${evidence}`,
    );
  } finally {
    await store.close();
  }
});

Deno.test("explain --input prints the OS verdict once per merged device, offline", async () => {
  const input = await Deno.makeTempFile({ suffix: ".json" });
  try {
    const mac = (source: string, os_version: string, last_sync: string) => ({
      source,
      name: "fry-mbp",
      os: "macOS",
      os_version,
      last_sync,
      identifiers: { serial: "C02FRY" },
    });
    await Deno.writeTextFile(
      input,
      JSON.stringify([
        mac("file", "26.5", "2026-11-30T09:00:00Z"),
        mac("jamf", "13.7.8", "2026-11-23T09:00:00Z"),
      ]),
    );
    const { code, out, err } = await runMain(["explain", "--input", input]);
    assert.deepEqual([code, err], [0, ""]);
    const section = out.slice(out.indexOf("OS up to date:\n")).trimEnd().split("\n");
    // the shipped release data judges against today's date: the verdict's words may change
    assert.equal(section.length, 2, out);
    assert.match(section[1]!, /^ {2}fry-mbp \(file, jamf, macOS 26\.5\): [a-z ]+\. /);
  } finally {
    await Deno.remove(input);
  }
});

Deno.test("explain --email reads the store's exemptions: an exempt Mac says so, as Fry's Devices page does", async () => {
  await inTempDir(async (dir) => {
    const storePath = `${dir}/stethoscope.db`;
    const config = `${dir}/config.json`;
    await Deno.writeTextFile(
      config,
      JSON.stringify({
        SECRET_KEY: "explain-exemption-session-key-0123456789",
        JWT_SECRET_KEY: "explain-exemption-api-token-key-98765432",
        PLUGINS: { demo: {} },
        STORE: { TYPE: "sqlite", PATH: storePath },
      }),
    );
    const now = new Date();
    const store = await createSqliteStore({ path: storePath, log: silentLogger });
    try {
      // Fry's MacBook Pro (the demo's DECAFBAD00) runs an old macOS: "uptodate" is critical
      await store.exemptions.grantExemption({
        id: "ex-fry-mbp",
        email: "user@example.com",
        device: "serial:DECAFBAD00",
        practice: "uptodate",
        reason: "Waiting for a replacement",
        grantedBy: "security@example.com",
        grantedAt: now,
        expiresAt: new Date(now.getTime() + 30 * 86_400_000),
      });
    } finally {
      await store.close();
    }
    const { code, out, err } = await runMain([
      "explain",
      "--email",
      "user@example.com",
      "--config",
      config,
    ]);
    assert.deepEqual([code, err], [0, ""]);
    const mac = out.split("\n").filter((line) => line.startsWith("  fry-mbp ("));
    assert.equal(mac.length, 1, out);
    assert.match(
      mac[0]!,
      /^ {2}fry-mbp \(bitfit, jamf, macOS [\d.]+\): critical\. Exempt until [^—]+ — Waiting for a replacement\. /,
    );
  });
});
