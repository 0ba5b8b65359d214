/**
 * The snapshot body codec: tagged dates come back as `Date`s and nothing else changes — the same
 * outcome as decoding with a `JSON.parse` reviver, which the codec no longer uses (speed); the
 * body's version 2 (marked dates, issue 24) keeps every value, and version 1 bodies still read.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  decodeMarked,
  decodeSnapshot,
  decodeTagged,
  encodeMarked,
  encodeSnapshotBody,
  encodeTagged,
} from "../../plugins/stores/snapshot_codec.ts";

/** The former decoder, kept as the reference: a reviver turning `{"$date": s}` into a Date. */
function byReviver(text: string): unknown {
  return JSON.parse(text, (_key, v) => {
    if (v !== null && typeof v === "object" && !Array.isArray(v)) {
      const keys = Object.keys(v);
      if (keys.length === 1 && keys[0] === "$date" && typeof v.$date === "string") {
        return new Date(v.$date);
      }
    }
    return v;
  });
}

Deno.test("dates at any depth come back as Dates; look-alike strings and other tags stay as written", () => {
  const at = new Date("2026-11-26T12:00:00.000Z");
  const text = encodeTagged({
    devices: { items: [{ source: "jamf", last_sync: at, os: "26.1", dates: [at, "2026-11-26"] }] },
    note: "2026-11-26T12:00:00.000Z",
    tag: { $date: 5 },
    two: { $date: "2026-11-26T12:00:00.000Z", other: 1 },
  });
  const back = decodeTagged<Record<string, unknown>>(text);
  assert.deepEqual(back, {
    devices: { items: [{ source: "jamf", last_sync: at, os: "26.1", dates: [at, "2026-11-26"] }] },
    note: "2026-11-26T12:00:00.000Z",
    tag: { $date: 5 },
    two: { $date: "2026-11-26T12:00:00.000Z", other: 1 },
  });
  assert.ok(
    (back.devices as { items: { last_sync: unknown }[] }).items[0]!.last_sync instanceof Date,
  );
});

Deno.test("a __proto__ key holding a date stays an own property, never the object's prototype", () => {
  const back = decodeTagged<Record<string, unknown>>(
    '{"__proto__": {"$date": "2026-01-02T00:00:00.000Z"}}',
  );
  assert.equal(Object.getPrototypeOf(back), Object.prototype);
  assert.deepEqual(
    Object.getOwnPropertyDescriptor(back, "__proto__")?.value,
    new Date("2026-01-02T00:00:00.000Z"),
  );
});

Deno.test("a tag whose key is written with a \\u escape is still a date; text without a tag is parsed alone", () => {
  assert.deepEqual(decodeTagged('{"at": {"\\u0024date": "2026-01-02T00:00:00.000Z"}}'), {
    at: new Date("2026-01-02T00:00:00.000Z"),
  });
  assert.deepEqual(decodeTagged('{"uptodate": {"status": "ok", "date": "2026-01-02"}}'), {
    uptodate: { status: "ok", date: "2026-01-02" },
  });
});

Deno.test("the decoder agrees with the reviver it replaced on any JSON with and without tags", () => {
  const tagged = fc.oneof(
    fc.date({ noInvalidDate: true }).map((d) => ({ $date: d.toISOString() })),
    fc.string().map((s) => ({ $date: s })),
  );
  const value = fc.letrec((tie) => ({
    node: fc.oneof(
      { depthSize: "small" },
      fc.jsonValue({ maxDepth: 1 }),
      tagged,
      fc.array(tie("node"), { maxLength: 4 }),
      fc.dictionary(fc.oneof(fc.string(), fc.constant("$date")), tie("node"), { maxKeys: 4 }),
    ),
  })).node;
  fc.assert(
    fc.property(value, (v) => {
      const text = JSON.stringify(v);
      assert.deepEqual(decodeTagged(text), byReviver(text));
    }),
    { numRuns: 500 },
  );
});

Deno.test("version 2: dates anywhere come back as Dates, strings (those beginning with U+0001 too) as written", () => {
  const value = fc.letrec((tie) => ({
    node: fc.oneof(
      { depthSize: "small" },
      fc.jsonValue({ maxDepth: 1 }),
      fc.date({ noInvalidDate: true }),
      fc.string().map((s) => `\u0001${s}`),
      fc.constantFrom("\u0001d0", "\u0001s", "\u0001", "d0"),
      fc.array(tie("node"), { maxLength: 4 }),
      fc.dictionary(fc.oneof(fc.string(), fc.constant("__proto__")), tie("node"), { maxKeys: 4 }),
    ),
  })).node;
  fc.assert(
    fc.property(value, (v) => {
      // what version 1 kept of the same value (JSON drops undefined, writes -0 as 0)
      assert.deepEqual(decodeMarked(encodeMarked(v)), byReviver(encodeTagged(v)));
    }),
    { numRuns: 500 },
  );
  const at = new Date("2026-11-26T12:00:00.000Z");
  assert.deepEqual(
    decodeMarked(encodeMarked({ at, list: [at, "\u0001d1", "2026-11-26"], __proto__x: "\u0001" })),
    { at, list: [at, "\u0001d1", "2026-11-26"], __proto__x: "\u0001" },
  );
  assert.ok(
    Number.isNaN(decodeMarked<{ d: Date }>(encodeMarked({ d: new Date(NaN) })).d.getTime()),
  );
});

Deno.test("a snapshot body is written in version 2 and bodies of both versions read the same", () => {
  const at = new Date("2026-11-26T12:00:00.000Z");
  const snapshot = {
    email: "fry@example.com",
    collectedAt: at,
    devices: {
      items: [{ source: "jamf", last_sync: at, name: "\u0001odd", practices: {} }],
      errors: [],
    },
    accounts: null,
    events: null,
    failedRefresh: { at, errors: [] },
  };
  const body = encodeSnapshotBody(snapshot);
  assert.equal(body.slice(0, 1), "2");
  const { email: _e, collectedAt: _c, ...rest } = snapshot;
  assert.deepEqual(decodeSnapshot("fry@example.com", at, body), snapshot);
  assert.deepEqual(decodeSnapshot("fry@example.com", at, encodeTagged(rest)), snapshot);
});

Deno.test("a snapshot body is ASCII only and reads back every character, a body written unescaped too", () => {
  const at = new Date("2026-11-26T12:00:00.000Z");
  const snapshotWith = (name: string) => ({
    email: "fry@example.com",
    collectedAt: at,
    devices: { items: [{ source: "jamf", last_sync: at, name, [name]: name }], errors: [] },
    accounts: null,
    events: null,
  });
  // any UTF-16 text, lone surrogates included (JSON.stringify writes those as escapes)
  fc.assert(
    fc.property(fc.string({ unit: "binary" }), fc.string({ unit: "grapheme" }), (a, b) => {
      const snapshot = snapshotWith(`${a}${b}`);
      const body = encodeSnapshotBody(snapshot);
      assert.match(body, /^2[ -\u007f]*$/);
      assert.deepEqual(decodeSnapshot("fry@example.com", at, body), snapshot);
    }),
    { numRuns: 300 },
  );
  const snapshot = snapshotWith("Frý’s Mac • 😀");
  const body = encodeSnapshotBody(snapshot);
  assert.ok(body.includes(String.raw`"Fr\u00fd\u2019s Mac \u2022 \ud83d\ude00"`));
  // a version 2 body written before bodies were ASCII (the characters as they are)
  const { email: _e, collectedAt: _c, ...rest } = snapshot;
  const unescaped = `2${encodeMarked(rest)}`;
  assert.ok(unescaped.includes("Frý’s Mac • 😀"));
  assert.deepEqual(decodeSnapshot("fry@example.com", at, unescaped), snapshot);
});
