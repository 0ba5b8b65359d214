/**
 * The OS policies' evidence where people and tools read it: the devices page (for a verdict that
 * fails) and the JSON API's `details` (every verdict), on a fixed date with the shipped release data (demo mode fetches no feed), and
 * `/readyz` staying ready whatever the feeds do.
 *
 * @module
 */
import assert from "node:assert/strict";
import { mintToken } from "../../routes/api/tokens.ts";
import { startApp } from "../support/app.ts";

const NOW = new Date("2026-11-30T12:00:00Z");
const PIXEL_6 =
  "Install Android 14; it was due by 2 March. Android 13.0.0 is older than the version we " +
  "require. Android 13 no longer gets security updates (they ended on 2 March). Android " +
  "security patch from December 2025 — 11 months old.";

const CHROMEBOOK =
  "This Chromebook gets updates until 29 November 2029 (its auto-update expiration).";

Deno.test("the devices page and the API cite the release evidence of each verdict", async () => {
  const app = await startApp({ now: NOW });
  try {
    const cookie = await app.login("user@example.com");
    const html = await (await app.request("/devices", { cookie })).text();
    for (
      const sentence of [
        PIXEL_6,
        "Windows 10 22H2 (Enterprise and Education) reached end of servicing on 14 October 2025. " +
        "Extended Security Updates continue until 10 October 2028 for enrolled devices only.",
      ]
    ) {
      assert.ok(html.includes(sentence), `devices page shows: ${sentence}`);
    }
    // a verdict that passes is a "Done" row on the page (issue 24): its evidence is in the API
    assert.ok(!html.includes(CHROMEBOOK), "a Done row shows no evidence");

    const token = await mintToken(app.config, { email: "user@example.com", now: NOW });
    const res = await app.request("/api/v1/devices/merged/user@example.com", {
      headers: { Authorization: `Bearer ${token}` },
    });
    const devices: {
      model?: string;
      practices: Record<string, { status: string; details: string }>;
    }[] = await res.json();
    const pixel = devices.find((d) => d.model === "Pixel 6")!;
    const chromebook = devices.find((d) => d.practices.uptodate?.details?.includes(CHROMEBOOK));
    assert.equal(chromebook?.practices.uptodate?.status, "ok");
    assert.deepEqual(
      [pixel.practices.uptodate!.status, pixel.practices.uptodate!.details],
      ["warn", PIXEL_6],
    );
    assert.equal(await (await app.request("/readyz")).text(), "ready");
    assert.equal(app.services.releases.status().origin, "shipped");
  } finally {
    await app.close();
  }
});
