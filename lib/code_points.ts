/**
 * Capping text by code points: `.slice(0, n)` counts UTF-16 code units, so a cap falling between
 * the two halves of a character outside the Basic Multilingual Plane (an emoji, many CJK
 * extensions) keeps a lone surrogate — stored, shown as "�", refused by strict JSON readers.
 * Changes only if how text is capped does.
 *
 * @module
 */

/**
 * The first `max` code points of `text`: never half a surrogate pair. (A character built of
 * several code points — a flag, a family emoji — may still be cut between them.)
 *
 * @param text any string (a lone surrogate already in it counts as one code point)
 * @param max the most code points kept, 0 or more
 * @returns `text` itself when it has at most `max` code points, else its first `max`
 * @example A lock emoji at the 1,000th place is kept whole, not halved
 * ```ts
 * import assert from "node:assert/strict";
 * import { firstCodePoints } from "./code_points.ts";
 * const note = "a".repeat(999) + "🔒" + "b";
 * assert.equal(note.slice(0, 1000).at(-1), "\ud83d"); // half a character
 * assert.equal(firstCodePoints(note, 1000), "a".repeat(999) + "🔒");
 * assert.equal(firstCodePoints("🔒🔒", 1), "🔒");
 * assert.equal(firstCodePoints("short", 1000), "short");
 * ```
 */
export function firstCodePoints(text: string, max: number): string {
  if (text.length <= max) return text; // never more code points than code units
  let units = 0;
  let count = 0;
  for (const ch of text) {
    if (count === max) break;
    units += ch.length;
    count++;
  }
  return text.slice(0, units);
}
