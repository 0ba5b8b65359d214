/**
 * The links between the pages of a list: previous, "Page 2 of 7", next — plain links with the
 * page in the URL, so paging works without JavaScript and a page can be bookmarked.
 *
 * @module
 */
import type { Child } from "hono/jsx";

/** Props of {@link Pager}. */
export interface PagerProps {
  /** The page shown, from 1. */
  page: number;
  /** How many records the whole list holds. */
  total: number;
  pageSize: number;
  /** The URL of a page. */
  href: (page: number) => string;
}

/**
 * Which records a page shows: `first`–`last`, counted from 1 (both 0 when the page is empty: an
 * empty list, or a page past its end), and how many pages the list has (at least 1).
 */
export function pageSpan(
  p: Pick<PagerProps, "page" | "total" | "pageSize">,
): { first: number; last: number; pages: number } {
  const skipped = (p.page - 1) * p.pageSize;
  const empty = skipped >= p.total;
  return {
    first: empty ? 0 : skipped + 1,
    last: empty ? 0 : Math.min(p.total, skipped + p.pageSize),
    pages: Math.max(1, Math.ceil(p.total / p.pageSize)),
  };
}

/** The pager, or nothing when the list fits on one page. */
export function Pager(props: PagerProps): Child {
  const { page, href } = props;
  const { pages } = pageSpan(props);
  if (pages <= 1) return null;
  return (
    <nav class="pager" aria-label="Pages">
      {page > 1 && <a href={href(Math.min(page, pages + 1) - 1)} rel="prev">Previous page</a>}
      <span>
        Page {page} of {pages}
      </span>
      {page < pages && <a href={href(page + 1)} rel="next">Next page</a>}
    </nav>
  );
}
