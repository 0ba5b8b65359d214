import assert from "node:assert/strict";
import { groupRecords, identifierClash, sharedIdentifiers } from "../../engine/identity/group.ts";
import type { Identifiers } from "../../engine/core/types.ts";

const M1 = "F0:18:98:00:00:01";
const M2 = "F0:18:98:00:00:02";
const LOCAL = "02:00:00:00:00:00";
const ZERO = "00:00:00:00:00:00";

function group(...ids: (Identifiers | undefined)[]): number[][] {
  return groupRecords(ids.map((identifiers) => (identifiers ? { identifiers } : {})));
}

Deno.test("groupRecords() joins records with an equal string identifier", () => {
  assert.deepEqual(group({ serial: "A" }, {}, { serial: "A" }), [[0, 2], [1]]);
  assert.deepEqual(group({ udid: "U" }, { udid: "U", imei: "1" }, { imei: "1" }), [[0, 1, 2]]);
});

Deno.test("groupRecords() never joins on different keys, empty values or missing identifiers", () => {
  assert.deepEqual(group({ serial: "A" }, { udid: "A" }), [[0], [1]]);
  assert.deepEqual(group({ serial: "" }, { serial: "" }), [[0], [1]]);
  assert.deepEqual(group({ mac_addresses: [] }, { mac_addresses: [] }), [[0], [1]]);
  assert.deepEqual(group(undefined, undefined, {}), [[0], [1], [2]]);
});

Deno.test("groupRecords() joins on a shared unique MAC, ignoring non-unique ones", () => {
  assert.deepEqual(group({ mac_addresses: [LOCAL, M1] }, { mac_addresses: [M1] }), [[0, 1]]);
  assert.deepEqual(group({ mac_addresses: [LOCAL, M1] }, { mac_addresses: [LOCAL, M2] }), [[0], [
    1,
  ]]);
  assert.deepEqual(group({ mac_addresses: [ZERO] }, { mac_addresses: [ZERO, M2] }), [[0], [1]]);
});

Deno.test("groupRecords() keeps the original's match of identical lists of non-unique MACs", () => {
  assert.deepEqual(group({ mac_addresses: [LOCAL] }, { mac_addresses: [LOCAL] }), [[0, 1]]);
  assert.deepEqual(group({ mac_addresses: [LOCAL, ZERO] }, { mac_addresses: [ZERO, LOCAL] }), [
    [0],
    [1],
  ]);
});

Deno.test("groupRecords() keeps apart records that match but conflict", () => {
  assert.deepEqual(
    group({ serial: "A", mac_addresses: [M1] }, { serial: "B", mac_addresses: [M1] }),
    [[0], [1]],
  );
  assert.deepEqual(group({ serial: "A", udid: "U" }, { serial: "A", udid: "V" }), [[0], [1]]);
  // an empty string still conflicts with a value, as in the original's merge_identifiers
  assert.deepEqual(group({ serial: "", udid: "U" }, { serial: "A", udid: "U" }), [[0], [1]]);
});

Deno.test("groupRecords() joins a string MAC with a list holding it, and then sees the type clash", () => {
  // compare() matches ("M1" wrapped into a list) but merge_identifiers conflicts (string vs list)
  const ids = [{ mac_addresses: M1 }, { mac_addresses: [M1] }] as unknown as Identifiers[];
  assert.deepEqual(group(...ids), [[0], [1]]);
  assert.deepEqual(
    group(...([{ mac_addresses: M1 }, { mac_addresses: M1 }] as unknown as Identifiers[])),
    [[0, 1]],
  );
});

Deno.test("groupRecords() groups transitively through a record compatible with both", () => {
  // #0 matches #1 and #2 without conflict; #1 and #2 conflict with each other. On copies the
  // original joins all three (and its merge then raised MergeConflict, decision 17).
  assert.deepEqual(
    group({ mac_addresses: [M1] }, { mac_addresses: [M1], serial: "A" }, {
      mac_addresses: [M1],
      serial: "B",
    }),
    [[0, 1, 2]],
  );
  assert.deepEqual(
    group({ mac_addresses: [M1], serial: "A" }, { mac_addresses: [M1], serial: "B" }, {
      mac_addresses: [M1],
    }),
    [[0, 1, 2]],
  );
});

Deno.test("groupRecords() handles a large bucket with mixed key sets like the pairwise rule", () => {
  // 12 records share M1: serials A/B and some without serial; udids split further.
  const ids: Identifiers[] = [];
  for (let i = 0; i < 12; i++) {
    const r: Identifiers = { mac_addresses: [M1] };
    if (i % 3 === 0) r.serial = "A";
    if (i % 3 === 1) r.serial = "B";
    if (i % 4 === 0) r.udid = `U${i}`;
    ids.push(r);
  }
  // #2, #5, #8, #11 have no serial; #5 and #11 have no udid either, so they link everything
  assert.deepEqual(group(...ids), [[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]]);
  const noBridge = ids.map((r, i) => (i % 3 === 2 ? { ...r, serial: "C" } : r));
  assert.deepEqual(group(...noBridge), [[0, 3, 6, 9], [1, 4, 7, 10], [2, 5, 8, 11]]);
});

Deno.test("sharedIdentifiers() and identifierClash() explain matches and conflicts", () => {
  const records = [
    { identifiers: { serial: "A", mac_addresses: [M1, LOCAL] } },
    { identifiers: { serial: "B", mac_addresses: [M1] } },
    { identifiers: { mac_addresses: [LOCAL] } },
  ];
  assert.deepEqual(sharedIdentifiers(records), [{
    key: "mac_addresses",
    value: M1,
    members: [0, 1],
  }]);
  assert.deepEqual(identifierClash(records[0]!.identifiers, records[1]!.identifiers), {
    key: "serial",
    a: "A",
    b: "B",
  });
  assert.equal(identifierClash(records[0]!.identifiers, records[2]!.identifiers), null);
});
