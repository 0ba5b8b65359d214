/**
 * Skipping an upstream record that does not parse, and saying so once per record: the same
 * malformed record comes back on every lookup and every page walk, so the log gets one warning for
 * it, with its id and the first problem found. One reason to change: how a skipped record is
 * reported.
 *
 * @module
 */
import type { Logger } from "../../engine/log.ts";

/**
 * A reporter of skipped records for one source instance.
 *
 * @param log the plugin's logger
 * @param message the warning, naming the source and what it skipped, e.g. `"intune: skipped a
 *   malformed managed device"`
 * @returns `skipped(raw, problem)`: warns `message` with `{ id, error }` — the record's `id`
 *   field as text (`"?"` without one) and `problem` (`"invalid"` when none is given) — the first
 *   time a record with that id is skipped, and does nothing after
 * @example
 * ```ts
 * import type { Logger } from "../../engine/log.ts";
 * import { skippedRecords } from "./skipped_records.ts";
 * const log: Logger = { debug() {}, info() {}, warn: console.warn, error() {}, child: () => log };
 * const skipped = skippedRecords(log, "jamf_pro: skipped a malformed computer");
 * skipped({ id: "7" }, "Expected object, received null"); // warns once
 * skipped({ id: "7" }, "Expected object, received null"); // says nothing
 * ```
 */
export function skippedRecords(
  log: Logger,
  message: string,
): (raw: unknown, problem: string | undefined) => void {
  const reported = new Set<string>();
  return (raw, problem) => {
    const id = String((raw as { id?: unknown } | null)?.id ?? "?");
    if (reported.has(id)) return;
    reported.add(id);
    log.warn(message, { id, error: problem ?? "invalid" });
  };
}
