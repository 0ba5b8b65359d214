import assert from "node:assert/strict";
import { createKeyIndex } from "../../engine/batch/key_index.ts";

Deno.test("createKeyIndex() answers every number filed under a key, ascending, as it grows", () => {
  const index = createKeyIndex();
  // 30,000 serials over 10,000 keys: the table doubles from 16 slots to 65,536
  for (let n = 0; n < 30_000; n++) index.add(`SN${n % 10_000}`, n);
  assert.equal(index.size, 30_000);
  assert.deepEqual(index.candidates("SN0"), [0, 10_000, 20_000]);
  assert.deepEqual(index.candidates("SN9999"), [9_999, 19_999, 29_999]);
  assert.deepEqual(index.candidates("SN10000"), []);
});

Deno.test("createKeyIndex() gives the numbers of keys that hash alike, for the caller to check", () => {
  const index = createKeyIndex();
  index.add("costarring", 7); // FNV-1a 32-bit: "costarring" and "liquid" hash alike
  index.add("liquid", 3);
  assert.deepEqual(index.candidates("liquid"), [3, 7]);
  assert.deepEqual(index.candidates("costarring"), [3, 7]);
});

Deno.test("createKeyIndex() refuses a number it cannot keep", () => {
  const index = createKeyIndex();
  for (const n of [-1, 1.5, 0xffffffff]) {
    assert.throws(() => index.add("k", n), {
      name: "RangeError",
      message: `Cannot index number ${n}: expected an integer in 0…4294967294`,
    });
  }
  assert.equal(index.size, 0);
});
