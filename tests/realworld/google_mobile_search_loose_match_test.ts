/**
 * The Directory API's mobile-device search matches words, not whole addresses: `email:x` returns
 * devices of `x.au`, of `malice@…`, and devices shared by several owners. Sources: Google's
 * Directory API guide "Search for mobile devices" (the `:` operator "matches" a value; prefix
 * search `email:fred*`) and the `mobiledevices` resource (`email` is a list of owners). Fixture:
 * fixtures/google-mobile-search-loose-match.json. Right behaviour: a person sees only phones whose
 * owner list holds their whole address (any letter case), shared phones included.
 *
 * @module
 */
import assert from "node:assert/strict";
import { realworldFixture } from "./fixture.ts";
import { googleWorld } from "./google_support.ts";

const { mobiledevices } = await realworldFixture<{ mobiledevices: unknown[] }>(
  "google-mobile-search-loose-match.json",
);

Deno.test("alice@example.com sees her own and her shared phone, no one else's", async () => {
  const world = await googleWorld(new Date("2026-11-30T09:00:00Z"));
  try {
    world.fake.mobile.push(...mobiledevices);
    const devices = await world.source.devicesByEmail!("alice@example.com", {
      signal: new AbortController().signal,
    });
    assert.deepEqual(devices.map((d) => d.model), ["SM-G991B", "SM-A546B"]);
  } finally {
    await world.close();
  }
});
