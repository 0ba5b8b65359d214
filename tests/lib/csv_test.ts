import assert from "node:assert/strict";
import { csvCell, csvLine } from "../../lib/csv.ts";

Deno.test("csvCell() quotes what RFC 4180 requires and defuses formulas (OWASP CSV injection)", async (t) => {
  const table: [string | number | undefined, string][] = [
    ["plain", "plain"],
    ["a, b", '"a, b"'],
    ['say "hi"', '"say ""hi"""'],
    ["two\nlines", '"two\nlines"'],
    ["=1+1", "'=1+1"],
    ["+441234", "'+441234"],
    ["-2", "'-2"],
    ["@SUM(A1)", "'@SUM(A1)"],
    ["\tx", "'\tx"],
    ['=HYPERLINK("http://x","y")', `"'=HYPERLINK(""http://x"",""y"")"`],
    [-2, "-2"],
    [12, "12"],
    [undefined, ""],
    ["", ""],
  ];
  for (const [value, expected] of table) {
    await t.step(`${JSON.stringify(value)} → ${expected}`, () => {
      assert.equal(csvCell(value), expected);
    });
  }
  await t.step("csvLine() joins with commas and ends with CRLF", () => {
    assert.equal(
      csvLine(["fry@example.com", "=cmd", undefined, 3]),
      "fry@example.com,'=cmd,,3\r\n",
    );
  });
});
