import assert from "node:assert/strict";
import { UnionFind } from "../../lib/union_find.ts";

Deno.test("UnionFind starts with every element alone", () => {
  const sets = new UnionFind(3);
  assert.deepEqual([0, 1, 2].map((i) => sets.find(i)), [0, 1, 2]);
});

Deno.test("UnionFind.union() joins sets, the smallest member is the root, whatever the order", () => {
  const sets = new UnionFind(6);
  assert.equal(sets.union(4, 5), true);
  assert.equal(sets.union(5, 2), true);
  assert.equal(sets.union(0, 1), true);
  assert.equal(sets.union(2, 4), false); // already one set
  assert.deepEqual([0, 1, 2, 3, 4, 5].map((i) => sets.find(i)), [0, 0, 2, 3, 2, 2]);
  assert.equal(sets.union(5, 1), true);
  assert.deepEqual([0, 1, 2, 3, 4, 5].map((i) => sets.find(i)), [0, 0, 0, 3, 0, 0]);
});

Deno.test("UnionFind.find() halves long chains as it walks them", () => {
  const sets = new UnionFind(5);
  for (let i = 4; i > 0; i--) sets.union(i, i - 1);
  assert.deepEqual([...sets.parent], [0, 0, 1, 2, 3]);
  assert.equal(sets.find(4), 0);
  assert.deepEqual([...sets.parent], [0, 0, 0, 2, 2]); // every node on the path skips one
});
