/**
 * Batch-run summaries in the SQLite store (`batch_runs`): one row per run, its summary as JSON
 * text, listed newest first for the dashboard.
 *
 * @module
 */
import type { DatabaseSync, SQLInputValue } from "node:sqlite";
import type { BatchRunStore, BatchRunSummary } from "../../engine/core/store_ports.ts";
import { decodeBatchRun, encodeBatchRun } from "./codec.ts";
import type { Runner } from "./sqlite_runner.ts";

/**
 * The batch-run methods of the SQLite store.
 *
 * @param db the open, migrated database
 * @param run the store's runner
 * @returns `saveBatchRun` (replaces a run of the same id) and `batchRuns` (newest first, at most
 *   `limit`)
 */
export function sqliteBatchRuns(db: DatabaseSync, run: Runner): BatchRunStore {
  const q = {
    save: db.prepare(`INSERT INTO batch_runs (id, started_at, body) VALUES (?, ?, ?)
      ON CONFLICT (id) DO UPDATE SET started_at = excluded.started_at, body = excluded.body`),
    runs: db.prepare("SELECT body FROM batch_runs ORDER BY started_at DESC, id DESC LIMIT ?"),
  };
  return {
    saveBatchRun(batchRun: BatchRunSummary): Promise<void> {
      const args: SQLInputValue[] = [
        batchRun.id,
        batchRun.startedAt.getTime(),
        encodeBatchRun(batchRun),
      ];
      return run("save a batch run", () => {
        q.save.run(...args);
      });
    },

    batchRuns(limit: number): Promise<BatchRunSummary[]> {
      return run(
        "read batch runs",
        () => q.runs.all(limit).map((r) => decodeBatchRun(String(r.body))),
      );
    },
  };
}
