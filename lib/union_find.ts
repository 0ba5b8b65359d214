/**
 * Disjoint sets over the integers `0..n-1` (union–find with path halving). Changes only if how we
 * join and look up those sets changes.
 *
 * @module
 */

/**
 * Disjoint sets over `0..n-1`: every element starts alone; {@linkcode UnionFind.union} joins two
 * sets, keeping the smaller root index as the root, so a set's root is its smallest joined member
 * and does not depend on the order of unions.
 *
 * @example Join three records into one group
 * ```ts
 * import assert from "node:assert/strict";
 * import { UnionFind } from "./union_find.ts";
 * const sets = new UnionFind(4);
 * sets.union(2, 3);
 * sets.union(3, 1);
 * assert.equal(sets.find(2), sets.find(1));
 * assert.notEqual(sets.find(0), sets.find(1));
 * ```
 */
export class UnionFind {
  /** `parent[i]` is `i` for a root, else an element nearer the root. */
  readonly parent: Int32Array;

  /** @param n how many elements (`0..n-1`), each in a set of its own */
  constructor(n: number) {
    this.parent = new Int32Array(n);
    for (let i = 0; i < n; i++) this.parent[i] = i;
  }

  /**
   * The root of `i`'s set, shortening the path on the way (path halving).
   *
   * @param i an element in `0..n-1`
   * @returns the set's root index
   */
  find(i: number): number {
    const p = this.parent;
    while (p[i]! !== i) {
      p[i] = p[p[i]!]!;
      i = p[i]!;
    }
    return i;
  }

  /**
   * Joins the sets of `a` and `b`; the smaller root index stays the root.
   *
   * @param a an element in `0..n-1`
   * @param b an element in `0..n-1`
   * @returns true when they were in different sets (and now are one), false when already joined
   */
  union(a: number, b: number): boolean {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra === rb) return false;
    if (ra < rb) this.parent[rb] = ra;
    else this.parent[ra] = rb;
    return true;
  }
}
