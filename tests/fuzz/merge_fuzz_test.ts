/**
 * Property-based fuzzing of the merge: arbitrary records never make it throw, the merged devices
 * do not depend on the order the sources answered in, and no identifier is ever lost (each value
 * is kept on its device, or recorded as a conflict for `explain`).
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { groupRecords } from "../../engine/identity/group.ts";
import { mergeDevices } from "../../engine/identity/merge.ts";
import type { DeviceRecord, MergedDevice, PracticeData } from "../../engine/core/types.ts";
import { anyJson, params } from "./arbitraries.ts";
import { throughPipeline } from "./pipeline.ts";

const hex = (n: number) => n.toString(16).toUpperCase().padStart(2, "0");
const MACS = [
  ...[1, 2, 3, 4, 5, 6].map((n) => `F0:18:98:00:00:${hex(n)}`),
  "02:00:00:00:00:00", // locally administered: never matches on its own
  "00:00:00:00:00:00",
];

/** Identifiers drawn from small pools, so records often match and sometimes conflict. */
const identifiers = fc.record({
  serial: fc.constantFrom("A", "B", "C", ""),
  udid: fc.constantFrom("U1", "U2"),
  imei: fc.constantFrom("I1", "I2", "I3"),
  google_device_id: fc.constantFrom("G1", "G2"),
  mac_addresses: fc.uniqueArray(fc.constantFrom(...MACS), { maxLength: 3 }),
}, { requiredKeys: [] });

/** Records with distinct sync times and practice times, so "newest wins" never ties. */
const records = fc.array(
  fc.record({
    source: fc.constantFrom("jamf", "google", "bitfit", "landesk"),
    identifiers: fc.option(identifiers, { nil: undefined }),
    name: fc.option(fc.constantFrom("mbp", "phone", "desk"), { nil: undefined }),
    os_version: fc.option(fc.constantFrom("10.15.7", "14.2", "9.3"), { nil: undefined }),
    encryption: fc.option(fc.boolean(), { nil: undefined }),
  }),
  { maxLength: 12 },
).map((list) =>
  list.map((r, i): DeviceRecord => {
    const at = new Date(Date.UTC(2024, 0, 1, 0, 0, 0) + i * 60_000);
    const d: DeviceRecord = { source: r.source, last_sync: at };
    if (r.identifiers !== undefined) d.identifiers = r.identifiers;
    if (r.name !== undefined) d.name = `${r.name}-${i}`;
    if (r.os_version !== undefined) d.os_version = r.os_version;
    if (r.encryption !== undefined) {
      d.practices = { encryption: { value: r.encryption, last_updated: at } };
    }
    return d;
  })
).chain((list) =>
  // Shuffle the sync times too, so sync order and input order are unrelated.
  fc.shuffledSubarray(list.map((r) => r.last_sync), {
    minLength: list.length,
    maxLength: list.length,
  })
    .map((times) => list.map((r, i) => ({ ...r, last_sync: times[i]! })))
);

/** A merged device in an order-free form: lists sorted, conflicts sorted. */
function canonical(d: MergedDevice): string {
  const ids: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(d.identifiers ?? {}).sort()) {
    ids[k] = Array.isArray(v) ? [...v].sort() : v;
  }
  const conflicts = (d.conflicts ?? []).map((c) => {
    const parts = (s: string) => s.split(", ").sort().join(", ");
    return `${c.key}|${parts(c.kept)}|${parts(c.dropped)}`;
  }).sort();
  return JSON.stringify({
    ...d,
    sources: [...d.sources].sort(),
    identifiers: ids,
    conflicts,
    _raw: undefined,
  }, (_k, v) => v);
}

function permutation(n: number): fc.Arbitrary<number[]> {
  const ids = Array.from({ length: n }, (_, i) => i);
  return fc.shuffledSubarray(ids, { minLength: n, maxLength: n });
}

Deno.test("mergeDevices() gives the same devices whatever order the records come in", () => {
  fc.assert(
    fc.property(
      records.chain((list) => fc.tuple(fc.constant(list), permutation(list.length))),
      ([list, order]) => {
        const a = mergeDevices(list).map(canonical).sort();
        const b = mergeDevices(order.map((i) => list[i]!)).map(canonical).sort();
        assert.deepEqual(b, a);
      },
    ),
    params(400),
  );
});

Deno.test("mergeDevices() never loses an identifier: each value is kept or recorded as a conflict", () => {
  fc.assert(
    fc.property(records, (list) => {
      const groups = groupRecords(list);
      const merged = mergeDevices(list);
      assert.equal(merged.length, groups.length);
      assert.equal(groups.flat().length, list.length, "a record is in no group or in two");
      groups.forEach((group, g) => {
        const d = merged[g]!;
        const ids = (d.identifiers ?? {}) as Record<string, unknown>;
        const conflicts = d.conflicts ?? [];
        const kept = (key: string, value: string) => {
          const v = ids[key];
          return v === value || (Array.isArray(v) && v.includes(value)) ||
            conflicts.some((c) =>
              c.key === key && (c.dropped === value || c.dropped.split(", ").includes(value) ||
                c.kept === value || c.kept.split(", ").includes(value))
            );
        };
        for (const i of group) {
          const r = list[i]!;
          assert.ok(d.sources.includes(r.source), `source ${r.source} lost`);
          for (const [key, value] of Object.entries(r.identifiers ?? {})) {
            const values = Array.isArray(value) ? value : [value];
            for (const v of values) assert.ok(kept(key, v), `${key}=${v} of record ${i} lost`);
          }
        }
      });
    }),
    params(400),
  );
});

/** Sources hand over valid dates or null (their parsers guarantee it). */
function validDate(v: unknown): Date | null {
  return v instanceof Date && !Number.isNaN(v.getTime()) ? v : null;
}

function welltyped(r: DeviceRecord): DeviceRecord {
  const ids: Record<string, unknown> = {};
  const raw = r.identifiers as unknown;
  if (typeof raw === "object" && raw !== null && !Array.isArray(raw)) {
    for (const [k, v] of Object.entries(raw)) {
      if (typeof v === "string" && k !== "mac_addresses") ids[k] = v;
      else if (Array.isArray(v)) ids[k] = v.filter((e) => typeof e === "string");
    }
  }
  const practices: Record<string, unknown> = {};
  for (const [k, p] of Object.entries(r.practices ?? {})) {
    practices[k] = { ...p, last_updated: validDate(p.last_updated) };
  }
  return {
    source: r.source,
    identifiers: ids,
    practices: practices as Record<string, PracticeData>,
    last_sync: validDate(r.last_sync),
    ...(typeof r.name === "string" ? { name: r.name } : {}),
  };
}

Deno.test("mergeDevices() never throws on arbitrary records, and leaves its input unchanged", async () => {
  const junk = fc.array(
    fc.record({
      source: fc.string({ minLength: 1, maxLength: 4 }),
      identifiers: fc.oneof(
        anyJson,
        fc.dictionary(
          fc.constantFrom("serial", "mac_addresses", "udid", "x", "__proto__"),
          anyJson,
        ),
      ),
      last_sync: fc.oneof(fc.date(), anyJson),
      practices: fc.oneof(
        fc.constant(undefined),
        fc.dictionary(
          fc.constantFrom("encryption", "firewall", "x"),
          fc.record({
            value: fc.oneof(fc.boolean(), fc.constant(null)),
            last_updated: fc.oneof(fc.date(), anyJson),
          }, { requiredKeys: [] }),
        ),
      ),
      name: anyJson,
    }, { requiredKeys: ["source"] }),
    { maxLength: 10 },
  );
  await fc.assert(
    fc.asyncProperty(junk, async (list) => {
      const input = list as unknown as DeviceRecord[];
      const before = JSON.stringify(input);
      const merged = mergeDevices(input);
      assert.equal(JSON.stringify(input), before, "mergeDevices() changed its input");
      assert.ok(merged.length <= input.length);
      // Rendering trusts the types the sources' parsers guarantee: give it well-typed records.
      await throughPipeline(input.map(welltyped));
    }),
    params(300),
  );
});
