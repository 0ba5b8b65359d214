import assert from "node:assert/strict";
import { silentLogger } from "../../config/log.ts";
import { listedSource, readListing } from "../../engine/batch/listing.ts";
import { isListingSource, type Store } from "../../engine/core/ports.ts";
import { createGoogleSource, schema } from "../../plugins/sources/google/mod.ts";
import { chromeOsOwners, mobileOwners } from "../../plugins/sources/google/listing.ts";
import { GOOGLE_SCOPES, startGoogleServiceAccount } from "../support/google.ts";

const FIXTURES = new URL("../fixtures/upstream/google/devices/", import.meta.url);
const USER = "user@example.com";
const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(Deno.readTextFileSync(new URL(`${name}.json`, FIXTURES)));
const signal = () => ({ signal: new AbortController().signal });

Deno.test("google listDevices() pages through mobile and ChromeOS devices, naming owners, past a 429", async () => {
  const now = () => new Date("2024-05-20T12:00:00Z");
  const { google: fake, section } = await startGoogleServiceAccount(now);
  try {
    fake.pageSize = 2;
    fake.mobile.push(
      fixture("android"),
      fixture("android_oreo"),
      fixture("ios_ios-sync"),
      { ...fixture("ios_google-sync"), email: ["leela@example.com"], resourceId: "leela-1" },
      { resourceId: "broken", email: [USER] }, // no lastSync: skipped, the rest carries on
    );
    fake.chromeos.push(fixture("chromeos"), fixture("chromeos_pixelbook"));
    const source = await createGoogleSource(
      schema.parse(await section({ scopes: [GOOGLE_SCOPES.mobile] })),
      { name: "google", timeoutMs: 5000, log: silentLogger, store: {} as Store, now, demo: false },
      { backoffMs: () => 5 },
    );
    assert.ok(isListingSource(source));
    fake.failures.push({ match: "/devices/mobile", status: 429, times: 1 });
    const index = await readListing(source);
    assert.equal(index.failure, undefined);
    assert.equal(index.records, 6, "4 + 1 of 5 mobile devices, 2 Chromebooks");
    const listRequests = fake.requests.filter((r) =>
      r.path.includes("/devices/") && !r.params.has("query")
    );
    assert.deepEqual(listRequests.map((r) => r.params.get("maxResults")).sort(), [
      "100",
      "100",
      "100",
      "100",
      "300",
    ], "the first page asked twice: throttled (429), then answered");
    // both lists are read at once: each one's first page is asked before either is answered
    assert.deepEqual(
      listRequests.slice(0, 2).map((r) => r.path.slice(r.path.lastIndexOf("/") + 1)).sort(),
      ["chromeos", "mobile"],
    );
    assert.deepEqual([...index.owners].sort(), [
      "leela@example.com",
      USER,
      "user@exmaple.com",
    ]);

    // The listing answers exactly what the per-person lookup answers.
    const stand = listedSource(source, index);
    const listed = await stand.devicesByEmail!(USER, signal());
    const asked = await source.devicesByEmail!(USER, signal());
    // the same records (the two lists arrive interleaved, so in another order)
    const byId = (a: { identifiers?: unknown }, b: { identifiers?: unknown }) =>
      JSON.stringify(a.identifiers).localeCompare(JSON.stringify(b.identifiers));
    assert.deepEqual([...listed].sort(byId), [...asked].sort(byId));
    assert.equal(asked.length, 4);
  } finally {
    await fake.close();
  }
});

Deno.test("mobileOwners() and chromeOsOwners() read Google's owner fields", () => {
  assert.deepEqual(mobileOwners({ email: ["a@x.com", 3, "b@x.com"] }), ["a@x.com", "b@x.com"]);
  assert.deepEqual(mobileOwners({ email: "a@x.com" }), []);
  assert.deepEqual(chromeOsOwners({ recentUsers: [{ email: "a@x.com" }, { email: "b@x.com" }] }), [
    "a@x.com",
  ]);
  assert.deepEqual(chromeOsOwners({ recentUsers: [{ type: "USER_TYPE_UNMANAGED" }] }), []);
});
