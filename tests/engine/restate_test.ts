/**
 * `restatePerson()` (issue 26 review): a person's devices are paired with their rows of the
 * latest run by a key that is theirs alone; rows and devices sharing one (two phones an inventory
 * gave no identifier, rows written before rows kept `deviceKey()`) are left as the run counted
 * them rather than one device written over another's row.
 *
 * @module
 */
import assert from "node:assert/strict";
import { silentLogger } from "../../config/log.ts";
import { deviceRow } from "../../engine/batch/device_rows.ts";
import { restatePerson } from "../../engine/batch/restate.ts";
import type { BatchRunSummary } from "../../engine/core/store_ports.ts";
import type { MergedDevice } from "../../engine/core/types.ts";
import { createSqliteStore } from "../../plugins/stores/sqlite.ts";

const T0 = new Date("2026-12-07T09:00:00Z");
const WHO = "fry@example.com";

/** A phone as Google lists it to the merge: model and OS, no serial, host name or MAC. */
function phone(model: string, screenlock: "ok" | "warn", id?: string): MergedDevice {
  return {
    model,
    platform: "Android",
    os: "Android",
    sources: ["google"],
    identifiers: id ? { google_device_id: id } : {},
    practices: { screenlock: { status: screenlock } },
  };
}

const RUN: BatchRunSummary = {
  id: "run-1",
  startedAt: T0,
  finishedAt: T0,
  people: 1,
  devices: 2,
  practices: { screenlock: { warn: 2 } },
  ratings: { critical: 2 },
  byPlatform: { Android: { critical: 2 } },
  bySource: { google: { critical: 2 } },
  errors: {},
};

Deno.test("restatePerson pairs devices by their own key and leaves rows whose key two share", async (t) => {
  for (
    const [name, ids, rewritten, titles] of [
      ["two phones with Google device ids: each its own row", ["g-1", "g-2"], 2, [
        "Pixel 6: critical",
        "Pixel 9: ok",
      ]],
      [
        "two phones with no identifier at all: both rows left as counted",
        [undefined, undefined],
        0,
        [
          "Pixel 6: critical",
          "Pixel 9: critical",
        ],
      ],
    ] as const
  ) {
    await t.step(name, async () => {
      const store = await createSqliteStore({ path: ":memory:", log: silentLogger, now: () => T0 });
      try {
        await store.batchRuns.saveBatchRun(RUN);
        await store.deviceRows.putDeviceRows([
          deviceRow(RUN.id, 0, WHO, phone("Pixel 6", "warn", ids[0])),
          deviceRow(RUN.id, 1, WHO, phone("Pixel 9", "warn", ids[1])),
        ]);
        const n = await restatePerson(store, WHO, [
          phone("Pixel 9", "ok", ids[1]),
          phone("Pixel 6", "warn", ids[0]),
        ]);
        assert.equal(n, rewritten);
        const { rows } = await store.deviceRows.deviceRows({
          run: RUN.id,
          sort: "owner",
          offset: 0,
          limit: 10,
        });
        assert.deepEqual(rows.map((r) => `${r.title}: ${r.rating}`), titles);
        const [run] = await store.batchRuns.batchRuns(1);
        assert.deepEqual(run!.ratings, rewritten ? { critical: 1, ok: 1 } : { critical: 2 });
      } finally {
        await store.close();
      }
    });
  }
});
