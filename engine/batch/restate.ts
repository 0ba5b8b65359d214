/**
 * A person's part of the latest batch run, restated after an exemption is granted or revoked
 * (issue 26): the Dashboard's numbers, its lists and their CSV come from the run's summary and
 * device rows, which otherwise kept the person's devices as the run counted them until the next
 * run. The person is evaluated again through the one pipeline (`personView()`, statuses as
 * evaluated, as the batch does); each of their rows in the run is rewritten, and the run's counts
 * move by the difference between the old rows and the new ones.
 *
 * @module
 */
import { deviceRow } from "./device_rows.ts";
import type { BatchRunSummary, DeviceRow, PracticeShare, Store } from "../core/store_ports.ts";
import type { MergedDevice, Status } from "../core/types.ts";
import { foldEmail } from "../identity/emails.ts";

/** What a row's practice share was counted as in the run's `practices` (`addOutcome()`). */
const STATUS_OF: Readonly<Record<PracticeShare, Status | "exempt">> = {
  critical: "warn",
  suggested: "nudge",
  ok: "ok",
  unknown: "unknown",
  na: "na",
  exempt: "exempt",
};

/**
 * The device a row is of, to pair a re-evaluated device with its row: its stable key, else (a row
 * written before rows kept it) its serial, host name, or MACs and identifier.
 */
function rowKey(r: Pick<DeviceRow, "device" | "serial" | "hostname" | "macs" | "ident">): string {
  return r.device
    ? `d:${r.device}`
    : r.serial
    ? `s:${r.serial}`
    : r.hostname
    ? `h:${r.hostname}`
    : `m:${r.macs.join(",")}|${r.ident}`;
}

/** The keys that name exactly one of `items` (a key two share pairs nothing). */
function uniqueKeys<T>(items: readonly T[], key: (item: T) => string): Map<string, T> {
  const seen = new Map<string, T | null>();
  for (const item of items) {
    const k = key(item);
    seen.set(k, seen.has(k) ? null : item);
  }
  return new Map([...seen].filter((e): e is [string, T] => e[1] !== null));
}

function bump(map: Record<string, number>, key: string, by: number): void {
  const n = (map[key] ?? 0) + by;
  if (n === 0) delete map[key];
  else map[key] = n;
}

/** Moves a run's counts by one row: `by` 1 adds it, -1 takes it away (as `addOutcome()` counts). */
function count(run: BatchRunSummary, row: DeviceRow, by: 1 | -1): void {
  bump(run.ratings, row.rating, by);
  bump(run.byPlatform[row.platform] ??= {}, row.rating, by);
  for (const s of new Set(row.sources)) bump(run.bySource[s] ??= {}, row.rating, by);
  for (const [key, share] of Object.entries(row.practices)) {
    bump(run.practices[key] ??= {}, STATUS_OF[share], by);
  }
}

/**
 * Rewrites a person's rows of the latest batch run from their devices evaluated now, and moves the
 * run's counts by the difference. Devices are paired with rows by their stable key
 * (`deviceKey()`; in older rows serial, else host name, else MACs): a device the run did not count
 * gets no row, a row whose device is gone is left as it is (the run counted it; the next run
 * settles both), and so are rows and devices whose key is not theirs alone (two phones with no
 * identifier at all), rather than one device's state written over another's row. Nothing happens without a run or when the run
 * did not count the person. Two restatements of one run at the same moment may lose one's count
 * change (read, change, save); the next run's counts are whole again.
 *
 * @param store where runs and rows live
 * @param email the person (any letter case)
 * @param devices the person's devices evaluated now with statuses as evaluated (`grace: false`,
 *   exemptions applied, failing-since and deadlines from the history), as the batch counts them
 *   (`Engine.viewOf(…, { grace: false })`); the rows copy their failing-since and deadline
 * @returns how many rows were rewritten
 * @throws what the store throws (the caller logs it: the exemption itself is saved already)
 */
export async function restatePerson(
  store: Pick<Store, "batchRuns" | "deviceRows">,
  email: string,
  devices: readonly MergedDevice[],
): Promise<number> {
  const [run] = await store.batchRuns.batchRuns(1);
  if (run === undefined) return 0;
  const who = foldEmail(email);
  const old = (await store.deviceRows.findDeviceRows(run.id, who, 10_000))
    .filter((r) => r.email === who);
  const rowsByKey = uniqueKeys(old, rowKey);
  const pairs: [DeviceRow, MergedDevice][] = [];
  for (const [key, d] of uniqueKeys(devices, (d) => rowKey(deviceRow(run.id, 0, who, d)))) {
    const was = rowsByKey.get(key);
    if (was !== undefined) pairs.push([was, d]);
  }
  if (pairs.length === 0) return 0;
  const rows = pairs.map(([was, d]) => deviceRow(run.id, was.seq, who, d));
  const next = structuredClone(run);
  for (const [was] of pairs) count(next, was, -1);
  for (const r of rows) count(next, r, 1);
  await store.deviceRows.putDeviceRows(rows);
  await store.batchRuns.saveBatchRun(next);
  return rows.length;
}
