import assert from "node:assert/strict";
import { createSpillFile } from "../../lib/spill_file.ts";

Deno.test("a spill file gives back every text by number, across its 1 MiB buffer, and streams them in order", async () => {
  const spill = createSpillFile();
  try {
    const texts = [
      "",
      "é ✓ 日本",
      "x".repeat(3 << 20),
      ...Array.from({ length: 5000 }, (_, i) => `{"n":${i}}`),
    ];
    const numbers = texts.map((t) => spill.put(t));
    assert.deepEqual(numbers, texts.map((_, i) => i));
    for (const i of [0, 1, 2, 3, 2500, 5002]) assert.equal(spill.get(i), texts[i]);
    assert.equal(spill.count, texts.length);
    const joined = texts.join("");
    assert.equal(spill.bytes, new TextEncoder().encode(joined).length);
    assert.equal(await new Response(spill.stream()).text(), joined);
    assert.throws(() => spill.get(texts.length), RangeError);
  } finally {
    spill.close();
  }
  assert.throws(() => spill.get(0), /closed/);
});

Deno.test("a spill file leaves no file behind in its directory", () => {
  const dir = Deno.makeTempDirSync();
  try {
    const spill = createSpillFile({ dir });
    spill.put("kept on disk, but unlinked");
    assert.deepEqual([...Deno.readDirSync(dir)], []);
    assert.equal(spill.get(0), "kept on disk, but unlinked");
    spill.close();
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
