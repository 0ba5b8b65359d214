/**
 * `isoTime()` (views/format.ts) writes every `<time datetime>` of a device card and of the age
 * line: it must be exactly `Date.prototype.toISOString()` for every date, so pages keep their bytes.
 *
 * @module
 */
import assert from "node:assert/strict";
import { isoTime } from "../../views/format.ts";

Deno.test("isoTime() is toISOString() for ordinary times, the years 0-999 and 9999, and beyond", () => {
  const cases: [string, string][] = [
    ["2026-11-26T09:05:03.007Z", "2026-11-26T09:05:03.007Z"],
    ["2026-01-01T00:00:00.000Z", "2026-01-01T00:00:00.000Z"],
    ["1970-01-01T00:00:00.099Z", "1970-01-01T00:00:00.099Z"],
    ["0999-12-31T23:59:59.999Z", "0999-12-31T23:59:59.999Z"],
    ["0001-02-03T04:05:06.700Z", "0001-02-03T04:05:06.700Z"],
    ["9999-12-31T23:59:59.999Z", "9999-12-31T23:59:59.999Z"],
  ];
  for (const [input, written] of cases) assert.equal(isoTime(new Date(input)), written);
  assert.equal(isoTime(new Date(Date.UTC(10000, 0, 1))), "+010000-01-01T00:00:00.000Z");
  assert.equal(isoTime(new Date(Date.UTC(-1, 0, 1))), "-000001-01-01T00:00:00.000Z");
  for (let t = -8.64e15; t <= 8.64e15; t += 8.64e15 / 5000 + 12_345) {
    const date = new Date(Math.round(t));
    assert.equal(isoTime(date), date.toISOString());
  }
  assert.throws(() => isoTime(new Date(NaN)), RangeError);
});
