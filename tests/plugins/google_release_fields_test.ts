/**
 * The two Directory API fields the OS policies read: a mobile device's `securityPatchLevel` and a
 * ChromeOS device's `autoUpdateExpiration` (both int64 epoch milliseconds sent as strings, per the
 * Admin SDK Directory API reference for `mobiledevices` and `chromeosdevices`).
 *
 * @module
 */
import assert from "node:assert/strict";
import {
  epochMs,
  processChromeOsDevice,
  processMobileDevice,
} from "../../plugins/sources/google/parse.ts";

const DIR = new URL("../fixtures/upstream/google/devices/", import.meta.url);
const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(Deno.readTextFileSync(new URL(`${name}.json`, DIR)));
const OPTIONS = { source: "google", debug: false };

Deno.test("processMobileDevice() keeps the Android security patch level as a date", () => {
  const oreo = processMobileDevice(fixture("android_oreo"), OPTIONS);
  assert.deepEqual(oreo.security_patch_level, new Date(1507186800000));
  assert.equal(oreo.security_patch_level?.toISOString(), "2017-10-05T07:00:00.000Z");
  const unknown = processMobileDevice(
    { ...fixture("android_oreo"), securityPatchLevel: "0" },
    OPTIONS,
  );
  assert.equal("security_patch_level" in unknown, false, '"0" means Google does not know');
});

Deno.test("processChromeOsDevice() keeps the auto-update expiration as a date", () => {
  const book = processChromeOsDevice(
    { ...fixture("chromeos_pixelbook"), autoUpdateExpiration: "1780272000000" },
    OPTIONS,
  );
  assert.equal(book.auto_update_expiration?.toISOString(), "2026-06-01T00:00:00.000Z");
  assert.equal(
    "auto_update_expiration" in processChromeOsDevice(fixture("chromeos_pixelbook"), OPTIONS),
    false,
  );
});

Deno.test("epochMs() reads only positive integer strings", () => {
  assert.equal(epochMs("1549008000000")?.toISOString(), "2019-02-01T08:00:00.000Z");
  for (const bad of ["0", "", "-5", "12e3", 1549008000000, null, undefined]) {
    assert.equal(epochMs(bad), undefined, String(bad));
  }
});
