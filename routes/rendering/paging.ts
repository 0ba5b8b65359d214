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

/** A page number as a URL writes it: decimal digits, no sign, no leading zero, no spaces. */
const PAGE_RE = /^[1-9][0-9]*$/;

/**
 * The page a URL asks for: decimal digits only, so `0x2`, ` 2`, `2e0`, `+2` or `2.0` are refused
 * rather than read as page 2 (as `Number()` would).
 *
 * @param raw the `page` query value (absent: the first page)
 * @returns the page number from 1, or `null` when it is not a whole number from 1 to 100,000
 *   written in digits
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(pageOf(undefined), 1);
 * assert.equal(pageOf("3"), 3);
 * assert.equal(pageOf("0"), null);
 * assert.equal(pageOf("0x2"), null);
 * assert.equal(pageOf("100001"), null);
 * ```
 */
export function pageOf(raw: string | undefined): number | null {
  if (raw === undefined) return 1;
  if (!PAGE_RE.test(raw) || raw.length > String(MAX_PAGE).length) return null;
  const page = Number(raw);
  return page <= MAX_PAGE ? page : null;
}

/** The refusal of a page that {@link pageOf} refuses. */
export const PAGE_REFUSAL = `"page" is a whole number from 1 to ${MAX_PAGE}, in digits`;
