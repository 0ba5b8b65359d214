/**
 * What every paged walk of an upstream collection checks (Jamf Pro's `totalCount`, Graph's
 * `@odata.count`): how many entries came, and whether a page only repeated earlier ones (the
 * server ignored the page number or skip token). A walk that ends short of what the server said
 * it holds is an error of the source, never a complete list (DESIGN.md §4 "arrive or be named").
 * One reason to change: what a walk counts.
 *
 * @module
 */

/** The count of one walk; see {@link pagingCount}. */
export interface PagingCount {
  /**
   * Counts one page's entries by their upstream ids (malformed entries too; `"?"` for one without
   * an id). Throws `repeated()` when the page has entries and every one came on an earlier page.
   */
  add(ids: readonly string[], repeated: () => Error): void;
  /** Entries counted so far (pages that repeated are not counted). */
  readonly read: number;
}

/**
 * A fresh count for one walk.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const count = pagingCount();
 * count.add(["1", "2"], () => new Error("repeated"));
 * assert.equal(count.read, 2);
 * assert.throws(() => count.add(["2", "1"], () => new Error("repeated")), { message: "repeated" });
 * ```
 */
export function pagingCount(): PagingCount {
  const seen = new Set<string>();
  let read = 0;
  return {
    add(ids, repeated) {
      if (ids.length > 0 && ids.every((id) => id !== "?" && seen.has(id))) throw repeated();
      for (const id of ids) seen.add(id);
      read += ids.length;
    },
    get read() {
      return read;
    },
  };
}
