/**
 * Per-person snapshots (issue 13): what the inventories said about one person — merged devices,
 * accounts, sign-in events and the sources that failed — and when they said it. Kept in the store
 * so a page within the freshness window is served without asking any inventory; written by page
 * lookups and by batch runs.
 *
 * @module
 */
import type { AccessEvent, Account, Collected, DeviceRecord, SourceError } from "../core/types.ts";

/** What the inventories said about one person at `collectedAt`. */
export interface PersonSnapshot {
  /** The person (the store keys it case-insensitively). */
  email: string;
  /** When the lookup that produced it finished. */
  collectedAt: Date;
  /**
   * The records the inventories answered (the staged lookup, transforms applied), before
   * practices and merging: a view evaluates them with the practices and release data of the
   * moment, so a snapshot never shows an outdated verdict, and stays small.
   */
  devices: Collected<DeviceRecord>;
  /** `null` when the lookup did not ask account sources (batch runs). */
  accounts: Collected<Account> | null;
  /** `null` when the lookup did not ask event sources (batch runs). */
  events: Collected<AccessEvent> | null;
  /**
   * The last refresh that went worse than this snapshot (a source that answered before failed),
   * so its data was kept: when it was tried and what failed.
   */
  failedRefresh?: { at: Date; errors: SourceError[] };
}

/** A snapshot as read back, with when the person was last seen (viewed or looked up). */
export interface StoredSnapshot extends PersonSnapshot {
  seenAt: Date;
}

/**
 * What identifies a stored snapshot without decoding it: `version` is equal for two reads exactly
 * when the snapshot's content is (any text that changes with it, e.g. its stored body).
 */
export interface SnapshotStamp {
  collectedAt: Date;
  seenAt: Date;
  version: string;
  /**
   * The snapshot this stamp was read with, decoded only when called (throws `SyntaxError` as
   * `snapshot()` does), so one request reads a person's snapshot once. Optional: without it the
   * snapshot is read again with `snapshot()`.
   */
  snapshot?: () => StoredSnapshot;
}

/**
 * The store port for snapshots (DESIGN.md §5.3 "store"). Implemented by the SQLite and the
 * Elasticsearch stores; the contract is in `tests/stores/snapshot_contract.ts`.
 */
export interface SnapshotStore {
  /**
   * Saves the person's snapshot, replacing the previous one; the person counts as seen at
   * `collectedAt` (or `failedRefresh.at` when later). Throws a `StoreError` when it cannot persist.
   */
  putSnapshot(snapshot: PersonSnapshot): Promise<void>;
  /**
   * Saves several people's snapshots at once, as `putSnapshot` each, in one transaction where the
   * store has them (a batch run: one commit per few hundred people, not one per person).
   * Optional: without it, a batch saves them one by one.
   */
  putSnapshots?(snapshots: PersonSnapshot[]): Promise<void>;
  /** The person's snapshot, or `null` when there is none. */
  snapshot(email: string): Promise<StoredSnapshot | null>;
  /**
   * The snapshot's stamp (see {@link SnapshotStamp}), or `null` when there is none. Optional: a
   * store without it is read whole (`snapshot()`) by `PersonViews.stamp()`.
   */
  snapshotStamp?(email: string): Promise<SnapshotStamp | null>;
  /** Records that the person was seen (a page view served from the snapshot) at `at`. */
  markSnapshotSeen(email: string, at: Date): Promise<void>;
  /** Deletes the snapshots of people not seen since `before`; returns how many. */
  pruneSnapshots(before: Date): Promise<number>;
  /** How many snapshots the store holds (metrics, benchmarks). */
  snapshotCount(): Promise<number>;
}

/** The snapshot settings (`SNAPSHOTS` in the configuration), in the engine's units. */
export interface SnapshotSettings {
  /** A snapshot younger than this is served without asking any inventory. */
  freshMs: number;
  /** "Check again" is refused while the snapshot is younger than this (per person). */
  checkAgainMs: number;
  /** Snapshots of people not seen for this many days are deleted. */
  keepDays: number;
}

/** Defaults: 15 minutes (a Jamf Pro check-in frequency: `checkInFrequency` of `/v3/check-in` takes 5, 15, 30 or 60), 1 minute, 30 days. */
export const DEFAULT_SNAPSHOT_SETTINGS: Readonly<SnapshotSettings> = Object.freeze({
  freshMs: 15 * 60_000,
  checkAgainMs: 60_000,
  keepDays: 30,
});

/**
 * Whether a refresh went worse than the snapshot it replaces: a device source that answered for
 * the old snapshot failed this time. The old devices are then kept (and the failure shown).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const timeout = {
 *   source: "jamf", operation: "devicesByEmail", kind: "timeout" as const, message: "",
 * };
 * assert.equal(refreshWentWorse([], [timeout]), true);
 * assert.equal(refreshWentWorse([timeout], [timeout]), false);
 * ```
 */
export function refreshWentWorse(
  before: readonly SourceError[],
  after: readonly SourceError[],
): boolean {
  const failedBefore = new Set(before.map((e) => e.source));
  return after.some((e) => !failedBefore.has(e.source));
}

/**
 * The snapshot to save after a refresh (a page's lookup or a batch run): `next`, except where it
 * went worse than `previous` (see {@link refreshWentWorse}) — a device source that answered before
 * failing keeps the whole previous snapshot; an account or sign-in source that answered before
 * failing keeps that part's previous answer beside the new devices. Either way `failedRefresh`
 * says when and what failed, and the person keeps seeing what the inventories said before.
 *
 * @param previous the snapshot being replaced (`null`: none, `next` is saved as it is)
 * @param next what the refresh collected (`accounts`/`events` `null`: not asked, nothing kept)
 * @param at when the refresh finished
 * @returns the snapshot to save (never `previous`'s `seenAt`, which the store keeps)
 */
export function afterRefresh(
  previous: PersonSnapshot | null,
  next: PersonSnapshot,
  at: Date,
): PersonSnapshot {
  if (!previous) return next;
  if (refreshWentWorse(previous.devices.errors, next.devices.errors)) {
    const { failedRefresh: _old, seenAt: _seen, ...kept } = previous as StoredSnapshot;
    return { ...kept, failedRefresh: { at, errors: next.devices.errors } };
  }
  const out: PersonSnapshot = { ...next };
  const failed: SourceError[] = [];
  if (
    previous.accounts && next.accounts &&
    refreshWentWorse(previous.accounts.errors, next.accounts.errors)
  ) {
    out.accounts = previous.accounts;
    failed.push(...next.accounts.errors);
  }
  if (
    previous.events && next.events && refreshWentWorse(previous.events.errors, next.events.errors)
  ) {
    out.events = previous.events;
    failed.push(...next.events.errors);
  }
  if (failed.length > 0) out.failedRefresh = { at, errors: failed };
  return out;
}
