/**
 * Merging the records of one physical device into the device a person sees (spec §6.3), with
 * decisions 17 (a conflict never throws: the newest record's value wins and the conflict is kept)
 * and 22 (each source listed once). Inputs are never changed; the merged device shares nested
 * values (practice readings, software lists, dates) with its records, so treat both as read-only
 * (`applyPractices()` gives every evaluation run fresh practice objects).
 *
 * @module
 */
import { groupRecords } from "./group.ts";
import type {
  DeviceRecord,
  IdentifierConflict,
  Identifiers,
  MergedDevice,
  PracticeData,
} from "../core/types.ts";

/** The keys a merged device builds itself rather than copying from a record. */
function isOwnKey(k: string): boolean {
  // compared one by one: property names are interned strings, so each test is a pointer compare
  return k === "practices" || k === "identifiers" || k === "source" || k === "_raw" ||
    k === "unread";
}

/**
 * A timestamp as milliseconds for ordering: `null`, missing or invalid dates are the oldest.
 * ISO strings (records not yet revived from JSON) are accepted too.
 */
export function timeOf(value: unknown): number {
  let t = Number.NaN;
  if (value instanceof Date) t = value.getTime();
  else if (typeof value === "string") t = Date.parse(value);
  return Number.isNaN(t) ? -Infinity : t;
}

/**
 * Groups records that describe the same device and merges each group.
 *
 * @param records evaluated source records (not changed)
 * @returns one merged device per group, in the order of each group's first record
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const bitfitRecord = { source: "bitfit", name: "asset 42", identifiers: { serial: "C02X" } };
 * const jamfRecord = { source: "jamf", name: "fry-mbp", identifiers: { serial: "C02X" } };
 * const devices = mergeDevices([bitfitRecord, jamfRecord, jamfRecord]);
 * assert.equal(devices.length, 1);
 * assert.deepEqual(devices[0]?.sources, ["bitfit", "jamf"]);
 * ```
 */
export function mergeDevices(records: DeviceRecord[]): MergedDevice[] {
  return groupRecords(records).map((group) => mergeGroup(group.map((i) => records[i]!)));
}

/**
 * {@link mergeDevices} of records whose practices were evaluated apart (`practicesOf()`): the same
 * devices as `mergeDevices(records.map((r, i) => ({ ...r, practices: practices[i] })))`, without
 * those copies. A device of one record (most of them) takes its practices object as it is, so each
 * `practices[i]` must be new and owned by the caller; a record with `_raw` or one of several in a
 * group is copied with its practices, as before. Written so because a page view merged every
 * record after copying it twice and its practices once more (issue 24: practices and merge of
 * user@example.com's 8 records ~18.8 → ~17.3 µs, of the demo people's on average ~9.2 → ~8.3 µs).
 *
 * @param records source records (not changed), identifiers as evaluated
 * @param practices per record, its evaluated practices (`practicesOf()`), taken over
 * @returns one merged device per group, in the order of each group's first record
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const records = [
 *   { source: "jamf", name: "fry-mbp", identifiers: { serial: "C02X" } },
 *   { source: "bitfit", identifiers: { serial: "C02X" } },
 * ];
 * const [mac] = mergeJudged(records, [{ firewall: { status: "ok" } }, {}]);
 * assert.deepEqual(mac?.sources, ["jamf", "bitfit"]);
 * assert.equal(mac?.practices.firewall?.status, "ok");
 * ```
 */
export function mergeJudged(
  records: readonly DeviceRecord[],
  practices: readonly Record<string, PracticeData>[],
): MergedDevice[] {
  const groups = groupRecords(records);
  const out: MergedDevice[] = new Array(groups.length);
  for (let g = 0; g < groups.length; g++) {
    const group = groups[g]!;
    const first = group[0]!;
    const r = records[first]!;
    if (group.length === 1 && r._raw === undefined) {
      out[g] = single(r, practices[first]!);
    } else {
      out[g] = mergeGroup(group.map((i) => ({ ...records[i]!, practices: practices[i]! })));
    }
  }
  return out;
}

/**
 * Merges one group of records (in group order) into a device: practices by newest
 * `last_updated` (ties: the earlier record), other fields from the most recently synced record
 * that has them, identifiers unioned with conflicts resolved in favour of the newest record.
 */
export function mergeGroup(group: readonly DeviceRecord[]): MergedDevice {
  if (group.length === 1) return single(group[0]!, { ...group[0]!.practices });
  const times = group.map((r) => timeOf(r.last_sync));
  const bySync = group.map((_, i) => i).sort((a, b) => times[a]! - times[b]!);
  const out: Record<string, unknown> = {};
  for (const i of bySync) {
    const r = group[i] as unknown as Record<string, unknown>;
    for (const k in r) {
      if (isOwnKey(k)) continue;
      const v = r[k];
      if (v !== undefined) out[k] = v;
    }
  }
  const sources: string[] = [];
  for (const r of group) if (!sources.includes(r.source)) sources.push(r.source);
  out.sources = sources;
  out.practices = mergePractices(group);
  const { identifiers, conflicts } = mergeIdentifiers(group, bySync);
  out.identifiers = identifiers;
  if (conflicts.length > 0) out.conflicts = conflicts;
  const unread = group.flatMap((r) => r.unread ?? []);
  if (unread.length > 0) out.unread = unread;
  if (group.some((r) => r._raw !== undefined)) out._raw = [...group];
  return out as unknown as MergedDevice;
}

/**
 * A group of one record: the same result as the general case, without the bookkeeping.
 * `practices` (the record's, copied or evaluated apart) is taken over as the device's.
 */
function single(r: DeviceRecord, practices: Record<string, PracticeData>): MergedDevice {
  const out: Record<string, unknown> = {};
  const rec = r as unknown as Record<string, unknown>;
  for (const k in rec) {
    if (isOwnKey(k)) continue;
    const v = rec[k];
    if (v !== undefined) out[k] = v;
  }
  out.sources = [r.source];
  out.practices = practices;
  const identifiers: Record<string, unknown> = {};
  const ids = r.identifiers as Record<string, unknown> | undefined;
  for (const k in ids) {
    const v = ids[k];
    if (typeof v === "string") identifiers[k] = v;
    else if (Array.isArray(v)) identifiers[k] = uniqueStrings(v);
  }
  out.identifiers = identifiers;
  if (r.unread !== undefined && r.unread.length > 0) out.unread = [...r.unread];
  if (r._raw !== undefined) out._raw = [r];
  return out as unknown as MergedDevice;
}

/** The strings of a list, each once, in order (a short list is searched; a long one uses a Set). */
function uniqueStrings(list: readonly unknown[]): string[] {
  if (list.length > 16) return [...new Set(list.filter((e) => typeof e === "string"))];
  const out: string[] = [];
  for (const e of list) if (typeof e === "string" && !out.includes(e)) out.push(e);
  return out;
}

function mergePractices(group: readonly DeviceRecord[]): Record<string, PracticeData> {
  const best = new Map<string, { pd: PracticeData; t: number }>();
  for (const r of group) {
    if (!r.practices) continue;
    for (const k in r.practices) {
      const pd = r.practices[k];
      if (pd === undefined) continue;
      const t = timeOf(pd.last_updated);
      const seen = best.get(k);
      if (seen === undefined || t > seen.t) best.set(k, { pd, t });
    }
  }
  const out: Record<string, PracticeData> = {};
  for (const [k, { pd }] of best) out[k] = pd;
  return out;
}

/**
 * Unions the identifiers of a group. Lists are unioned in group order; for a single-valued key the
 * value of the most recently synced record wins and every other value becomes a conflict.
 *
 * @param group the records, in group order
 * @param bySync indexes into `group`, oldest sync first
 */
export function mergeIdentifiers(
  group: readonly DeviceRecord[],
  bySync: readonly number[],
): { identifiers: Identifiers; conflicts: IdentifierConflict[] } {
  const lists = new Map<string, string[]>();
  for (const r of group) {
    const ids = r.identifiers as Record<string, unknown> | undefined;
    for (const k in ids) {
      const v = ids[k];
      if (!Array.isArray(v)) continue;
      let acc = lists.get(k);
      if (acc === undefined) lists.set(k, acc = []);
      for (const e of v) if (typeof e === "string" && !acc.includes(e)) acc.push(e);
    }
  }
  // Newest first: the first string seen for a key is kept; lists win only when newest.
  const kept = new Map<string, string | string[]>();
  const dropped = new Map<string, IdentifierConflict>();
  for (let n = bySync.length - 1; n >= 0; n--) {
    const r = group[bySync[n]!]!;
    const ids = r.identifiers as Record<string, unknown> | undefined;
    for (const k in ids) {
      const v = ids[k];
      const value = typeof v === "string" ? v : Array.isArray(v) ? lists.get(k)! : undefined;
      if (value === undefined) continue;
      const current = kept.get(k);
      if (current === undefined) {
        kept.set(k, value);
      } else if (current !== value && (typeof current === "string" || typeof value === "string")) {
        const d = typeof value === "string" ? value : value.join(", ");
        const id = k + "\u0000" + d;
        if (!dropped.has(id)) {
          const keptText = typeof current === "string" ? current : current.join(", ");
          dropped.set(id, {
            key: k as keyof Identifiers,
            kept: keptText,
            dropped: d,
            source: r.source,
          });
        }
      }
    }
  }
  const identifiers: Record<string, string | string[]> = {};
  for (const [k, v] of kept) identifiers[k] = v;
  return { identifiers: identifiers as Identifiers, conflicts: [...dropped.values()] };
}
