import assert from "node:assert/strict";
import type { Logger } from "../../engine/log.ts";
import { skippedRecords } from "../../plugins/sources/skipped_records.ts";

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
