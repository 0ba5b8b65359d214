import { errorMessage } from "../lib/error_message.ts";
/**
 * A small JSONC reader: JSON plus `//` and `/* *\/` comments and trailing commas.
 *
 * @module
 */

/**
 * Parses JSON with comments and trailing commas.
 *
 * @throws {SyntaxError} with the line and column of the problem
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.deepEqual(parseJsonc('{ "a": 1, // note\n }'), { a: 1 });
 * ```
 */
export function parseJsonc(text: string): unknown {
  const stripped = stripComments(text);
  try {
    return JSON.parse(stripped);
  } catch (error: unknown) {
    const message = errorMessage(error);
    const pos = /position (\d+)/.exec(message);
    if (pos) {
      const offset = Number(pos[1]);
      const before = stripped.slice(0, offset).split("\n");
      const line = before.length;
      const column = (before.at(-1)?.length ?? 0) + 1;
      throw new SyntaxError(`invalid JSON at line ${line}, column ${column}`);
    }
    throw new SyntaxError(`invalid JSON (${message})`);
  }
}

/** Replaces comments with spaces (keeping offsets) and drops trailing commas. */
function stripComments(text: string): string {
  let out = "";
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    const next = text[i + 1];
    if (c === '"') {
      const start = i++;
      while (i < text.length && text[i] !== '"') i += text[i] === "\\" ? 2 : 1;
      out += text.slice(start, ++i);
    } else if (c === "/" && next === "/") {
      while (i < text.length && text[i] !== "\n") {
        out += " ";
        i++;
      }
    } else if (c === "/" && next === "*") {
      const end = text.indexOf("*/", i + 2);
      const stop = end === -1 ? text.length : end + 2;
      out += text.slice(i, stop).replace(/[^\n]/g, " ");
      i = stop;
    } else if (c === ",") {
      const j = skipBlank(text, i + 1);
      out += text[j] === "}" || text[j] === "]" ? " " : ",";
      i++;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** The index of the next character that is neither white space nor inside a comment. */
function skipBlank(text: string, from: number): number {
  let j = from;
  while (j < text.length) {
    if (/\s/.test(text[j]!)) j++;
    else if (text.startsWith("//", j)) {
      const nl = text.indexOf("\n", j);
      j = nl === -1 ? text.length : nl;
    } else if (text.startsWith("/*", j)) {
      const end = text.indexOf("*/", j + 2);
      j = end === -1 ? text.length : end + 2;
    } else break;
  }
  return j;
}
