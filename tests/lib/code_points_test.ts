/**
 * `firstCodePoints()`: caps never leave half a surrogate pair, and count each character outside
 * the Basic Multilingual Plane once.
 *
 * @module
 */
import assert from "node:assert/strict";
import { firstCodePoints } from "../../lib/code_points.ts";

/** Whether `text` holds a surrogate without its other half. */
const loneSurrogate = (text: string) => !text.isWellFormed();

Deno.test("a cap at every place in text of emoji and letters keeps whole characters", () => {
  const text = "a🔒b𝔘c😀😀d";
  const points = [...text];
  for (let max = 0; max <= points.length + 1; max++) {
    const capped = firstCodePoints(text, max);
    assert.equal(capped, points.slice(0, max).join(""), `max ${max}`);
    assert.equal(loneSurrogate(capped), false, `max ${max}`);
  }
});

Deno.test("1,000 code points are kept when 1,000 code units would halve the emoji at 999", () => {
  const note = "n".repeat(999) + "🔒 ticket 42";
  assert.equal(loneSurrogate(note.slice(0, 1000)), true, "what .slice(0, 1000) did");
  assert.equal(firstCodePoints(note, 1000), "n".repeat(999) + "🔒");
  assert.equal([...firstCodePoints("😀".repeat(600), 500)].length, 500, "500 emoji: 1,000 units");
  assert.equal(firstCodePoints("\ud83dx", 1), "\ud83d", "a lone surrogate in it counts as one");
});
