/**
 * Google Android phones as the Directory API `mobiledevices` resource describes them (`type`
 * ANDROID, `os` "Android 14", `securityPatchLevel` epoch ms as a string, `encryptionStatus`,
 * `devicePasswordStatus`, `unknownSourcesStatus`, `developerOptionsStatus`, `adbStatus` booleans,
 * `managedAccountIsOnOwnerProfile`, `privilege`, `email` a list): a fully managed Android 14 phone,
 * and an Android 13 work-profile phone whose policy app sends none of the three booleans. Source:
 * the `mobiledevices` resource reference (mirrored in Google's generated client docs,
 * googleapis.dev google-apis-admin_directory_v1 `MobileDevice`: "adbStatus — Adb (USB debugging)
 * enabled or disabled on device (Read-only)"). Fixture:
 * fixtures/google_android_work_profile_devices.json. Right behaviour: the person sees the patch
 * level's age, screen lock as sent, and a USB-debugging state Google did not send as unknown,
 * never as "off".
 *
 * @module
 */
import assert from "node:assert/strict";
import { DEFAULT_PRACTICES } from "../../engine/practices/default_practices.ts";
import { applyPractices, buildPracticeSet } from "../../engine/practices/practices.ts";
import { googleWorld } from "./google_support.ts";
import { realworldFixture } from "./fixture.ts";

const { mobiledevices } = await realworldFixture<{ mobiledevices: unknown[] }>(
  "google_android_work_profile_devices.json",
);

Deno.test("Android phones from Google: patch level, screen lock, USB debugging as Google sent them", async () => {
  const world = await googleWorld(new Date("2024-12-02T09:00:00Z"));
  try {
    world.fake.mobile.push(...mobiledevices);
    const records = await world.source.devicesByEmail!("alice@example.com", {
      signal: new AbortController().signal,
    });
    assert.deepEqual(
      records.map((d) => [
        d.model,
        d.os,
        d.os_version,
        d.security_patch_level?.toISOString(),
        d.practices?.screenlock?.value,
        d.practices?.encryption?.value,
        d.practices?.adbstatus?.value,
        d.practices?.unknownsources?.value,
      ]),
      [
        ["Pixel 8", "Android", "14.0.0", "2024-09-01T00:00:00.000Z", true, true, true, undefined],
        [
          "SM-S911B",
          "Android",
          "13.0.0",
          "2023-07-01T00:00:00.000Z",
          false,
          true,
          undefined,
          undefined,
        ],
      ],
    );
    const judged = applyPractices(records, buildPracticeSet(DEFAULT_PRACTICES));
    assert.deepEqual(
      judged.map((d) => [d.model, d.practices?.screenlock?.status, d.practices?.adbstatus?.status]),
      [["Pixel 8", "ok", "ok"], ["SM-S911B", "warn", "unknown"]],
    );
  } finally {
    await world.close();
  }
});
