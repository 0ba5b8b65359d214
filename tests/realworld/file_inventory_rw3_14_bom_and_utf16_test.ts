// RW3-14: Windows PowerShell 5.1 `Out-File -Encoding UTF8` writes a byte-order mark
// (PowerShell/PowerShell#8592; RFC 8259 §8.1 lets parsers ignore it): the device went missing
// ("Unexpected token" with the mark quoted). Same kind: plain `Out-File` and `>` write UTF-16 LE with a BOM,
// `-Encoding BigEndianUnicode` UTF-16 BE (about_Character_Encoding, Windows PowerShell 5.1), and
// an NDJSON export with CRLF line ends. Each must be read, never a silently empty inventory.
import assert from "node:assert/strict";
import { fileSourceOver } from "./file_inventory_rw3_support.ts";

const signal = () => new AbortController().signal;

Deno.test("RW3-14: an inventory starting with a UTF-8 byte-order mark is read", async () => {
  const file = fileSourceOver("bytes/rw3_14_powershell51_utf8_bom.json");
  const devices = await file.devicesByEmail!("lara@example.com", { signal: signal() });
  assert.deepEqual(devices.map((d) => [d.name, d.serial, d.os_version]), [
    ["LARA-LT-0001", "PF6TEST0001", "10.0.26100"],
  ]);
});

Deno.test("RW3-14 kind: UTF-16 LE and BE exports with a BOM, and BOM + CRLF NDJSON, are read", async (t) => {
  const cases: [string, string, string[]][] = [
    ["bytes/rw3_14_powershell51_utf16le_bom.json", "lena@example.com", ["LENA-LT-0001"]],
    ["bytes/rw3_14_powershell51_utf16be_bom.json", "leon@example.com", ["LEON-LT-0001"]],
    ["bytes/rw3_14_powershell51_utf8_bom_crlf.ndjson", "luz@example.com", [
      "LUZ-LT-0001",
      "LUZ-LT-0002",
    ]],
  ];
  for (const [fixture, email, names] of cases) {
    await t.step(fixture, async () => {
      const file = fileSourceOver(fixture);
      const devices = await file.devicesByEmail!(email, { signal: signal() });
      assert.deepEqual(devices.map((d) => d.name), names);
      assert.deepEqual(file.skippedRecords!(), []);
    });
  }
});
