// RW3-10: Windows PowerShell 5.1 `ConvertTo-Json` writes a DateTime as "\/Date(1796547600000)\/"
// (PowerShell/PowerShell#11126; the .NET DataContractJsonSerializer form). The device was dropped
// with one log line; it must be shown with its time read. Other spellings of the same kind: the
// .NET form with a display offset ("/Date(ms+0100)/", still UTC milliseconds), epoch seconds and
// epoch milliseconds (Unix tools vs JavaScript), SQL's "2026-12-06 09:00:00", WMI CIM_DATETIME
// ("20261206100000.000000+060", offset in minutes: Win32_OperatingSystem.LastBootUpTime); a
// locale date ("12/06/2026": December or June?) is not guessed: the device is kept, its time
// unknown, the reason in its evidence.
import assert from "node:assert/strict";
import { fileSourceOver } from "./file_inventory_rw3_support.ts";

const signal = () => new AbortController().signal;

Deno.test("RW3-10: a PowerShell 5.1 \\/Date(ms)\\/ export keeps the device, its time read", async () => {
  const file = fileSourceOver("bytes/rw3_10_powershell51_dates.json");
  const devices = await file.devicesByEmail!("ned@example.com", { signal: signal() });
  assert.deepEqual(
    devices.map((d) => [d.name, d.last_sync?.toISOString(), d.unread]),
    [
      ["NED-LT-0001", "2026-12-06T09:00:00.000Z", undefined],
      ["NED-LT-0003", "2026-12-06T09:00:00.000Z", undefined],
    ],
  );
  assert.deepEqual(file.skippedRecords!(), []);
});

Deno.test("RW3-10 kind: other timestamp spellings are read, an ambiguous one is kept unknown and named", async () => {
  const file = fileSourceOver("rw3_10_timestamp_spellings.ndjson");
  const devices = await file.devicesByEmail!("ned@example.com", { signal: signal() });
  assert.deepEqual(devices.map((d) => [d.name, d.last_sync?.toISOString() ?? null]), [
    ["NED-LT-0010", "2026-12-06T09:00:00.000Z"],
    ["NED-LT-0011", "2026-12-06T09:00:00.000Z"],
    ["NED-LT-0012", "2026-12-06T09:00:00.000Z"],
    ["NED-LT-0013", "2026-12-06T09:00:00.000Z"],
    ["NED-LT-0014", "2026-12-06T09:00:00.000Z"],
    ["NED-LT-0015", null],
    ["NED-LT-0016", "2026-12-06T09:00:00.000Z"],
  ]);
  assert.deepEqual(devices[5]!.unread, [{
    source: "file",
    field: "last_sync",
    value: "12/06/2026 09:00:00",
    reason: "its date is in a format we don't know",
  }]);
  const practices = devices[6]!.practices!;
  assert.equal(practices.encryption?.last_updated?.toISOString(), "2026-12-06T09:00:00.000Z");
  assert.deepEqual(practices.firewall, { value: true });
  assert.deepEqual(devices[6]!.unread, [{
    source: "file",
    field: "practices.firewall.last_updated",
    value: "yesterday",
    reason: "its date is in a format we don't know",
  }]);
  assert.deepEqual(file.skippedRecords!(), []);
});
