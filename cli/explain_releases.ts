/**
 * The "OS up to date" part of `explain`: for each record that names an OS, the verdict of the
 * up-to-date practice(s) and the evidence it cites (static versions and OS policies judged with
 * the release data), so an operator can see why a device is critical.
 *
 * @module
 */
import type { PracticeSet } from "../engine/practices/practices.ts";
import { SEVERITY_WORDS, severityOfStatus } from "../engine/core/severity.ts";
import type { DeviceRecord } from "../engine/core/types.ts";

/**
 * One line per record with an OS: `name (source, os version): verdict. details`.
 *
 * @param records the person's records (before merging)
 * @param practices the configured practices; only those of type `uptodate` are used
 * @returns the section text, or `""` when no record names an OS or no such practice is enabled
 * @example A Mac below the required version
 * ```ts
 * import assert from "node:assert/strict";
 * import { DEFAULT_PRACTICES } from "../engine/practices/default_practices.ts";
 * import { buildPracticeSet } from "../engine/practices/practices.ts";
 * const mac = { source: "jamf", name: "fry-mbp", os: "macOS", os_version: "15.6" };
 * const text = explainUpToDate([mac], buildPracticeSet(DEFAULT_PRACTICES, ["uptodate"]));
 * assert.deepEqual(text.split("\n"), [
 *   "OS up to date:",
 *   "  fry-mbp (jamf, macOS 15.6): critical. Install macOS 15.7. " +
 *   "macOS 15.6 is older than the version we require.",
 * ]);
 * ```
 */
export function explainUpToDate(records: readonly DeviceRecord[], practices: PracticeSet): string {
  const uptodate = practices.filter((p) => p.type === "uptodate");
  const lines: string[] = [];
  for (const record of records) {
    if (!record.os) continue;
    const label = record.name ?? record.model ?? record.serial ?? "(unnamed)";
    const os = [record.os, record.os_version].filter(Boolean).join(" ");
    for (const p of uptodate) {
      const judged = p.evaluate(record);
      const status = SEVERITY_WORDS[severityOfStatus(judged.status ?? "unknown")].operator;
      const details = judged.details ? ` ${judged.details}` : "";
      const which = uptodate.length > 1 ? ` [${p.name}]` : "";
      lines.push(`  ${label} (${record.source}, ${os})${which}: ${status}.${details}`);
    }
  }
  return lines.length === 0 ? "" : `OS up to date:\n${lines.join("\n")}`;
}
