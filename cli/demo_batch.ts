/**
 * In demo mode, one batch run over the demo people at start-up, so the dashboard has something to
 * show without a separate `batch` command. Never in a configured deployment.
 *
 * @module
 */
import { startBatchRun } from "../engine/batch/batch_run.ts";
import type { Engine } from "../engine/engine.ts";
import type { Logger } from "../engine/core/log.ts";
import type { Store } from "../engine/core/store_ports.ts";

/**
 * Runs the demo people through the batch use case (no sinks, per person) and saves the run
 * summary.
 *
 * @param emails the demo people
 * @returns the number of devices found
 */
export async function runDemoBatch(
  emails: readonly string[],
  options: { engine: Engine; store: Store; log: Logger; now: () => Date },
): Promise<number> {
  const report = await startBatchRun(
    {
      engine: options.engine,
      plugins: [],
      sinks: [],
      store: options.store,
      log: options.log,
      now: options.now,
    },
    { given: emails, perPerson: true, shard: { index: 1, count: 1 }, concurrency: 4 },
  ).finished;
  options.log.info("demo batch run saved for the dashboard", {
    people: report.stats.people,
    devices: report.stats.devices,
  });
  return report.stats.devices;
}
