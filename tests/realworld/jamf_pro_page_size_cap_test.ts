// Jamf Pro API servers cap `page-size` whatever is asked (Jamf-Concepts/jamf-cli#385: 2000;
// shbedev/jamf-recovery-lock#1: 100 regardless of the request). Stethoscope stopped after the
// first short page and showed "100 of 200 devices" with "Source errors: none". Right: page until
// the computers read reach `totalCount` (or a page is empty); a listing that ends short of
// `totalCount` is an error of the source, never a complete list.
import assert from "node:assert/strict";
import { silentLogger } from "../../config/log.ts";
import type { Store } from "../../engine/core/store_ports.ts";
import jamfPro, { createJamfProSource } from "../../plugins/sources/jamf_pro/mod.ts";
import { JAMF_CLIENT_ID, JAMF_CLIENT_SECRET } from "../fakes/jamf.ts";
import { type FakeInventoryRecord, jamfProComputers, startJamfProFake } from "../fakes/jamf_pro.ts";

/** `n` computers shaped like the fake's first, with their own ids and serials. */
function computers(n: number): FakeInventoryRecord[] {
  const [model] = jamfProComputers();
  return Array.from({ length: n }, (_, i) => ({
    ...structuredClone(model!),
    id: String(1000 + i),
    hardware: {
      ...(model!.hardware as Record<string, unknown>),
      serialNumber: `C02CAP${String(i).padStart(4, "0")}`,
    },
  }));
}

async function listing(options: { cap: number; total: number; extra?: number; pageSize: number }) {
  const fake = await startJamfProFake({ computers: computers(options.total) });
  fake.capPageSize(options.cap);
  fake.overstateTotal(options.extra ?? 0);
  try {
    const source = createJamfProSource(
      jamfPro.schema.parse({
        JAMF_PRO_URL: fake.serverUrl,
        JAMF_CLIENT_ID,
        JAMF_CLIENT_SECRET,
        PAGE_SIZE: options.pageSize,
      }),
      {
        name: "jamf_pro",
        timeoutMs: 5000,
        log: silentLogger,
        store: {} as Store,
        now: () => new Date("2026-12-07T09:00:00Z"),
        demo: false,
      },
    );
    let read = 0;
    try {
      for await (const page of source.listDevices({ signal: new AbortController().signal })) {
        read += page.records.length;
      }
      return { read, pages: fake.counts.pages, error: null };
    } catch (error: unknown) {
      return { read, pages: fake.counts.pages, error: (error as Error).message };
    }
  } finally {
    await fake.close();
  }
}

Deno.test("Jamf Pro: a server capping page-size at 100 is paged to its totalCount", async () => {
  assert.deepEqual(await listing({ cap: 100, total: 250, pageSize: 500 }), {
    read: 250,
    pages: 3,
    error: null,
  });
});

Deno.test("Jamf Pro: a server capping at 2000 below a larger ask is paged the same way", async () => {
  assert.deepEqual(await listing({ cap: 20, total: 45, pageSize: 2000 }), {
    read: 45,
    pages: 3,
    error: null,
  });
});

Deno.test("Jamf Pro: a listing that ends short of totalCount is a source error", async () => {
  assert.deepEqual(await listing({ cap: 100, total: 150, extra: 50, pageSize: 100 }), {
    read: 150,
    pages: 3,
    error: "Jamf Pro: computers-inventory ended after 150 of the 200 computers its totalCount " +
      "announced (page 2 was empty); the listing is incomplete",
  });
});
