/**
 * Several BitLocker rows per LANDESK computer (issue 21). Shape derived from the original Netflix
 * Stethoscope's LANDESK query — `LEFT OUTER JOIN BitLocker A3 ON A0.Computer_Idn =
 * A3.Computer_Idn` over `PROTECTIONSTATUS`, `CONVERSIONSTATUS`, `GENENCRYPT`,
 * `ENCRYPTIONPERCENTAGE` (spec §3.3) — whose BitLocker table holds one row per encryptable
 * volume, with the values of Microsoft's documented `Win32_EncryptableVolume` ProtectionStatus
 * (0 off, 1 on) and GetConversionStatus (0 fully decrypted, 1 fully encrypted, 2 encryption in
 * progress); a disk mid-encryption is not a failure (fleetdm/fleet#53426, "BitLocker is giving the
 * wrong status while disk is being encrypted"). No public Ivanti document names a volume column,
 * so volumes are named by position. Fixture: fixtures/landesk_bitlocker_volume_rows.json.
 *
 * Right behaviour: one card per computer (never one per volume row); a computer with an
 * unencrypted third volume is "Disk is not encrypted" and the evidence names that volume; one
 * still being encrypted is "can't be checked" with "encryption in progress" in its evidence; a
 * computer whose rows repeat one volume reads it once.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { Row } from "../../plugins/sources/landesk_sql.ts";
import { createLandeskSource, schema } from "../../plugins/sources/landesk.ts";
import { demoWith, startApp } from "../support/app.ts";
import { pluginContext, registryWith, sourceEntry } from "../support/sources.ts";
import { LANDESK_SECTION, landeskDatabase } from "../support/landesk_fake.ts";
import { realworldFixture } from "./fixture.ts";

const ALICE = "alice@example.com";

Deno.test("LANDESK: one device per computer, every BitLocker volume counted, the failing one named", async () => {
  const rows = await realworldFixture<Row[]>("landesk_bitlocker_volume_rows.json");
  const landesk = createLandeskSource(
    schema.parse(LANDESK_SECTION),
    pluginContext("landesk"),
    landeskDatabase(rows).query,
  );
  const app = await startApp({
    now: new Date("2026-12-07T09:00:00Z"),
    demoPeople: [{ email: ALICE, name: "Alice", story: "three LANDESK laptops" }],
    registry: registryWith({
      landesk: sourceEntry((email, signal) => landesk.devicesByEmail!(email, { signal })),
    }),
    config: demoWith({ PLUGINS: { landesk: {} }, UI: { sourceLabels: { landesk: "LANDESK" } } }),
  });
  try {
    const cookie = await app.login(ALICE);
    const html = await (await app.request("/devices", { cookie })).text();
    const text = html.replace(/<[^>]+>/g, " ").replace(/\s+/g, " ");
    const card = (name: string) => {
      const at = text.indexOf(` ${name} `);
      return text.slice(at, text.indexOf("Why it matters", at) + 1 || undefined);
    };
    assert.deepEqual(
      ["ALICE-LT", "ALICE-NEW", "ALICE-OLD"].map((n) => text.split(` ${n} `).length > 1),
      [true, true, true],
    );
    assert.equal((html.match(/<article /g) ?? []).length, 3, "one card per computer");
    assert.ok(
      text.includes(
        "Disk is not encrypted · since 7 December " +
          "BitLocker volume 1 of 3: 100 % encrypted, protection on. " +
          "BitLocker volume 2 of 3: 100 % encrypted, protection on. " +
          "BitLocker volume 3 of 3: 0 % encrypted, protection off.",
      ),
      card("ALICE-LT"),
    );
    assert.ok(
      text.includes(
        "Disk encryption can&#39;t be checked on this PC " +
          "BitLocker volume: 42 % encrypted, protection off, encryption in progress.",
      ),
      text,
    );
    const encryptionTitles = [
      ...html.matchAll(
        /(Disk is encrypted|Disk is not encrypted|Disk encryption can&#39;t be checked on this PC)/g,
      ),
    ]
      .map((m) => m[1]);
    assert.deepEqual(encryptionTitles, [
      "Disk is not encrypted",
      "Disk encryption can&#39;t be checked on this PC",
      "Disk is encrypted",
    ]);
  } finally {
    await app.close();
  }
});
