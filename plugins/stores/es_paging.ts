/**
 * One page of a sorted Elasticsearch list, anywhere in it, with the list's exact total — for the
 * security team's lists, which may hold more than 10,000 records. `from` + `size` may not go past
 * `index.max_result_window` (10,000 by default) and `hits.total` is exact only with
 * `track_total_hits: true` (Elasticsearch reference, "Paginate search results"): a page within the
 * window is one search; a page past it walks there with `search_after` in a point in time (its
 * `_shard_doc` tiebreaker orders records with equal sort values the same way on every step),
 * reading only sort values until the page itself. A page shorter than the total says it should be
 * is an error, never a short list.
 *
 * @module
 */
import { StoreError } from "./codec.ts";
import { type EsContext, type Hit, totalOf } from "./es_context.ts";
import type { IndexName } from "./es_indices.ts";

/** `index.max_result_window`'s default: the furthest one `from` + `size` search reaches. */
export const RESULT_WINDOW = 10_000;
/** How long a point in time lives between the steps of one walk. */
const KEEP_ALIVE = "1m";

/** What a page is of: the query and the sort (each key `{ field: "asc" | "desc" }`). */
export interface ListQuery {
  query: Record<string, unknown>;
  sort: Record<string, "asc" | "desc">[];
}

type SearchAnswer = {
  hits: { total?: number | { value: number }; hits: (Hit & { sort?: unknown[] })[] };
};

/**
 * Records `offset` to `offset + limit` of a list, and how many the list holds.
 *
 * @param ctx the store's context
 * @param name the index
 * @param q the query and its sort
 * @param offset records skipped (0 or more)
 * @param limit records wanted, 0 to {@link RESULT_WINDOW} (0: only the total)
 * @returns the page's hits (fewer than `limit` only at the end of the list) and the exact total
 * @throws {StoreError} when `limit` is out of range, or a page comes back shorter than its total
 *   says (the list changed under a walk, or the node answered less than asked)
 */
export async function searchPage(
  ctx: EsContext,
  name: IndexName,
  q: ListQuery,
  offset: number,
  limit: number,
): Promise<{ hits: Hit[]; total: number }> {
  if (!Number.isInteger(limit) || limit < 0 || limit > RESULT_WINDOW) {
    throw new StoreError(`A page holds 0 to ${RESULT_WINDOW} records, not ${limit}`);
  }
  const want: Want = { ctx, index: ctx.index(name), q, offset, limit };
  const { hits, total } = offset + limit <= RESULT_WINDOW
    ? await windowPage(want)
    : await walkedPage(want);
  const expected = Math.max(0, Math.min(limit, total - offset));
  if (hits.length !== expected) {
    throw new StoreError(
      `The ${name} list answered ${hits.length} records where its total of ${total} means ${expected}`,
    );
  }
  return { hits, total };
}

/** One page asked for: of which list, where. */
type Want = { ctx: EsContext; index: string; q: ListQuery; offset: number; limit: number };

async function windowPage(
  { ctx, index, q, offset, limit }: Want,
): Promise<{ hits: Hit[]; total: number }> {
  const answer = await ctx.client.search(
    {
      index,
      query: q.query,
      sort: q.sort,
      from: offset,
      size: limit,
      track_total_hits: true,
    } as Parameters<typeof ctx.client.search>[0],
  ) as unknown as SearchAnswer;
  return { hits: answer.hits.hits, total: totalOf(answer.hits.total) };
}

async function walkedPage(
  { ctx, index, q, offset, limit }: Want,
): Promise<{ hits: Hit[]; total: number }> {
  const { client } = ctx;
  const pit = await client.openPointInTime({ index, keep_alive: KEEP_ALIVE });
  const step = async (size: number, after: unknown[] | undefined, source: boolean) =>
    await client.search(
      {
        pit: { id: pit.id, keep_alive: KEEP_ALIVE },
        query: q.query,
        sort: [...q.sort, { _shard_doc: "asc" }],
        size,
        track_total_hits: true,
        ...(source ? {} : { _source: false }),
        ...(after ? { search_after: after } : {}),
      } as Parameters<typeof client.search>[0],
    ) as unknown as SearchAnswer;
  try {
    let after: unknown[] | undefined;
    let total = 0;
    for (let skip = offset; skip > 0;) {
      const size = Math.min(skip, RESULT_WINDOW);
      const answer = await step(size, after, false);
      total = totalOf(answer.hits.total);
      const last = answer.hits.hits.at(-1);
      if (answer.hits.hits.length < size || last?.sort === undefined) return { hits: [], total };
      after = last.sort;
      skip -= size;
    }
    const answer = await step(limit, after, true);
    return { hits: answer.hits.hits, total: totalOf(answer.hits.total) };
  } finally {
    // a point in time not closed ends by itself after KEEP_ALIVE
    await client.closePointInTime({ id: pit.id }).catch(() => undefined);
  }
}
