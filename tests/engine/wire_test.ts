import assert from "node:assert/strict";
import { recordFromWire, toWire } from "../../engine/core/wire.ts";

Deno.test("toWire() turns every Date into ISO-8601 and copies deeply", () => {
  const value = {
    last_sync: new Date("2016-02-26T10:58:57.853-08:00"),
    photo_url: null,
    gone: undefined,
    practices: { encryption: { last_updated: new Date(0), status: "ok" } },
    list: [new Date("invalid"), 1, "x"],
  };
  const wire = toWire(value);
  assert.deepEqual(wire, {
    last_sync: "2016-02-26T18:58:57.853Z",
    photo_url: null,
    practices: { encryption: { last_updated: "1970-01-01T00:00:00.000Z", status: "ok" } },
    list: [null, 1, "x"],
  });
  assert.notEqual(wire.practices, value.practices);
  const typed: string = wire.last_sync;
  assert.equal(typeof typed, "string");
});

Deno.test("recordFromWire() revives the record's timestamps", () => {
  const r = recordFromWire({
    source: "jamf",
    last_sync: "2018-05-20T10:00:00+00:00",
    hw_release_date: "garbage",
    software: { last_scan_date: "2018-05-20T10:00:00+00:00", installed: [] },
    practices: { firewall: { value: true, last_updated: "2018-05-20T10:00:00+00:00" }, jailed: {} },
  });
  assert.deepEqual(r.last_sync, new Date("2018-05-20T10:00:00Z"));
  assert.equal(r.hw_release_date, null);
  assert.deepEqual(r.software?.last_scan_date, new Date("2018-05-20T10:00:00Z"));
  assert.deepEqual(r.practices?.firewall?.last_updated, new Date("2018-05-20T10:00:00Z"));
  assert.deepEqual(r.practices?.jailed, {});
  assert.throws(() => recordFromWire({ name: "x" }), TypeError);
});
