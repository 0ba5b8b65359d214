/**
 * Batch-run summaries in the Elasticsearch store (`<prefix>batch_runs`): one document per run
 * (id = the run's id), the summary kept whole in a non-indexed field, listed newest first.
 *
 * @module
 */
import type { BatchRunStore, BatchRunSummary } from "../../engine/core/store_ports.ts";
import { decodeBatchRun, encodeBatchRun } from "./codec.ts";
import type { EsContext } from "./es_context.ts";

/**
 * The batch-run methods of the Elasticsearch store.
 *
 * @param ctx the store's context
 * @returns `saveBatchRun` (replaces a run of the same id) and `batchRuns` (newest first, at most
 *   `limit`)
 */
export function esBatchRuns(ctx: EsContext): BatchRunStore {
  const { client, run } = ctx;
  return {
    saveBatchRun(batchRun: BatchRunSummary): Promise<void> {
      return run("save a batch run", async () => {
        await client.index({
          index: ctx.index("batch_runs"),
          id: batchRun.id,
          document: {
            started_at: batchRun.startedAt.getTime(),
            run: JSON.parse(encodeBatchRun(batchRun)),
          },
          refresh: "wait_for",
        });
      });
    },

    batchRuns(limit: number): Promise<BatchRunSummary[]> {
      return run("read batch runs", async () => {
        const hits = await ctx.search("batch_runs", {
          query: { match_all: {} },
          sort: [{ started_at: "desc" }],
          size: limit,
        });
        return hits.map((h) => decodeBatchRun(JSON.stringify(h._source?.run)));
      });
    },
  };
}
