/**
 * One person's Intune lookup reads at most `BUDGETS.LOOKUP_MAX_PAGES` Graph pages (issue 22: a
 * never-ending Graph paging reached 1 GB in eight page views).
 *
 * @module
 */
import assert from "node:assert/strict";
import { silentLogger } from "../../config/log.ts";
import type { Store } from "../../engine/core/store_ports.ts";
import intune, { createIntuneSource } from "../../plugins/sources/intune/mod.ts";
import { intuneSettings, startIntuneFake } from "../fakes/intune.ts";

Deno.test("a person's Intune lookup stops past BUDGETS.LOOKUP_MAX_PAGES pages", async () => {
  const fake = startIntuneFake();
  try {
    const config = intune.schema.parse(
      intuneSettings(fake, { PAGE_SIZE: 1, SETTING_STATES: false }),
    );
    const source = (lookupMaxPages: number) =>
      createIntuneSource(config, {
        name: "intune",
        timeoutMs: 5000,
        log: silentLogger,
        store: {} as Store,
        now: () => new Date("2026-12-07T10:00:00Z"),
        demo: false,
        lookupMaxPages,
      });
    const signal = new AbortController().signal;
    await assert.rejects(source(2).devicesByEmail("fry@planetexpress.com", { signal }), {
      message:
        "Intune: one person's lookup went on past 2 pages (BUDGETS.LOOKUP_MAX_PAGES); stopped",
    });
    assert.equal(fake.counts.pages, 3, "the third page is read, then refused");
    const all = await source(3).devicesByEmail("fry@planetexpress.com", { signal });
    assert.equal(all.length, 3);
  } finally {
    await fake.close();
  }
});
