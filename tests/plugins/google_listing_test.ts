import assert from "node:assert/strict";
import { silentLogger } from "../../config/log.ts";
import { listedSource, readListing } from "../../engine/batch/listing.ts";
import { isListingSource } from "../../engine/core/ports.ts";
import type { Store } from "../../engine/core/store_ports.ts";
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
    // mobile: the first page twice (throttled, then answered), then from both ends at once —
    // ascending 3-4 with descending 5-4 (they meet at 4), then ascending 5 to the end
    assert.deepEqual(listRequests.map((r) => r.params.get("maxResults")).sort(), [
      "100",
      "100",
      "100",
      "100",
      "100",
      "300",
    ]);
    const mobileOrders = listRequests.filter((r) => r.path.endsWith("/mobile")).map((r) =>
      `${r.params.get("orderBy")} ${r.params.get("sortOrder")}`
    );
    assert.deepEqual(mobileOrders.sort(), [
      ...Array(4).fill("deviceId ASCENDING"),
      "deviceId DESCENDING",
    ]);
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

Deno.test("the mobile list read from both ends gives every device exactly once, ties in deviceId included, whatever order Google gives ties", async () => {
  const { listGoogleDevices } = await import("../../plugins/sources/google/listing.ts");
  for (const total of [0, 1, 7, 10, 11, 99, 250]) {
    for (const size of [1, 3, 10, 100]) {
      // deviceIds with ties (every third device shares one with its neighbour)
      const devices = Array.from({ length: total }, (_, i) => ({
        resourceId: `r${i}`,
        deviceId: `d${String(Math.floor(i / 3) * 2 + (i % 3 === 2 ? 1 : 0)).padStart(4, "0")}`,
        email: [`p${i}@example.com`],
      }));
      const key = (d: { deviceId: string }) => d.deviceId;
      const up = [...devices].sort((a, b) => key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);
      // descending: keys reversed, but ties kept in the ascending order (not a mirror image)
      const down = [...devices].sort((a, b) =>
        key(a) > key(b) ? -1 : key(a) < key(b) ? 1 : a.resourceId.localeCompare(b.resourceId)
      );
      let requests = 0;
      const seen: string[] = [];
      for await (
        const page of listGoogleDevices({
          mobilePage: (token, _signal, order) => {
            requests++;
            const list = order === "ASCENDING" ? up : down;
            const start = Number(token ?? 0);
            const next = start + size < list.length ? String(start + size) : undefined;
            return Promise.resolve({ items: list.slice(start, start + size), next });
          },
          chromeOsPage: () => Promise.resolve({ items: [], next: undefined }),
          processMobile: (raw) => ({
            source: "google",
            name: (raw as { resourceId: string }).resourceId,
          }),
          processChromeOs: () => ({ source: "google" }),
          onSkipped: () => {},
        }, new AbortController().signal)
      ) {
        for (const r of page.records) seen.push(r.name!);
      }
      assert.deepEqual(
        [...seen].sort(),
        devices.map((d) => d.resourceId).sort(),
        `${total} devices, pages of ${size}`,
      );
      const pages = Math.max(1, Math.ceil(total / size));
      // a page or two more than reading one way (where the two meet), never double
      const most = size >= 10 ? pages + 2 : 2 * pages;
      assert.ok(requests <= most, `${total}/${size}: ${requests} requests for ${pages} pages`);
    }
  }
});
