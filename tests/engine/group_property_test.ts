/**
 * Property tests of grouping and merging against the original's algorithm.
 *
 * Two generators: `conflicting` draws identifiers from tiny pools, so records often match AND
 * conflict; `conflictFree` gives every physical device its own values (as the benchmark data
 * does), so matching records never conflict. The original's in-place identifier update makes it
 * order dependent only with conflicts, so the literal (mutating) port is compared on conflict-free
 * inputs only; the copy-based port, which the spec prescribes, is compared on both.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { groupRecords } from "../../engine/identity/group.ts";
import { mergeDevices } from "../../engine/identity/merge.ts";
import type { DeviceRecord, Identifiers } from "../../engine/core/types.ts";
import { canonical, referenceGroup } from "./reference_group.ts";

const NON_UNIQUE = ["02:00:00:00:00:00", "00:00:00:00:00:00", "01:00:5E:00:00:FB"];
const hex = (n: number) => n.toString(16).toUpperCase().padStart(2, "0");

const conflicting: fc.Arbitrary<Identifiers> = fc.record({
  serial: fc.constantFrom("A", "B", "C", ""),
  udid: fc.constantFrom("U", "V"),
  imei: fc.constantFrom("1", "2", "3"),
  mac_addresses: fc.array(
    fc.constantFrom(...NON_UNIQUE, ...[1, 2, 3, 4, 5].map((n) => `F0:18:98:00:00:${hex(n)}`)),
    { maxLength: 3 },
  ),
}, { requiredKeys: [] }).map((ids) => ({ ...ids }));

const conflictFree: fc.Arbitrary<Identifiers> = fc.record({
  device: fc.nat(40),
  keys: fc.subarray(["serial", "udid", "imei", "google_device_id"] as const),
  macs: fc.subarray([0, 1, 2]),
  noise: fc.option(fc.constantFrom(...NON_UNIQUE)),
}).map(({ device, keys, macs, noise }) => {
  const ids: Record<string, unknown> = {};
  for (const k of keys) ids[k] = `${k}-${device}`;
  if (macs.length > 0) {
    ids.mac_addresses = macs.map((m) => `F0:18:98:${hex(device)}:00:${hex(m)}`);
    if (noise !== null) (ids.mac_addresses as string[]).push(noise);
  }
  return ids as Identifiers;
});

const records = (ids: fc.Arbitrary<Identifiers>, maxLength: number) =>
  fc.array(fc.option(ids, { freq: 8 }), { maxLength, size: "max" }).map((list) =>
    list.map((identifiers, i): DeviceRecord => ({
      source: `s${i % 3}`,
      last_sync: new Date(Date.UTC(2024, 0, 1 + (i * 7) % 29)),
      ...(identifiers ? { identifiers } : {}),
    }))
  );

const shuffled = <T>(list: T[]) =>
  fc.array(fc.double({ noNaN: true }), { minLength: list.length, maxLength: list.length }).map((
    keys,
  ) => list.map((_, i) => i).sort((a, b) => keys[a]! - keys[b]! || a - b));

Deno.test("groupRecords() gives the same groups whatever the input order", () => {
  fc.assert(
    fc.property(
      records(conflicting, 60).chain((rs) => fc.tuple(fc.constant(rs), shuffled(rs))),
      ([rs, order]) => {
        const permuted = order.map((i) => rs[i]!);
        const back = groupRecords(permuted).map((g) => g.map((i) => order[i]!));
        assert.deepEqual(canonical(back), canonical(groupRecords(rs)));
      },
    ),
    { numRuns: 200 },
  );
});

Deno.test("groupRecords() equals the original's algorithm on copies, conflicts included", () => {
  fc.assert(
    fc.property(records(conflicting, 200), (rs) => {
      assert.deepEqual(groupRecords(rs), canonical(referenceGroup(rs, { mutate: false })));
    }),
    { numRuns: 40 },
  );
});

Deno.test("groupRecords() equals the literal original (in-place updates) on conflict-free inputs", () => {
  fc.assert(
    fc.property(records(conflictFree, 200), (rs) => {
      assert.deepEqual(groupRecords(rs), canonical(referenceGroup(rs, { mutate: true })));
    }),
    { numRuns: 40 },
  );
});

Deno.test("the literal original is order dependent with conflicts; groupRecords() is not", () => {
  const m = "F0:18:98:00:00:01";
  const d1 = { identifiers: { mac_addresses: [m] } };
  const d2 = { identifiers: { mac_addresses: [m], serial: "A" } };
  const d3 = { identifiers: { mac_addresses: [m], serial: "B" } };
  assert.deepEqual(canonical(referenceGroup([d1, d2, d3], { mutate: true })), [[0, 1], [2]]);
  assert.deepEqual(canonical(referenceGroup([d1, d3, d2], { mutate: true })), [[0, 1], [2]]); // {d1,d3}
  assert.deepEqual(groupRecords([d1, d2, d3]), [[0, 1, 2]]);
  assert.deepEqual(groupRecords([d1, d3, d2]), [[0, 1, 2]]);
});

Deno.test("mergeDevices() never loses an identifier: each value is kept or listed as a conflict", () => {
  fc.assert(
    fc.property(records(conflicting, 80), (rs) => {
      const before = structuredClone(rs);
      const merged = mergeDevices(rs);
      assert.deepEqual(rs, before);
      groupRecords(rs).forEach((group, n) => {
        const device = merged[n]!;
        assert.deepEqual(device.sources, [...new Set(group.map((i) => rs[i]!.source))]);
        for (const i of group) {
          for (const [key, value] of Object.entries(rs[i]!.identifiers ?? {})) {
            const kept = (device.identifiers as Record<string, unknown>)[key];
            const values = Array.isArray(value) ? value : [value];
            for (const v of values) {
              const found = kept === v || (Array.isArray(kept) && kept.includes(v)) ||
                (device.conflicts ?? []).some((c) => c.key === key && c.dropped === v);
              assert.ok(found, `${key}=${v} of record ${i} lost`);
            }
          }
        }
      });
    }),
    { numRuns: 200 },
  );
});

/** Identifiers of every kind `groupRecords()` reads: strings, MACs alone or in lists, odd values. */
const oddIdentifiers: fc.Arbitrary<Record<string, unknown>> = fc.record({
  serial: fc.constantFrom("A", "B", "", null, 7),
  udid: fc.oneof(fc.constantFrom("U", "V"), fc.constant(["U"]), fc.constant([])),
  mac_addresses: fc.oneof(
    fc.constantFrom(...NON_UNIQUE, "F0:18:98:00:00:01"),
    fc.array(
      fc.constantFrom(...NON_UNIQUE, "F0:18:98:00:00:01", "F0:18:98:00:00:02", 3, null),
      { maxLength: 3 },
    ),
  ),
  imei: fc.array(fc.constantFrom("1", "2", 5), { maxLength: 2 }),
}, { requiredKeys: [] });

Deno.test("groupRecords() of up to 8 records (every pair tested) gives the index's groups", () => {
  // 9 records without identifiers after them join nothing and make groupRecords() use its index
  const alone = Array.from({ length: 9 }, () => ({}));
  fc.assert(
    fc.property(
      fc.array(fc.option(oddIdentifiers, { freq: 6 }), { maxLength: 8 }),
      (list) => {
        const rs = list.map((ids) => ids === null ? {} : { identifiers: ids as Identifiers });
        const few = groupRecords(rs);
        const indexed = groupRecords([...rs, ...alone]).filter((g) => g[0]! < rs.length);
        assert.deepEqual(few, indexed);
      },
    ),
    { numRuns: 3000 },
  );
});
