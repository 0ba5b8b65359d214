/**
 * Pages of a list (issue 26): every list the security team reads — the Dashboard's devices, the
 * "this wasn't me" queue, the exemptions — shows {@link PAGE_SIZE} records a page, the page number
 * in the URL (`?page=`, from 1), and the list's total.
 *
 * @module
 */

/** Records per page of a list, in the pages and the JSON API. */
export const PAGE_SIZE = 50;
/** The furthest page a URL may ask for (5 million records at 50 a page). */
const MAX_PAGE = 100_000;

/**
 * The page a URL asks for.
 *
 * @param raw the `page` query value (absent: the first page)
 * @returns the page number from 1, or `null` when it is not a whole number from 1 to 100,000
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(pageOf(undefined), 1);
 * assert.equal(pageOf("3"), 3);
 * assert.equal(pageOf("0"), null);
 * ```
 */
export function pageOf(raw: string | undefined): number | null {
  const page = Number(raw ?? "1");
  return Number.isInteger(page) && page >= 1 && page <= MAX_PAGE ? page : null;
}

/** The refusal of a page that {@link pageOf} refuses. */
export const PAGE_REFUSAL = `"page" is a whole number from 1`;
