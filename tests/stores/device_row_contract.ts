/**
 * The device-row part of the Store contract (issue 26 drill-down), run by `store_contract.ts`
 * against every store: each filter of the Dashboard's lists gives exactly the rows `rowMatches()`
 * keeps (the counts behind the numbers), most overdue first, paged; the look-up finds a device by
 * owner, serial, host name or MAC; old runs' rows can be forgotten.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { DeviceRow, DeviceRowQuery } from "../../engine/core/store_ports.ts";
import { NOT_OVERDUE, rowMatches } from "../../engine/batch/device_rows.ts";
import { at, type ContractStep } from "./store_contract.ts";

function row(seq: number, over: Partial<DeviceRow>): DeviceRow {
  return {
    run: "r1",
    seq,
    email: "fry@example.com",
    title: "MacBook Pro",
    ident: `mbp-${seq}`,
    macs: [],
    platform: "Mac",
    sources: ["jamf"],
    rating: "ok",
    practices: { encryption: "ok", firewall: "ok" },
    overdueAt: NOT_OVERDUE,
    ...over,
  };
}

/** Five devices of run r1 and one of run r0 (made when asked: `at` comes from the contract). */
const rows = (): DeviceRow[] => [
  row(0, {
    rating: "critical",
    practices: { encryption: "critical", firewall: "ok" },
    failingSince: at(100),
    overdueAt: at(100).getTime(),
    serial: "C02FRY01",
    hostname: "fry-mbp",
    macs: ["f0:18:98:de:ca:00"],
    lastSeen: at(50),
  }),
  row(1, {
    email: "leela@example.com",
    rating: "suggested",
    platform: "Windows",
    sources: ["landesk", "bitfit"],
    practices: { encryption: "ok", firewall: "suggested" },
    failingSince: at(10),
    deadline: at(5000),
    overdueAt: at(5000).getTime(),
  }),
  row(2, { email: "amy@example.com", rating: "partial", practices: { encryption: "unknown" } }),
  row(3, {
    email: "bender@example.com",
    rating: "critical",
    platform: "Android",
    sources: ["google"],
    practices: { encryption: "critical", firewall: "na" },
    failingSince: at(20),
    overdueAt: at(20).getTime(),
  }),
  row(4, { email: "zoidberg@example.com", rating: "exempt", practices: { encryption: "exempt" } }),
  row(0, { run: "r0", rating: "critical", practices: { encryption: "critical" } }),
];

const emails = (rows: DeviceRow[]) => rows.map((r) => `${r.run}:${r.seq}`);

/** Registers the device-row steps. */
export async function deviceRowContract(step: ContractStep): Promise<void> {
  const ROWS = rows();
  await step("deviceRows() filters exactly as rowMatches(), most overdue first", async (s) => {
    await s.deviceRows.putDeviceRows(ROWS);
    const queries: Omit<DeviceRowQuery, "offset" | "limit">[] = [
      { run: "r1" },
      { run: "r0" },
      { run: "r1", rating: "critical" },
      { run: "r1", rating: "partial" },
      { run: "r1", rating: "exempt" },
      { run: "r1", platform: "Windows" },
      { run: "r1", source: "bitfit" },
      { run: "r1", practice: "encryption", status: "critical" },
      { run: "r1", practice: "encryption", status: "failing" },
      { run: "r1", practice: "firewall" },
      { run: "r1", practice: "firewall", status: "na" },
      { run: "r1", practice: "firewall", status: "failing", platform: "Windows" },
      { run: "r1", rating: "critical", source: "google" },
    ];
    for (const q of queries) {
      const got = await s.deviceRows.deviceRows({ ...q, offset: 0, limit: 50 });
      const want = ROWS.filter((r) => rowMatches(r, q));
      assert.equal(got.total, want.length, JSON.stringify(q));
      assert.deepEqual(
        new Set(emails(got.rows)),
        new Set(emails(want)),
        JSON.stringify(q),
      );
    }
    const all = await s.deviceRows.deviceRows({ run: "r1", offset: 0, limit: 50 });
    assert.deepEqual(emails(all.rows), ["r1:3", "r1:0", "r1:1", "r1:2", "r1:4"]);
    assert.deepEqual(all.rows[0], ROWS[3], "a row comes back as it was written");
    assert.deepEqual(all.rows[1], ROWS[0]);
    const owner = await s.deviceRows.deviceRows({ run: "r1", sort: "owner", offset: 0, limit: 50 });
    assert.deepEqual(owner.rows.map((r) => r.email), [
      "amy@example.com",
      "bender@example.com",
      "fry@example.com",
      "leela@example.com",
      "zoidberg@example.com",
    ]);
  });

  await step("deviceRows() pages: offset and limit, total of every page", async (s) => {
    await s.deviceRows.putDeviceRows(ROWS);
    const p1 = await s.deviceRows.deviceRows({ run: "r1", offset: 0, limit: 2 });
    const p2 = await s.deviceRows.deviceRows({ run: "r1", offset: 2, limit: 2 });
    const p3 = await s.deviceRows.deviceRows({ run: "r1", offset: 4, limit: 2 });
    assert.deepEqual([p1.total, p2.total, p3.total], [5, 5, 5]);
    assert.deepEqual(
      [...emails(p1.rows), ...emails(p2.rows), ...emails(p3.rows)],
      ["r1:3", "r1:0", "r1:1", "r1:2", "r1:4"],
    );
  });

  await step(
    "findDeviceRows() finds by owner, serial, host name or MAC, in any spelling",
    async (s) => {
      await s.deviceRows.putDeviceRows(ROWS);
      for (
        const term of [
          "FRY@Example.com",
          "c02fry01",
          "FRY-MBP",
          "F0-18-98-DE-CA-00",
          "f01898deca00",
        ]
      ) {
        const found = await s.deviceRows.findDeviceRows("r1", term, 10);
        assert.deepEqual(emails(found), ["r1:0"], term);
      }
      assert.deepEqual(await s.deviceRows.findDeviceRows("r1", "nobody@example.com", 10), []);
      assert.deepEqual(emails(await s.deviceRows.findDeviceRows("r0", "fry@example.com", 10)), [
        "r0:0",
      ]);
    },
  );

  await step(
    "pruneDeviceRows() forgets the runs not kept; putting a row again replaces it",
    async (s) => {
      await s.deviceRows.putDeviceRows(ROWS);
      await s.deviceRows.putDeviceRows([{
        ...ROWS[0]!,
        rating: "ok",
        practices: { encryption: "ok" },
      }]);
      assert.equal(
        (await s.deviceRows.deviceRows({ run: "r1", rating: "critical", offset: 0, limit: 9 }))
          .total,
        1,
      );
      assert.equal(await s.deviceRows.pruneDeviceRows(["r1"]), 1);
      assert.equal((await s.deviceRows.deviceRows({ run: "r0", offset: 0, limit: 9 })).total, 0);
      assert.equal((await s.deviceRows.deviceRows({ run: "r1", offset: 0, limit: 9 })).total, 5);
    },
  );
}
