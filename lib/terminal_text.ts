/**
 * Text from upstreams (device names, serials, error messages) made safe to print on a terminal: a
 * device named `"\x1b]0;…\x07"` or `"\x1b[2J"` must not retitle, clear or recolour the operator's
 * terminal, and a bidirectional override must not reorder what they read. Changes when another
 * kind of character can steer a terminal.
 *
 * @module
 */

const STEERING_RE =
  // deno-lint-ignore no-control-regex
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const LINE_RE = /[\t\n]/g;

/**
 * `text` with every character that steers a terminal written out as an escape a person can read:
 * C0 and C1 control characters (ESC, BEL, CR, backspace, CSI U+009B …) as `\xHH`, the Unicode
 * bidirectional marks and overrides (U+061C, U+200E/F, U+202A–E, U+2066–9) as `\uHHHH`. Tab and
 * line feed are kept for the caller's own layout unless `oneLine` is set, then they are escaped
 * too (a field that must not start a line of its own).
 *
 * @param text any text
 * @param options `oneLine`: escape tab and line feed as well
 * @returns the printable text
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(terminalSafe("MacBook\x1b[2J"), "MacBook\\x1b[2J");
 * assert.equal(terminalSafe("a\nb", { oneLine: true }), "a\\x0ab");
 * ```
 */
export function terminalSafe(text: string, options: { oneLine?: boolean } = {}): string {
  const out = text.replace(STEERING_RE, escapeChar);
  return options.oneLine ? out.replace(LINE_RE, escapeChar) : out;
}

/**
 * A copy of `value` with every string in it (at any depth of arrays and plain objects) passed
 * through {@link terminalSafe} with `oneLine`; dates and other values kept as they are.
 *
 * @param value a record read from an upstream or a file
 * @returns the same shape, printable
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.deepEqual(terminalSafeDeep({ name: "x\x1b[31m", macs: ["a\u202e"] }), {
 *   name: "x\\x1b[31m",
 *   macs: ["a\\u202e"],
 * });
 * ```
 */
export function terminalSafeDeep<T>(value: T): T {
  if (typeof value === "string") return terminalSafe(value, { oneLine: true }) as T;
  if (Array.isArray(value)) return value.map(terminalSafeDeep) as T;
  if (
    value !== null && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype
  ) {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, terminalSafeDeep(v)]),
    ) as T;
  }
  return value;
}

function escapeChar(ch: string): string {
  const code = ch.charCodeAt(0);
  return code < 0x100
    ? `\\x${code.toString(16).padStart(2, "0")}`
    : `\\u${code.toString(16).padStart(4, "0")}`;
}
