/**
 * The inputs the fuzzers found, kept as plain examples so each fix stays fixed.
 */
import assert from "node:assert/strict";
import { createLogger } from "../../config/log.ts";
import { lookupByOs } from "../../engine/practices/practice_parts.ts";
import { normaliseHit } from "../../plugins/es_notifications.ts";
import { processAsset } from "../../plugins/sources/bitfit.ts";
import { toEvent } from "../../plugins/sources/duo_api.ts";
import { processComputer } from "../../plugins/sources/landesk_parse.ts";
import { zonedTime } from "../../plugins/sources/landesk_format.ts";
import { fixture } from "./arbitraries.ts";

const LA = "America/Los_Angeles";

Deno.test("duo toEvent() answers null for a timestamp beyond the Date range instead of throwing", () => {
  const entry = { timestamp: -8640000000000.001, user: { name: "fry" }, result: "success" };
  assert.equal(toEvent(entry, { debug: false }), null);
  assert.equal(toEvent({ ...entry, timestamp: 1e300 }, { debug: false }), null);
  assert.equal(toEvent({ ...entry, timestamp: 1717243200 }, { debug: false })?.username, "fry");
});

Deno.test("es_notifications normaliseHit() skips a hit that is not an object", () => {
  const lines: string[] = [];
  const log = createLogger({ sink: (_l, line) => lines.push(line) });
  for (const hit of [null, undefined, 3, "x"]) {
    assert.equal(normaliseHit(hit as unknown as { _id?: string }, { source: "es", log }), null);
  }
  assert.equal(lines.length, 4);
  assert.match(lines[0]!, /not an object/);
});

Deno.test("bitfit processAsset() builds a photo URL from a photo_id holding a lone surrogate", () => {
  const raw = fixture("upstream/bitfit/asset_response_lgml-pfry.json") as {
    item: Record<string, unknown>;
  };
  raw.item.image_url = null;
  raw.item.photo_id = "\ud800";
  const device = processAsset(raw, { debug: false });
  assert.equal(
    device?.photo_url,
    "https://app.bitfit.com/api/attachments/%EF%BF%BD/download?scale=tiny",
  );
});

Deno.test("landesk zonedTime() answers null for dates it cannot place in a zone instead of throwing", () => {
  assert.equal(zonedTime(new Date("-090606-01-02T07:52:57.999Z"), LA), null);
  assert.equal(zonedTime(new Date(8.64e15), LA), null);
  assert.equal(zonedTime(new Date(-8.64e15), LA), null);
  assert.equal(zonedTime(new Date("0050-06-01T00:00:00Z"), LA), null);
  assert.equal(
    zonedTime(new Date("2024-07-01T09:00:00Z"), LA)?.toISOString(),
    "2024-07-01T16:00:00.000Z",
  );
});

Deno.test("landesk processComputer() keeps a computer whose software has an out-of-range install date", () => {
  const device = processComputer({
    rows: [{ name: "X", serial: "S1" }],
    vulns: [],
    adapters: [],
    software: [{ SuiteName: "Firefox", InstallDate: new Date("-090606-01-02T07:52:57.999Z") }],
  }, { source: "landesk", timeZone: LA, screenlockVulnId: "ST000202", debug: false });
  assert.deepEqual(device.software?.installed, [{
    name: "Firefox",
    version: null,
    publisher: null,
    install_date: null,
  }]);
});

Deno.test("landesk processComputer() ignores text columns that hold no text instead of failing", () => {
  const device = processComputer({
    rows: [{ name: "PC-1", serial: { toString: 0 } }],
    vulns: [],
    adapters: [],
    software: [{ SuiteName: { toString: 0 }, Version: "1.0", InstallDate: new Date(NaN) }],
  } as never, { source: "landesk", timeZone: LA, screenlockVulnId: "ST000202", debug: false });
  assert.equal(device.name, "PC-1");
  assert.equal(device.serial, undefined);
  assert.deepEqual(device.software?.installed, [], "a nameless entry is skipped");
});

Deno.test('lookupByOs() finds no rule for an OS named like an Object method (a LANDESK row with os "valueOf")', () => {
  const rules = { "macOS": "15.0", "Windows": "11" };
  for (const os of ["valueOf", "constructor", "toString", "__proto__", "hasOwnProperty"]) {
    assert.equal(lookupByOs(rules, os), undefined, os);
  }
  assert.equal(lookupByOs(rules, "macOS"), "15.0");
  assert.equal(lookupByOs(rules, "Windows 11 Pro"), "11");
});
