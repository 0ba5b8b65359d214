import assert from "node:assert/strict";
import type { Logger } from "../../engine/core/log.ts";
import { skippedRecords, skippedRecordsTally } from "../../plugins/sources/skipped_records.ts";

Deno.test("skippedRecords() warns once per record id, with the id and the first problem", () => {
  const lines: Array<[string, unknown]> = [];
  const log: Logger = {
    debug() {},
    info() {},
    warn: (message, fields) => void lines.push([message, fields]),
    error() {},
    child: () => log,
  };
  const skipped = skippedRecords(log, "intune: skipped a malformed managed device");
  skipped({ id: "a1" }, "Required");
  skipped({ id: "a1" }, "something else");
  skipped({ id: 7 }, undefined);
  skipped(null, "Expected object");
  skipped({}, "again without id");
  assert.deepEqual(lines, [
    ["intune: skipped a malformed managed device", { id: "a1", error: "Required" }],
    ["intune: skipped a malformed managed device", { id: "7", error: "invalid" }],
    ["intune: skipped a malformed managed device", { id: "?", error: "Expected object" }],
  ]);
});

Deno.test("skippedRecordsTally() counts each skipped record once per reason, with the owners it named", () => {
  const lines: Array<[string, unknown]> = [];
  const log: Logger = {
    debug() {},
    info() {},
    warn: (message, fields) => void lines.push([message, fields]),
    error() {},
    child: () => log,
  };
  const tally = skippedRecordsTally(log, "file");
  tally.skip("malformed", { id: "line 3", problem: "last_sync: expected a date" });
  tally.skip("malformed", { id: "line 3", problem: "last_sync: expected a date" });
  tally.skip("noOwner", { id: "cros-1" });
  tally.skip("malformed", { id: "line 9", owner: "ned@example.com" });
  tally.skip("notJson", {});
  tally.skip("notJson", {});
  assert.deepEqual(tally.counts(), [
    {
      source: "file",
      reason: "malformed",
      label: "it is not in the shape the vendor documents",
      count: 2,
      owners: ["ned@example.com"],
      byOwner: { "ned@example.com": 1 },
    },
    {
      source: "file",
      reason: "noOwner",
      label: "it names no owner we can read",
      count: 1,
      owners: [],
    },
    { source: "file", reason: "notJson", label: "it is not valid JSON", count: 2, owners: [] },
  ]);
  assert.equal(lines.length, 5);
  assert.deepEqual(lines[0], ["file: skipped a record", {
    id: "line 3",
    reason: "it is not in the shape the vendor documents",
    error: "last_sync: expected a date",
  }]);
  tally.reset();
  assert.deepEqual(tally.counts(), []);
});

Deno.test("skippedRecords() with a tally counts malformed records without a second warning", () => {
  const lines: string[] = [];
  const log: Logger = {
    debug() {},
    info() {},
    warn: (message) => void lines.push(message),
    error() {},
    child: () => log,
  };
  const tally = skippedRecordsTally(log, "intune");
  const skipped = skippedRecords(log, "intune: skipped a malformed managed device", tally);
  skipped({ id: "a1" }, "Required");
  skipped({ id: "a1" }, "Required");
  skipped({ id: "b2" }, "Required");
  assert.deepEqual(lines, [
    "intune: skipped a malformed managed device",
    "intune: skipped a malformed managed device",
  ]);
  assert.deepEqual(tally.counts().map((c) => [c.reason, c.count]), [["malformed", 2]]);
});
