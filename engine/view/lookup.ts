/**
 * The staged lookup (spec §6.1): ownership records seed serial and MAC lookups on the
 * device sources, while the email lookups already run. Every call runs under its plugin's
 * deadline; not-found is an empty list and any other failure is reported, never thrown.
 *
 * @module
 */
import { callWithDeadline, describeError, listOfObjects, type Outcome } from "./deadline.ts";
import { canonicalMac, filterMacs, isValidMac } from "../identity/identifiers.ts";
import type {
  CallOptions,
  DeviceSource,
  OwnershipSource,
  PluginBase,
  SkippedCount,
} from "../core/ports.ts";
import { foldEmail } from "../identity/emails.ts";
import type { Collected, DeviceRecord, SourceError } from "../core/types.ts";
import { addGaps, type OnCall, type SourceGap, unreadGaps } from "./gaps.ts";

/** What the staged lookup needs. */
export interface StagedLookupParts {
  deviceSources: DeviceSource[];
  ownershipSources: OwnershipSource[];
  /** Device transforms, applied to the ownership records before their identifiers are used. */
  transform: (records: DeviceRecord[]) => DeviceRecord[];
  signal?: AbortSignal;
  /** Told about every source call once it settles, with the gaps of its answer (metrics). */
  onCall?: OnCall;
  /**
   * Where each successful answer enters the engine (ownership guard, OS names): returns the
   * records to keep, in order. Default: every record as answered.
   */
  admit?: (
    answer: { source: string; operation: string; records: DeviceRecord[] },
  ) => DeviceRecord[];
}

type Method = "devicesByEmail" | "devicesBySerial" | "devicesByMac";

/**
 * Gathers every record for a person. The result lists ownership records (transformed), then records
 * found by email, by serial and by MAC, each in source order; duplicates are expected and merged
 * later. Errors are listed in the same order; the gaps the sources reported (records skipped,
 * truncated, read in part) are counted per source, kind and reason in `gaps` (absent when none).
 *
 * @param email the person
 * @param parts sources, the device transform and an optional abort signal
 * @returns the records and one error per failed call
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const record = (source: string) => ({ source, identifiers: { serial: "C02X" } });
 * const bitfit = {
 *   name: "bitfit", timeoutMs: 1000, ownedDevicesByEmail: async () => [record("bitfit")],
 * };
 * const jamf = { name: "jamf", timeoutMs: 1000,
 *   devicesByEmail: () => Promise.reject(new Error("HTTP 500")),
 *   devicesBySerial: () => Promise.resolve([record("jamf")]) };
 * const { items, errors } = await stagedLookup("fry@example.com", {
 *   deviceSources: [jamf], ownershipSources: [bitfit], transform: (r) => r,
 * });
 * assert.deepEqual(items.map((r) => r.source), ["bitfit", "jamf"]); // jamf found it by serial
 * assert.deepEqual(errors.map((e) => e.message), ["HTTP 500"]);
 * ```
 */
export async function stagedLookup(
  email: string,
  parts: StagedLookupParts,
): Promise<Collected<DeviceRecord>> {
  const parent = parts.signal ? { parent: parts.signal } : {};
  const guard = <P extends Pick<PluginBase, "name" | "timeoutMs" | "skippedRecords">>(
    plugin: P,
    operation: string,
    call: (o: CallOptions) => Promise<DeviceRecord[]>,
  ) => {
    const started = performance.now();
    return callWithDeadline(plugin, operation, call, {
      empty: [] as DeviceRecord[],
      check: deviceRecords,
      ...parent,
    }).then((got) => {
      const seconds = (performance.now() - started) / 1000;
      const out = admitted(plugin.name, operation, got);
      if (out.ok && (operation === "devicesByEmail" || operation === "ownedDevicesByEmail")) {
        const named = skippedFor(plugin, email, out.gaps ?? []);
        if (named.length > 0) out.gaps = addGaps([...out.gaps ?? []], named);
      }
      parts.onCall?.(plugin.name, seconds, out.ok ? undefined : out.error, out.gaps ?? []);
      return out;
    });
  };
  /**
   * The records the engine keeps of an answer, or of the part a failed source could read
   * (`PartialAnswerError`: kept beside its error); those kept with unread fields are gaps too.
   */
  const admitted = (
    source: string,
    operation: string,
    out: Outcome<DeviceRecord[]>,
  ): Outcome<DeviceRecord[]> => {
    const answered = out.ok ? out.value : out.partial;
    if (answered === undefined) return out;
    const records = parts.admit === undefined
      ? answered
      : parts.admit({ source, operation, records: answered });
    const unread = unreadGaps(records);
    const gaps = unread.length === 0 ? {} : { gaps: addGaps([...out.gaps ?? []], unread) };
    return out.ok ? { ...out, value: records, ...gaps } : { ...out, partial: records, ...gaps };
  };
  const ask = (method: Method, value: string) =>
    parts.deviceSources.flatMap((s) => {
      const fn = s[method];
      return fn ? [guard(s, method, (o) => fn.call(s, value, o))] : [];
    });

  const ownershipCalls = Promise.all(
    parts.ownershipSources.map((s) =>
      guard(s, "ownedDevicesByEmail", (o) => s.ownedDevicesByEmail(email, o))
    ),
  );
  const emailCalls = Promise.all(ask("devicesByEmail", email));

  const errors: SourceError[] = [];
  const gaps: SourceGap[] = [];
  let owned = collect(await ownershipCalls, errors, gaps);
  try {
    owned = parts.transform(owned);
  } catch (error: unknown) {
    errors.push({
      source: "transform",
      operation: "transformDevices",
      kind: "error",
      message: describeError(error),
    });
  }
  const { serials, macs } = seeds(owned);
  const serialCalls = Promise.all(serials.flatMap((v) => ask("devicesBySerial", v)));
  const macCalls = Promise.all(macs.flatMap((v) => ask("devicesByMac", v)));
  const [byEmail, bySerial, byMac] = await Promise.all([emailCalls, serialCalls, macCalls]);
  const items = [
    ...owned,
    ...collect(byEmail, errors, gaps),
    ...collect(bySerial, errors, gaps),
    ...collect(byMac, errors, gaps),
  ];
  return gaps.length > 0 ? { items, errors, gaps } : { items, errors };
}

/**
 * The records a source skipped that name `email` as their owner (`PluginBase.skippedRecords()`,
 * `byOwner`), as `skipped` gaps of that person's lookup — unless the call already reported a
 * skipped gap of that reason itself.
 */
function skippedFor(
  plugin: Pick<PluginBase, "name" | "skippedRecords">,
  email: string,
  reported: readonly SourceGap[],
): SourceGap[] {
  let counts: SkippedCount[] = [];
  try {
    counts = plugin.skippedRecords?.() ?? [];
  } catch {
    return []; // a tally that throws names nothing; the answer stands
  }
  const key = foldEmail(email);
  const out: SourceGap[] = [];
  for (const c of counts) {
    const count = c.byOwner?.[key] ?? 0;
    if (count <= 0) continue;
    if (reported.some((g) => g.kind === "skipped" && g.reason === c.reason)) continue;
    out.push({ source: plugin.name, kind: "skipped", reason: c.reason, words: c.label, count });
  }
  return out;
}

/** The distinct serials and unique canonical MACs of the ownership records, in first-seen order. */
export function seeds(records: readonly DeviceRecord[]): { serials: string[]; macs: string[] } {
  const serials = new Set<string>();
  const macs = new Set<string>();
  for (const r of records) {
    const serial = r.identifiers?.serial;
    if (typeof serial === "string" && serial !== "") serials.add(serial);
    for (const mac of r.identifiers?.mac_addresses ?? []) {
      if (typeof mac === "string" && isValidMac(mac)) macs.add(canonicalMac(mac));
    }
  }
  return { serials: [...serials], macs: filterMacs([...macs]) };
}

function collect(
  outcomes: Outcome<DeviceRecord[]>[],
  errors: SourceError[],
  gaps: SourceGap[],
): DeviceRecord[] {
  const items: DeviceRecord[] = [];
  for (const out of outcomes) {
    if (out.gaps) addGaps(gaps, out.gaps);
    if (out.ok) items.push(...out.value);
    else {
      errors.push(out.error);
      if (out.partial !== undefined) items.push(...out.partial);
    }
  }
  return items;
}

/**
 * Checks a source's answer: a list of records, each naming its source.
 *
 * @throws {TypeError} naming what was wrong, so the source is reported, not trusted
 */
export function deviceRecords(value: unknown): DeviceRecord[] {
  const list = listOfObjects<DeviceRecord>(value);
  const bad = list.findIndex((r) => typeof r.source !== "string" || r.source === "");
  if (bad !== -1) throw new TypeError(`answered a record without a source at position ${bad}`);
  return list;
}
