import assert from "node:assert/strict";
import {
  type IndexKind,
  listedSource,
  peopleOf,
  readListing,
  recordsUnder,
} from "../../engine/batch/listing.ts";
import { createSpillFile } from "../../lib/spill_file.ts";
import { type ListedPage, type ListingSource, UpstreamError } from "../../engine/core/ports.ts";
import type { DeviceRecord } from "../../engine/core/types.ts";

const signal = () => new AbortController().signal;

function record(email: string | undefined, serial: string, mac?: string): DeviceRecord {
  return {
    source: "inv",
    ...(email ? { email } : {}),
    serial,
    identifiers: { serial, ...(mac ? { mac_addresses: [mac] } : {}) },
  };
}

/** A listing source over fixed pages; `failAt` throws instead of that page (0-based). */
function lister(pages: DeviceRecord[][], failAt?: number): ListingSource {
  return {
    name: "inv",
    timeoutMs: 1000,
    devicesByEmail: () => Promise.reject(new Error("not used")),
    devicesBySerial: () => Promise.reject(new Error("not used")),
    async *listDevices(): AsyncGenerator<ListedPage> {
      for (const [i, records] of pages.entries()) {
        if (i === failAt) throw new UpstreamError("inv: HTTP 500 on page 2");
        yield { records, total: 3 };
      }
    },
  };
}

const PAGES = [
  [record("Fry@PlanetExpress.com", "S1", "00:DE:CA:FB:AD:01"), record(undefined, "s2")],
  [record("fry@planetexpress.com", "S3"), record("not an address", "S4")],
];

Deno.test("readListing() indexes records by owner, serial and MAC, reporting each page", async () => {
  const progress: unknown[] = [];
  const index = await readListing(lister(PAGES), { onPage: (p) => progress.push(p) });
  assert.deepEqual(index.owners, ["Fry@PlanetExpress.com"]);
  const serials = (kind: IndexKind, value: string) =>
    recordsUnder(index, kind, value).records.map((r) => r.serial);
  assert.deepEqual(serials("owner", "FRY@planetexpress.com"), ["S1", "S3"]);
  assert.deepEqual(serials("serial", "S2"), ["s2"]);
  assert.deepEqual(serials("mac", "00-de-ca-fb-ad-01"), ["S1"]);
  assert.deepEqual(serials("owner", "leela@planetexpress.com"), []);
  assert.deepEqual(serials("mac", "not a MAC"), []);
  // records are kept as text, record numbers under the keys' hashes (issue 25: a compact index)
  assert.deepEqual(index.byOwner.candidates("fry@planetexpress.com"), [0, 2]);
  assert.deepEqual(index.bySerial.candidates("S2"), [1]);
  assert.equal(JSON.parse(index.shelf.get(3))[1].serial, "S4");
  assert.equal(index.records, 4);
  assert.equal(index.failure, undefined);
  assert.deepEqual(progress, [
    { source: "inv", page: 1, records: 2, total: 3 },
    { source: "inv", page: 2, records: 4, total: 3 },
  ]);
});

Deno.test("readListing() on a spill file answers exactly as in memory (issue 25: listings on disk)", async () => {
  const spill = createSpillFile();
  try {
    const onDisk = await readListing(lister(PAGES), { shelf: spill });
    const inMemory = await readListing(lister(PAGES));
    assert.equal(spill.count, 4);
    for (const serial of ["S1", "S2", "S3", "S4"]) {
      assert.deepEqual(
        recordsUnder(onDisk, "serial", serial),
        recordsUnder(inMemory, "serial", serial),
      );
    }
    assert.deepEqual(
      recordsUnder(onDisk, "owner", "fry@planetexpress.com").records.map((r) => r.serial),
      ["S1", "S3"],
    );
  } finally {
    spill.close();
  }
});

Deno.test("recordsUnder() never answers a record of another key with the same hash", async () => {
  // FNV-1a 32-bit: "C02G2XM" and "C0211Q30" hash alike (1644328490), as do "p1uzx@example.com"
  // and "pc2ad@example.com" (465727302); the index keeps hashes, a lookup checks each record
  const index = await readListing(lister([[
    record("p1uzx@example.com", "C02G2XM"),
    record("PC2AD@example.com", "C0211Q30"),
    record("pc2ad@example.com", "C02Z"),
  ]]));
  assert.deepEqual(index.bySerial.candidates("C02G2XM"), [0, 1]);
  assert.deepEqual(recordsUnder(index, "serial", "c02g2xm").records.map((r) => r.serial), [
    "C02G2XM",
  ]);
  assert.deepEqual(recordsUnder(index, "serial", "C0211Q30").records.map((r) => r.serial), [
    "C0211Q30",
  ]);
  assert.deepEqual(recordsUnder(index, "serial", "C02X").records, []);
  assert.deepEqual(index.byOwner.candidates("pc2ad@example.com"), [0, 1, 2]);
  assert.deepEqual(
    recordsUnder(index, "owner", "pc2ad@example.com").records.map((r) => r.serial),
    ["C0211Q30", "C02Z"],
  );
  // each owner once, as first spelled, though the two addresses hash alike
  assert.deepEqual(index.owners, ["p1uzx@example.com", "PC2AD@example.com"]);
});

Deno.test("listedSource() answers the lookups the source offers from the index", async () => {
  const source = lister(PAGES);
  const stand = listedSource(source, await readListing(source));
  assert.equal(stand.devicesByMac, undefined, "the source has no MAC lookup");
  const fry = await stand.devicesByEmail!(" FRY@planetexpress.com", { signal: signal() });
  assert.deepEqual(fry.map((r) => r.serial), ["S1", "S3"]);
  assert.deepEqual(
    await stand.devicesByEmail!("leela@planetexpress.com", { signal: signal() }),
    [],
  );
  assert.deepEqual(
    (await stand.devicesBySerial!("S2", { signal: signal() })).map((r) => r.serial),
    ["s2"],
  );
});

Deno.test("listedSource() fails every lookup with one clear message when the listing failed", async () => {
  const source = lister(PAGES, 1);
  const index = await readListing(source);
  assert.equal(index.pages, 1);
  assert.equal(index.failure, "inv: HTTP 500 on page 2");
  const stand = listedSource(source, index);
  await assert.rejects(
    stand.devicesByEmail!("fry@planetexpress.com", { signal: signal() }),
    {
      name: "UpstreamError",
      message: "inv: the inventory listing failed after 1 pages, so this source was skipped for " +
        "this run: inv: HTTP 500 on page 2",
    },
  );
});

Deno.test("peopleOf() keeps the file's people first and adds owners once, ignoring failed listings", async () => {
  const ok = await readListing(lister(PAGES));
  const failed = await readListing(
    lister([[record("leela@planetexpress.com", "L1")], []], 1),
  );
  assert.deepEqual(peopleOf(["amy@planetexpress.com", "fry@planetexpress.com"], [ok, failed]), [
    "amy@planetexpress.com",
    "fry@planetexpress.com",
  ]);
  assert.deepEqual(peopleOf([], [ok]), ["Fry@PlanetExpress.com"]);
});
