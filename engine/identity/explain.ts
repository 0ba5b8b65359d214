/**
 * Why records were merged into one device, or kept apart — the operator's answer to "why are my
 * two laptops shown as one?" (`main.ts explain`).
 *
 * @module
 */
import {
  groupRecords,
  type IdentifierClash,
  identifierClash,
  MAC_KEY,
  sharedIdentifiers,
} from "./group.ts";
import { type MacFilterReason, macFilterReason } from "./identifiers.ts";
import { mergeGroup } from "./merge.ts";
import type { DeviceRecord, IdentifierConflict } from "../core/types.ts";
import { UnionFind } from "../../lib/union_find.ts";

/** One input record, by its index in the input. */
export interface ExplainedRecord {
  index: number;
  source: string;
  /** Name and serial, as far as known. */
  label: string;
}

/** Two records joined because they share `key` = `value`. */
export interface GroupLink {
  a: number;
  b: number;
  key: string;
  value: string;
}

/** A MAC ignored for matching because it does not identify one device. */
export interface FilteredMac {
  record: number;
  mac: string;
  reason: MacFilterReason;
}

/** Two records that share an identifier but disagree on a single-valued one. */
export interface KeptApart {
  a: number;
  b: number;
  key: string;
  value: string;
  clash: IdentifierClash;
  /** Whether other records still connect them into one device. */
  sameDevice: boolean;
}

/** One merged device and how it came about. */
export interface ExplainedDevice {
  name: string;
  sources: string[];
  records: ExplainedRecord[];
  /** A minimal set of links connecting the records (empty for a single record). */
  links: GroupLink[];
  /** Identifier conflicts resolved in favour of the newest record. */
  conflicts: IdentifierConflict[];
}

/** The explanation of a grouping. */
export interface Explanation {
  devices: ExplainedDevice[];
  filteredMacs: FilteredMac[];
  keptApart: KeptApart[];
}

function label(r: DeviceRecord): string {
  const serial = r.identifiers?.serial ?? r.serial;
  const parts = [r.name ?? r.friendly_name ?? r.model ?? "(no name)"];
  if (serial) parts.push(`serial ${serial}`);
  return parts.join(", ");
}

/**
 * Explains how `records` group into devices: the identifier links that joined each device's
 * records, the MACs ignored, and the pairs kept apart by a conflicting identifier.
 *
 * @param records the records of one person (as `engine.records()` returns them)
 * @returns the explanation; indexes refer to `records`
 */
export function explainGrouping(records: DeviceRecord[]): Explanation {
  const groups = groupRecords(records);
  const groupOf = new Int32Array(records.length);
  groups.forEach((g, n) => g.forEach((i) => (groupOf[i] = n)));
  const joined = new UnionFind(records.length);
  const links: GroupLink[][] = groups.map(() => []);
  const keptApart: KeptApart[] = [];
  const reported = new Set<string>();
  for (const { key, value, members } of sharedIdentifiers(records)) {
    for (let x = 0; x < members.length; x++) {
      for (let y = x + 1; y < members.length; y++) {
        const a = members[x]!;
        const b = members[y]!;
        const clash = identifierClash(records[a]!.identifiers, records[b]!.identifiers);
        if (clash) {
          if (reported.has(`${a},${b}`)) continue;
          reported.add(`${a},${b}`);
          keptApart.push({ a, b, key, value, clash, sameDevice: groupOf[a] === groupOf[b] });
          continue;
        }
        if (!joined.union(a, b)) continue;
        links[groupOf[a]!]!.push({ a, b, key, value });
      }
    }
  }
  const filteredMacs: FilteredMac[] = [];
  records.forEach((r, index) => {
    for (const mac of r.identifiers?.[MAC_KEY] ?? []) {
      const reason = macFilterReason(mac);
      if (reason) filteredMacs.push({ record: index, mac, reason });
    }
  });
  const devices = groups.map((g, n): ExplainedDevice => {
    const merged = mergeGroup(g.map((i) => records[i]!));
    return {
      name: merged.name ?? merged.identifiers.serial ?? merged.serial ?? merged.model ??
        `device ${n + 1}`,
      sources: merged.sources,
      records: g.map((i) => ({ index: i, source: records[i]!.source, label: label(records[i]!) })),
      links: links[n]!,
      conflicts: merged.conflicts ?? [],
    };
  });
  return { devices, filteredMacs, keptApart };
}

/**
 * The explanation as plain text lines (records numbered from 1, as `#1`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const text = formatExplanation(explainGrouping([
 *   { source: "jamf", name: "fry-mbp", identifiers: { serial: "C02X" } },
 *   { source: "bitfit", name: "asset 42", identifiers: { serial: "C02X" } },
 * ]));
 * assert.deepEqual(text.split("\n"), [
 *   "Device 1: asset 42 (2 records from jamf, bitfit)",
 *   "  #1 jamf: fry-mbp, serial C02X",
 *   "  #2 bitfit: asset 42, serial C02X",
 *   "  #1 and #2 grouped: same serial C02X",
 * ]);
 * ```
 */
export function formatExplanation(e: Explanation): string {
  const lines: string[] = [];
  const ref = (i: number) => `#${i + 1}`;
  e.devices.forEach((d, n) => {
    const count = d.records.length === 1 ? "1 record" : `${d.records.length} records`;
    lines.push(`Device ${n + 1}: ${d.name} (${count} from ${d.sources.join(", ")})`);
    for (const r of d.records) lines.push(`  ${ref(r.index)} ${r.source}: ${r.label}`);
    for (const l of d.links) {
      lines.push(`  ${ref(l.a)} and ${ref(l.b)} grouped: same ${l.key} ${l.value}`);
    }
    for (const c of d.conflicts) {
      lines.push(
        `  conflicting ${c.key}: kept ${c.kept} (newest record), dropped ${c.dropped} from ${c.source}`,
      );
    }
  });
  if (e.filteredMacs.length > 0) lines.push("MACs not used for matching:");
  for (const f of e.filteredMacs) lines.push(`  ${ref(f.record)} ${f.mac}: ${f.reason}`);
  if (e.keptApart.length > 0) lines.push("Shared an identifier but kept apart:");
  for (const k of e.keptApart) {
    const tail = k.sameDevice ? " (still one device through other records)" : "";
    lines.push(
      `  ${ref(k.a)} and ${ref(k.b)} share ${k.key} ${k.value} but differ in ${k.clash.key}: ` +
        `${k.clash.a} vs ${k.clash.b}${tail}`,
    );
  }
  return lines.join("\n");
}
