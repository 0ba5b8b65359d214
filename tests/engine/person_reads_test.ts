/**
 * A page view's one read (issue 24): the status history read with the snapshot answers a view
 * whose statuses did not change, with no write; a changed status, a device the read did not cover,
 * a device the read covers but the view no longer shows, or a sighting an hour old is recorded in
 * one `observe` naming the person; exemptions a store's read carries are the ones a visit applies.
 * Injected clock, SQLite in memory.
 *
 * @module
 */
import assert from "node:assert/strict";
import { silentLogger } from "../../config/log.ts";
import type { StatusObservation, StatusRow, StatusStore } from "../../engine/core/store_ports.ts";
import type { DeviceRecord } from "../../engine/core/types.ts";
import { DEFAULT_PRACTICES } from "../../engine/practices/default_practices.ts";
import { buildPracticeSet } from "../../engine/practices/practices.ts";
import { readThroughHistory } from "../../engine/view/person_reads.ts";
import { createPersonViews } from "../../engine/view/view.ts";
import { createSqliteStore } from "../../plugins/stores/sqlite.ts";

const T0 = new Date("2026-12-07T09:00:00Z");
const MIN = 60_000;
const FRY = "fry@example.com";

function observation(device: string, status: "ok" | "warn", at: Date): StatusObservation {
  return { device, practice: "firewall", status, since: at };
}

/** A status store that records each call and answers that every status began at T0. */
function recording() {
  const calls: { devices: string[]; person: string | undefined }[] = [];
  const store: Pick<StatusStore, "observe"> = {
    observe(observations, options = {}) {
      calls.push({ devices: observations.map((o) => o.device), person: options.person });
      return Promise.resolve(new Map(observations.map((o) => [`${o.device}\u0000firewall`, T0])));
    },
  };
  return { calls, store };
}

Deno.test("readThroughHistory() writes nothing when every status is known, unchanged and seen within the hour", async () => {
  const known = new Map<string, StatusRow>([
    ["serial:A\u0000firewall", { status: "warn", since: T0, seenAt: T0 }],
  ]);
  const { calls, store } = recording();
  const history = readThroughHistory(store, known, FRY);
  const later = new Date(T0.getTime() + 59 * MIN);
  assert.deepEqual(
    [...await history.observe([observation("serial:A", "warn", later)])],
    [["serial:A\u0000firewall", T0]],
  );
  assert.deepEqual(calls, []);
  for (
    const obs of [
      [observation("serial:A", "ok", later)], // changed
      [observation("serial:A", "warn", later), observation("serial:B", "ok", later)], // new device
      [observation("serial:A", "warn", new Date(T0.getTime() + 60 * MIN))], // seen an hour ago
    ]
  ) await history.observe(obs);
  assert.deepEqual(calls, [
    { devices: ["serial:A"], person: FRY },
    { devices: ["serial:A", "serial:B"], person: FRY },
    { devices: ["serial:A"], person: FRY },
  ]);
});

Deno.test("readThroughHistory() records the person's list again when a device it names is no longer shown", async () => {
  const known = new Map<string, StatusRow>([
    ["serial:A\u0000firewall", { status: "warn", since: T0, seenAt: T0 }],
    ["serial:GONE\u0000firewall", { status: "ok", since: T0, seenAt: T0 }],
  ]);
  const { calls, store } = recording();
  const later = new Date(T0.getTime() + 5 * MIN);
  await readThroughHistory(store, known, FRY).observe([observation("serial:A", "warn", later)]);
  assert.deepEqual(calls, [{ devices: ["serial:A"], person: FRY }], "one write, without GONE");
});

Deno.test("a device gone from a person's view leaves their list in the store at the next view", async () => {
  const now = () => T0;
  const sqlite = await createSqliteStore({ path: ":memory:", log: silentLogger, now });
  try {
    await sqlite.statuses.observe([
      observation("serial:A", "warn", T0),
      observation("serial:GONE", "ok", T0),
    ], { person: FRY });
    const read = await sqlite.personReads.read(FRY);
    await readThroughHistory(sqlite.statuses, read.statuses, FRY)
      .observe([observation("serial:A", "warn", new Date(T0.getTime() + 5 * MIN))]);
    assert.deepEqual([...(await sqlite.personReads.read(FRY)).statuses.keys()], [
      "serial:A\u0000firewall",
    ]);
  } finally {
    await sqlite.close();
  }
});

Deno.test("a visit applies the exemptions its store's read carries", async () => {
  const now = () => T0;
  const sqlite = await createSqliteStore({ path: ":memory:", log: silentLogger, now });
  try {
    const mac: DeviceRecord = {
      source: "jamf",
      platform: "Mac",
      os: "macOS",
      identifiers: { serial: "C02X" },
      practices: { firewall: { value: false } },
    };
    await sqlite.snapshots.putSnapshot({
      email: FRY,
      collectedAt: T0,
      devices: { items: [mac], errors: [] },
      accounts: null,
      events: null,
    });
    const exemption = {
      id: "ex-1",
      email: FRY,
      device: "serial:C02X",
      practice: "firewall",
      reason: "Lab machine",
      grantedBy: "security@example.com",
      grantedAt: T0,
      expiresAt: new Date("2027-03-01T00:00:00Z"),
    };
    const views = createPersonViews({
      collect: () => Promise.reject(new Error("no lookups here")),
      rules: {
        practices: buildPracticeSet({ firewall: DEFAULT_PRACTICES.firewall! }),
        deviceTransforms: [],
      },
      store: {
        snapshots: sqlite.snapshots,
        statuses: sqlite.statuses,
        personReads: {
          read: async (email) => ({
            ...await sqlite.personReads.read(email),
            exemptions: [exemption],
          }),
        },
      },
      exemptions: { exemptionsFor: () => Promise.reject(new Error("read with the page's data")) },
      now,
    });
    const view = await views.visit(FRY).cachedView();
    assert.deepEqual(view?.devices[0]?.practices.firewall?.exempt, {
      id: "ex-1",
      until: new Date("2027-03-01T00:00:00Z"),
      lastDay: "2027-02-28", // stored as midnight starting 1 March: 28 February is its last day
      reason: "Lab machine",
      scope: "device",
    });
  } finally {
    await sqlite.close();
  }
});
