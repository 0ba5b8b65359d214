/**
 * CSV text (RFC 4180) that is safe to open in a spreadsheet: fields with a comma, quote or line
 * break are quoted (quotes doubled), and a cell a spreadsheet would run as a formula — one that
 * starts with `=`, `+`, `-`, `@`, a tab or a carriage return (OWASP "CSV Injection") — gets a
 * leading `'` so it is shown as text.
 *
 * @module
 */

const FORMULA_RE = /^[=+\-@\t\r]/;
const QUOTE_RE = /[",\r\n]/;

/**
 * One cell: formula-safe, quoted when needed.
 *
 * @param value the cell's text (`undefined` is an empty cell)
 * @returns the cell as it goes between commas
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { csvCell } from "./csv.ts";
 * assert.equal(csvCell('=HYPERLINK("x")'), `"'=HYPERLINK(""x"")"`);
 * assert.equal(csvCell("a, b"), '"a, b"');
 * ```
 */
export function csvCell(value: string | number | undefined): string {
  if (value === undefined) return "";
  let text = String(value);
  if (typeof value === "string" && FORMULA_RE.test(text)) text = `'${text}`;
  return QUOTE_RE.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * One record, ended by CRLF as RFC 4180 says.
 *
 * @param values the record's cells
 * @returns the line
 */
export function csvLine(values: readonly (string | number | undefined)[]): string {
  return `${values.map(csvCell).join(",")}\r\n`;
}
