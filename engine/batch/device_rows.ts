/**
 * The devices behind the Dashboard's numbers (issue 26 drill-down): one row per device of a batch
 * run, written to the store as the run's results arrive, built from the very devices the run
 * counts (`addOutcome`), so a list filtered like a Dashboard number has exactly that many rows.
 * The row of one device, the filter semantics both stores follow, and the writer the batch hands
 * each person's result to; the row's type and the port the stores implement (`DeviceRow`,
 * `DeviceRowStore`) are `engine/core/store_ports.ts`.
 *
 * @module
 */
import type { PersonOutcome } from "./batch.ts";
import { ratingKey } from "./batch_stats.ts";
import type { DeviceRow, DeviceRowQuery, PracticeShare, Store } from "../core/store_ports.ts";
import { severityOfStatus } from "../core/severity.ts";
import type { MergedDevice } from "../core/types.ts";
import { deviceKey } from "../identity/device_key.ts";
import { foldEmail } from "../identity/emails.ts";
import { createBatchedWriter } from "../../lib/batched_writer.ts";

/** The sort key of a device with nothing overdue: after every date (the year 287 396). */
export const NOT_OVERDUE = 8_640_000_000_000_000;

/** The share a practice counts under (as `addOutcome` counts it). */
export function practiceShare(p: { status?: string; exempt?: unknown }): PracticeShare {
  if (p.exempt) return "exempt";
  const s = severityOfStatus(p.status ?? "unknown");
  return s ?? "unknown";
}

/**
 * Whether a row matches a query's filters: the one definition both stores implement (and the
 * contract test checks them against).
 */
export function rowMatches(row: DeviceRow, q: Omit<DeviceRowQuery, "offset" | "limit">): boolean {
  if (row.run !== q.run) return false;
  if (q.rating !== undefined && row.rating !== q.rating) return false;
  if (q.platform !== undefined && row.platform !== q.platform) return false;
  if (q.source !== undefined && !row.sources.includes(q.source)) return false;
  if (q.practice !== undefined) {
    const share = row.practices[q.practice];
    if (share === undefined) return false;
    if (q.status === undefined) return share !== "na";
    if (q.status === "failing") return share === "critical" || share === "suggested";
    return share === q.status;
  }
  return true;
}

/** The search keys of a term: folded email, upper-case serial, lower-case host, canonical MAC. */
export function searchKeys(
  term: string,
): { email: string; serial: string; host: string; mac: string } {
  const t = term.trim();
  const hex = t.toLowerCase().replace(/[^0-9a-f]/g, "");
  return {
    email: foldEmail(t),
    serial: t.toUpperCase(),
    host: t.toLowerCase(),
    mac: hex.length === 12 ? hex.match(/../g)!.join(":") : "",
  };
}

/** Canonical MAC spelling of the rows (lower case, colons), as {@link searchKeys} looks them up. */
function macOf(mac: string): string {
  const hex = mac.toLowerCase().replace(/[^0-9a-f]/g, "");
  return hex.length === 12 ? hex.match(/../g)!.join(":") : mac.toLowerCase();
}

/**
 * The row of one device of a run, its failing-since and deadline copied from the device's
 * practices as the person's view gave them (the earliest of its failing practices).
 *
 * @param run the batch run's id
 * @param seq the device's place in the run
 * @param email its owner as looked up
 * @param d the device as the run counted it
 * @returns the row
 */
export function deviceRow(run: string, seq: number, email: string, d: MergedDevice): DeviceRow {
  const practices: Record<string, PracticeShare> = {};
  for (const [key, p] of Object.entries(d.practices)) practices[key] = practiceShare(p);
  const serial = d.identifiers.serial?.toUpperCase();
  const hostname = d.name?.toLowerCase();
  const macs = (d.identifiers.mac_addresses ?? []).map(macOf);
  const os = [d.os, d.os_version].filter(Boolean).join(" ");
  const device = deviceKey(d);
  return {
    run,
    seq,
    email: foldEmail(email),
    title: d.friendly_name ?? d.model ?? d.manufacturer ?? "Unknown device",
    ident: d.name ?? d.identifiers.serial ?? macs.join(" "),
    ...(device ? { device } : {}),
    ...(serial ? { serial } : {}),
    ...(hostname ? { hostname } : {}),
    macs,
    platform: d.platform ?? d.os ?? "unknown",
    ...(os ? { os } : {}),
    sources: [...new Set(d.sources)],
    rating: ratingKey(d),
    practices,
    ...(d.last_sync ? { lastSeen: d.last_sync } : {}),
    ...history(d),
  };
}

/** Writes a run's device rows; see {@link createDeviceRowWriter}. */
export interface DeviceRowWriter {
  /**
   * Queues one person's devices; resolves at once, or — while a full batch already waits behind
   * the write in progress — once that write is done, so a store slower than the run holds the
   * run back instead of its memory growing (issue 25). Never rejects.
   */
  add(outcome: Pick<PersonOutcome, "email" | "devices">): Promise<void>;
  /** Writes everything queued; resolves when done (errors go to `onError`). */
  flush(): Promise<void>;
}

/**
 * The batch's device-row step: rows are queued and written `batchSize` at a time, one write at a
 * time, at most one full batch waiting behind it (`lib/batched_writer.ts`): a run holds at most
 * three batches of rows (the write, the one waiting, the one filling) plus the devices of the
 * people in flight. Each row's failing-since and deadline are the ones the person's view gave the
 * device ({@link deviceRow}).
 *
 * @param store where rows are written
 * @param options the run, rows per write (default 250: 1000 blocked the run's thread for 25–100
 *   ms in SQLite), and where failures are told (a failed write loses those rows from the lists
 *   and is logged there)
 * @returns the writer; `flush()` it before the run's summary is saved
 */
export function createDeviceRowWriter(
  store: Pick<Store, "deviceRows">,
  options: { run: string; batchSize?: number; onError?: (error: unknown) => void },
): DeviceRowWriter {
  let seq = 0;
  const writer = createBatchedWriter(
    (batch: DeviceRow[]) => store.deviceRows.putDeviceRows(batch),
    {
      batchSize: options.batchSize ?? 250,
      ...(options.onError ? { onError: options.onError } : {}),
    },
  );
  return {
    add(outcome) {
      return writer.add(
        outcome.devices.map((d) => deviceRow(options.run, seq++, outcome.email, d)),
      );
    },
    flush: () => writer.flush(),
  };
}

/**
 * The earliest failing-since and deadline among a device's failing practices (not exempt), as
 * the person's view gave them (`personView()` with `grace: false`: each failing practice's
 * `since`, and its `deadline` when the practice has `GRACE_DAYS`, exemptions' pauses counted).
 */
function history(d: MergedDevice): Pick<DeviceRow, "failingSince" | "deadline" | "overdueAt"> {
  let since: number | undefined;
  let deadline: number | undefined;
  for (const p of Object.values(d.practices)) {
    const share = practiceShare(p);
    if (share !== "critical" && share !== "suggested") continue;
    const at = p.since?.getTime();
    if (at !== undefined) since = since === undefined ? at : Math.min(since, at);
    const due = p.deadline?.getTime();
    if (due !== undefined) deadline = deadline === undefined ? due : Math.min(deadline, due);
  }
  return {
    ...(since !== undefined ? { failingSince: new Date(since) } : {}),
    ...(deadline !== undefined ? { deadline: new Date(deadline) } : {}),
    overdueAt: deadline ?? since ?? NOT_OVERDUE,
  };
}
