/**
 * In demo mode, one batch run over the demo people at start-up, so the dashboard has something to
 * show without a separate `batch` command. Never in a configured deployment.
 *
 * @module
 */
import type { Logger } from "../engine/log.ts";
import { runBatch } from "../engine/batch.ts";
import { addOutcome, createStats, toRunSummary } from "../engine/batch_stats.ts";
import type { Engine } from "../engine/engine.ts";
import type { Store } from "../engine/ports.ts";

/**
 * Runs the demo people through the batch pipeline and saves the run summary.
 *
 * @param emails the demo people
 * @returns the number of devices found
 */
export async function runDemoBatch(
  emails: readonly string[],
  options: { engine: Engine; store: Store; log: Logger; now: () => Date },
): Promise<number> {
  const stats = createStats();
  const startedAt = options.now();
  await runBatch(emails, {
    concurrency: 4,
    collect: (email) => options.engine.devicesForBatch(email),
    onOutcome: (outcome) => addOutcome(stats, outcome),
  });
  await options.store.saveBatchRun(
    toRunSummary(stats, { id: crypto.randomUUID(), startedAt, finishedAt: options.now() }),
  );
  options.log.info("demo batch run saved for the dashboard", {
    people: stats.people,
    devices: stats.devices,
  });
  return stats.devices;
}
