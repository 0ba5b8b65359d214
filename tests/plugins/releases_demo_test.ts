/**
 * The demo's devices judged on a fixed date with the shipped release data (no feed is fetched in
 * demo mode): every up-to-date verdict and the sentences that cite its evidence.
 *
 * @module
 */
import assert from "node:assert/strict";
import { silentLogger } from "../../config/log.ts";
import { demoConfig } from "../../config/demo.ts";
import { assemble } from "../../plugins/assemble.ts";
import { DEMO_PEOPLE } from "../../plugins/sources/demo_people.ts";
import { createSqliteStore } from "../../plugins/stores/sqlite.ts";

const NOW = new Date("2026-11-30T12:00:00Z");

Deno.test("demo devices on 30 November 2026: up-to-date verdicts cite their evidence", async () => {
  const store = await createSqliteStore({ path: ":memory:", log: silentLogger });
  const services = await assemble(demoConfig(), { log: silentLogger, now: () => NOW, store });
  try {
    assert.equal(services.releases.fetching, false);
    assert.equal(services.releases.status().origin, "shipped");
    const seen: [string, string, string, string][] = [];
    for (const person of DEMO_PEOPLE) {
      for (const device of (await services.engine.devices(person.email)).items) {
        const practice = device.practices.uptodate;
        if (!device.os || !practice) continue;
        seen.push([
          person.email,
          device.name ?? device.model ?? "",
          practice.status ?? "",
          practice.details ?? "",
        ]);
      }
    }
    assert.deepEqual(seen, [
      [
        "green@example.com",
        "amy-mbp",
        "ok",
        "We recommend macOS 26.6 or later. macOS 26.6 has every security release for macOS 26 (newest: 26.5, out since 11 May).",
      ],
      [
        "green@example.com",
        "iPhone 16",
        "ok",
        "We recommend iOS 26.6 or later. iOS 26.7.1 has every security release for iOS 26 (newest: 26.7.1, out since 28 September).",
      ],
      [
        "one-red@example.com",
        "HERMES-T14",
        "ok",
        "We recommend Microsoft Windows 11 Enterprise 10.0.26200 or later. Windows 11 25H2 (Enterprise and Education) is serviced until 10 October 2028.",
      ],
      [
        "one-red@example.com",
        "hermes-air",
        "ok",
        "We recommend macOS 26.6 or later. macOS 26.6 has every security release for macOS 26 (newest: 26.5, out since 11 May).",
      ],
      [
        "one-unknown@example.com",
        "zoidberg-mbp",
        "ok",
        "We recommend macOS 26.6 or later. macOS 26.6 has every security release for macOS 26 (newest: 26.5, out since 11 May).",
      ],
      [
        "admin@example.com",
        "farnsworth-mbp",
        "ok",
        "We recommend macOS 26.6 or later. macOS 26.6 has every security release for macOS 26 (newest: 26.5, out since 11 May).",
      ],
      [
        "user@example.com",
        "fry-mbp",
        "warn",
        "Install macOS 15.7.7; it was due by 1 June. macOS 15.6 is older than the version we require. macOS 15.6 — 15.7.7 fixes security issues and has been out 203 days; it was due by 1 June.",
      ],
      [
        "user@example.com",
        "Pixel 6",
        "warn",
        "Install Android 14; it was due by 2 March. Android 13.0.0 is older than the version we require. Android 13 no longer gets security updates (they ended on 2 March). Android security patch from December 2025 — 11 months old.",
      ],
      [
        "user@example.com",
        "FRY-X1",
        "warn",
        "Install Windows 11 24H2; it was due by 14 October 2025. Windows 10 22H2 (Enterprise and Education) reached end of servicing on 14 October 2025. Extended Security Updates continue until 10 October 2028 for enrolled devices only.",
      ],
      [
        "user@example.com",
        "iPad Air",
        "warn",
        "Install iOS 18.7.9; it was due by 1 June. iOS 18.6 is older than the version we require. iOS 18.6 — 18.7.9 fixes security issues and has been out 203 days; it was due by 1 June.",
      ],
      [
        "user@example.com",
        "iPhone 16 Pro",
        "ok",
        "We recommend iOS 26.6 or later. iOS 26.7.1 has every security release for iOS 26 (newest: 26.7.1, out since 28 September).",
      ],
      [
        "user@example.com",
        "Pixel 9",
        "ok",
        "We recommend Android 16.0.0 or later. Android security patch from November 2026 — 20 days old.",
      ],
      [
        "user@example.com",
        "Chromebook Plus",
        "ok",
        "We recommend ChromeOS 150.0.0 or later. This Chromebook gets updates until 29 November 2029 (its auto-update expiration).",
      ],
    ]);
  } finally {
    await services.close();
  }
});
