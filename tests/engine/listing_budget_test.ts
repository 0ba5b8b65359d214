/**
 * A listing that never ends stops at its budget (issue 22: a never-ending listing reached 4.46 GB
 * and 2.74 million devices in 60 s): `BUDGETS.LISTING_MAX_PAGES` and `LISTING_MAX_RECORDS`, each
 * named in the listing's failure.
 *
 * @module
 */
import assert from "node:assert/strict";
import { readListing } from "../../engine/batch/listing.ts";
import type { ListingSource } from "../../engine/core/ports.ts";
import type { DeviceRecord } from "../../engine/core/types.ts";

/** An inventory whose every page says there is another, counting the pages it was asked for. */
function endless(pageSize: number): ListingSource & { asked: number } {
  const source = {
    name: "intune",
    timeoutMs: null,
    asked: 0,
    devicesByEmail: () => Promise.resolve([]),
    async *listDevices() {
      for (let page = 0;; page++) {
        source.asked++;
        const records: DeviceRecord[] = Array.from({ length: pageSize }, (_, i) => ({
          source: "intune",
          email: `p${page}-${i}@planetexpress.com`,
          identifiers: { serial: `S${page}X${i}` },
        }));
        yield { records };
      }
    },
  };
  return source;
}

Deno.test("readListing() stops a never-ending listing at BUDGETS.LISTING_MAX_PAGES", async () => {
  const source = endless(10);
  const index = await readListing(source, { budget: { maxPages: 50, maxRecords: 1_000_000 } });
  assert.equal(
    index.failure,
    "intune: the listing went on past 50 pages (BUDGETS.LISTING_MAX_PAGES); stopped — raise it if the inventory is that large",
  );
  assert.deepEqual([index.pages, index.records, source.asked], [50, 500, 51]);
});

Deno.test("readListing() stops at BUDGETS.LISTING_MAX_RECORDS before keeping the page that passes it", async () => {
  const source = endless(1000);
  const index = await readListing(source, { budget: { maxPages: 1_000_000, maxRecords: 2500 } });
  assert.equal(
    index.failure,
    "intune: the listing went on past 2500 records (BUDGETS.LISTING_MAX_RECORDS); stopped — raise it if the inventory is that large",
  );
  assert.deepEqual([index.pages, index.records], [2, 2000]);
});
