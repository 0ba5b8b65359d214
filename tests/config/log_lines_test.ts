/**
 * Every log record is one line to every reader (issue 26): free text from a form reaches the log
 * (an exemption's reason, a report's handling note). JSON escapes C0 controls, but writes U+2028
 * and U+2029 (line and paragraph separators), U+0085 (NEL), the other C1 controls and the
 * bidirectional formatting characters raw — line breaks to editors, JavaScript before ES2019 and
 * log shippers that split on Unicode line ends, and text reordered on a terminal.
 *
 * @module
 */
import assert from "node:assert/strict";
import { createLogger, jsonLine } from "../../config/log.ts";

/** Splits as a reader that honours every Unicode line end does. */
const unicodeLines = (text: string) => text.split(/\r\n|[\n\v\f\r\u0085\u2028\u2029]/);

Deno.test("jsonLine() escapes line separators, C1 controls and bidirectional controls, and parses back", () => {
  const raw = "a\u2028b\u2029c\u0085d\u007fe\u009bf\u202eg\u2066h\u200fi";
  const line = jsonLine({ reason: raw });
  assert.equal(
    line,
    String.raw`{"reason":"a\u2028b\u2029c\u0085d\u007fe\u009bf\u202eg\u2066h\u200fi"}`,
  );
  assert.deepEqual(JSON.parse(line), { reason: raw });
  // what JSON escapes itself stays as it does
  assert.equal(jsonLine({ a: "x\ny\u001b\ud800" }), String.raw`{"a":"x\ny\u001b\ud800"}`);
  assert.equal(jsonLine({ a: "Café ✓ 🔒" }), `{"a":"Café ✓ 🔒"}`);
});

Deno.test("a logged field with a line separator in it is one line, with the same value", () => {
  const lines: string[] = [];
  const log = createLogger({ level: "info", sink: (_level, line) => void lines.push(line) });
  const forged = `Lab\u2028{"audit":true,"by":"ciso@example.com","msg":"exemption revoked"}`;
  log.info("exemption granted", { audit: true, reason: forged });
  log.warn("slow", { note: "x\u2029y\u0085z" });
  assert.equal(lines.length, 2);
  for (const line of lines) assert.deepEqual(unicodeLines(line), [line]);
  assert.equal(JSON.parse(lines[0]!).reason, forged);
  assert.equal(JSON.parse(lines[1]!).note, "x\u2029y\u0085z");
});
