/**
 * The installed-software practice (spec §5.3, `TYPE: installed_software`): whether one of the
 * named applications or services is installed and, where a version rule exists for the OS, at
 * the suggested version; the best candidate wins. Changes when the way software is judged
 * changes.
 *
 * @module
 */
import type { PracticeConfig } from "./practice_config.ts";
import { checkInstalledVersion, injector, lookupByOs, platformOverride } from "./practice_parts.ts";
import type { DeviceRecord, PracticeData, SoftwareEntry, Status } from "../core/types.ts";

const SOFTWARE_RANK: Record<Status, number> = { ok: 4, warn: 3, nudge: 2, unknown: 1, na: 0 };

/**
 * The evaluator of one installed-software practice.
 *
 * @param c the practice's configuration (`SOFTWARE_NAMES`, `SERVICE_NAMES`, version maps,
 *   platform overrides, `STATUS_IF_MISSING`, texts)
 * @returns a function from a source record to its practice data (a new object)
 */
export function installedSoftwareEvaluator(
  c: PracticeConfig,
): (record: DeviceRecord) => PracticeData {
  const inject = injector(c);
  const override = platformOverride(c);
  const softwareNames = c.SOFTWARE_NAMES ?? [];
  const serviceNames = c.SERVICE_NAMES ?? [];
  const ifMissing = c.STATUS_IF_MISSING ?? "nudge";

  function judge(record: DeviceRecord, entry: Partial<SoftwareEntry>): [Status, PracticeData] {
    const lines: string[] = [];
    const attrs: PracticeData = {};
    const version = entry.version ?? undefined;
    if (version) {
      lines.push(`Installed version: ${version}`);
      attrs.version = version;
    }
    let status: Status = "ok"; // decision 11: installed, and no version rule for this OS
    if (record.os) {
      const suggested = lookupByOs(c.RECOMMENDED_VERSIONS, record.os) ??
        lookupByOs(c.REQUIRED_VERSIONS, record.os);
      if (suggested !== undefined) {
        lines.unshift(`Suggested version: ${suggested}`);
        status = checkInstalledVersion(record.os, version, c) ?? "unknown";
      }
    }
    if (lines.length > 0) attrs.details = lines.join("\n");
    return [status, attrs];
  }

  return (record) => {
    let status = override(record);
    let attrs: PracticeData = {};
    const software = record.software;
    if (status === null && software) {
      const seen = software.last_scan_date ?? record.last_sync;
      if (seen !== null && seen !== undefined) attrs.last_updated = seen;
      const installed = new Map(software.installed.map((e) => [e.name, e]));
      const services = new Map((software.services ?? []).map((e) => [e.name, e]));
      let best: [Status, PracticeData] | undefined;
      const consider = (entry: Partial<SoftwareEntry> | undefined) => {
        if (entry === undefined) return;
        const candidate = judge(record, entry);
        if (best === undefined || SOFTWARE_RANK[candidate[0]] > SOFTWARE_RANK[best[0]]) {
          best = candidate;
        }
      };
      for (const name of softwareNames) consider(installed.get(name));
      for (const name of serviceNames) consider(services.get(name));
      if (best !== undefined) {
        status = best[0];
        attrs = { ...attrs, ...best[1] };
      }
    }
    return inject(record, status ?? ifMissing, attrs);
  };
}
