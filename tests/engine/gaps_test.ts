import assert from "node:assert/strict";
import {
  addGaps,
  describeGap,
  gapCollector,
  gapToken,
  type SourceGap,
} from "../../engine/view/gaps.ts";
import { createEngine, type EngineParts } from "../../engine/engine.ts";
import type { DeviceSource } from "../../engine/core/ports.ts";
import { skippedRecords } from "../../plugins/sources/skipped_records.ts";
import type { Logger } from "../../engine/core/log.ts";

const DATE_GAP: SourceGap = {
  source: "file",
  kind: "skipped",
  reason: "unknown_date_format",
  words: "its date is in a format we don't know",
  count: 1,
};

function parts(deviceSources: DeviceSource[]): EngineParts {
  return {
    deviceSources,
    ownershipSources: [],
    accountSources: [],
    eventSources: [],
    notificationSources: [],
    deviceTransforms: [],
    eventTransforms: [],
    practices: [],
  };
}

/** A file-like source with one readable device and `bad` records it cannot read. */
function fileSource(bad: number): DeviceSource {
  return {
    name: "file",
    timeoutMs: 1000,
    devicesByEmail(email, options) {
      for (let i = 0; i < bad; i++) {
        options.reportGap?.({
          kind: "skipped",
          reason: "unknown_date_format",
          words: "its date is in a format we don't know",
        });
      }
      return Promise.resolve([{ source: "file", name: "pc-1", email, platform: "Windows" }]);
    },
  };
}

Deno.test("describeGap() words a gap for the person, by kind and count", () => {
  assert.equal(
    describeGap(DATE_GAP, "the file inventory"),
    "1 record from the file inventory could not be read: its date is in a format we don't know",
  );
  assert.equal(
    describeGap(
      { ...DATE_GAP, kind: "truncated", count: 100, words: "the list ended at 100 of 200" },
      "Jamf Pro",
    ),
    "100 records from Jamf Pro were not received: the list ended at 100 of 200",
  );
  assert.equal(
    describeGap({ ...DATE_GAP, kind: "partial", count: 2 }, "the file inventory"),
    "2 records from the file inventory could not be read in full: its date is in a format we don't know",
  );
  assert.equal(gapToken({ ...DATE_GAP, count: 3 }), "file:skipped:unknown_date_format=3");
});

Deno.test("addGaps() counts gaps of one source, kind and reason together, in first-seen order", () => {
  const other: SourceGap = { ...DATE_GAP, source: "landesk" };
  const out = addGaps([], [DATE_GAP, other, { ...DATE_GAP, count: 4 }, { ...DATE_GAP, count: -2 }]);
  assert.deepEqual(out, [{ ...DATE_GAP, count: 6 }, { ...other, count: 1 }]);
});

Deno.test("gapCollector() keeps a reason usable as a metric label and never throws", () => {
  const c = gapCollector("file");
  c.report({ kind: "skipped", reason: "bad date!", words: "x" });
  c.report(null as never);
  assert.deepEqual(c.gaps(), [{
    source: "file",
    kind: "skipped",
    reason: "bad_date_",
    words: "x",
    count: 1,
  }]);
});

Deno.test("engine: gaps a source reports reach devices(), records() and the person's view", async (t) => {
  const engine = createEngine(parts([fileSource(2)]));
  await t.step("devices()", async () => {
    const got = await engine.devices("fry@planetexpress.com");
    assert.equal(got.items.length, 1);
    assert.deepEqual(got.gaps, [{ ...DATE_GAP, count: 2 }]);
    assert.deepEqual(got.errors, []);
  });
  await t.step("devicesForBatch()", async () => {
    const got = await engine.devicesForBatch("fry@planetexpress.com");
    assert.deepEqual(got.gaps, [{ ...DATE_GAP, count: 2 }]);
  });
  await t.step("view()", async () => {
    const view = await engine.view("fry@planetexpress.com");
    assert.deepEqual(view.gaps, [{ ...DATE_GAP, count: 2 }]);
  });
});

Deno.test("engine: a lookup where nothing was skipped has no gaps key and an empty view list", async () => {
  const engine = createEngine(parts([fileSource(0)]));
  const got = await engine.devices("fry@planetexpress.com");
  assert.equal("gaps" in got, false);
  assert.deepEqual((await engine.view("fry@planetexpress.com")).gaps, []);
});

Deno.test("engine: a source that throws after reporting a gap names both the error and the gap", async () => {
  const source: DeviceSource = {
    name: "jamf_pro",
    timeoutMs: 1000,
    devicesByEmail(_email, options) {
      options.reportGap?.({
        kind: "truncated",
        reason: "short_of_total",
        words: "the list ended at 100 of 200",
        count: 100,
      });
      return Promise.reject(new Error("Jamf Pro: listing ended at 100 of 200 computers"));
    },
  };
  const got = await createEngine(parts([source])).devices("fry@planetexpress.com");
  assert.deepEqual(got.errors.map((e) => e.message), [
    "Jamf Pro: listing ended at 100 of 200 computers",
  ]);
  assert.deepEqual(got.gaps, [{
    source: "jamf_pro",
    kind: "truncated",
    reason: "short_of_total",
    words: "the list ended at 100 of 200",
    count: 100,
  }]);
});

Deno.test("skippedRecords() reports every skip as a gap and warns once per record id", () => {
  const warned: unknown[] = [];
  const log: Logger = {
    debug() {},
    info() {},
    warn: (...args: unknown[]) => warned.push(args),
    error() {},
    child: () => log,
  };
  const skipped = skippedRecords(log, "intune: skipped a malformed managed device");
  const call = gapCollector("intune");
  skipped({ id: "7" }, "Required", call.report);
  skipped({ id: "7" }, "Required", call.report);
  assert.deepEqual(warned, [["intune: skipped a malformed managed device", {
    id: "7",
    error: "Required",
  }]]);
  assert.deepEqual(call.gaps(), [{
    source: "intune",
    kind: "skipped",
    reason: "malformed",
    words: "it is not in the shape the vendor documents",
    count: 2,
  }]);
});

Deno.test("engine: a record kept with a field it could not read is a partial gap of the lookup", async () => {
  const source: DeviceSource = {
    name: "file",
    timeoutMs: 1000,
    devicesByEmail: (email) =>
      Promise.resolve([{
        source: "file",
        name: "pc-1",
        email,
        unread: [{
          source: "file",
          field: "last_sync",
          value: "/Date(1796547600000)/",
          reason: "its date is in a format we don't know",
        }],
      }]),
  };
  const engine = createEngine(parts([source]));
  const got = await engine.devices("fry@planetexpress.com");
  assert.equal(got.items.length, 1);
  assert.deepEqual(got.gaps, [{
    source: "file",
    kind: "partial",
    reason: "unread_last_sync",
    words: "its date is in a format we don't know",
    count: 1,
  }]);
  assert.equal(
    describeGap(got.gaps![0]!, "the file inventory"),
    "1 record from the file inventory could not be read in full: its date is in a format we don't know",
  );
});
