/**
 * One store round trip per page view (issue 24): what a page needs of the store about one person —
 * the snapshot, the status history of their devices, their dismissals and answers — read together,
 * in one SQLite read transaction or one Elasticsearch `_msearch`. Only the session's revocation
 * check stays separate (it runs before the page knows whose data it shows).
 *
 * Adding a concern a page view needs: one field in `PersonRead` (it and its port,
 * `PersonReadStore`, are in `engine/core/store_ports.ts` with the other concerns'), and one part
 * in each store's read (`sqlite_person_reads.ts`, `es_person_reads.ts`), each built from that
 * concern's own query. Exemptions (issue 26) have their field already: a store whose read fills it
 * saves a view the separate `ExemptionReader` call.
 *
 * @module
 */
import type {
  PersonReadStore,
  StatusObservation,
  StatusRow,
  StatusStore,
} from "../core/store_ports.ts";
import type { StatusHistory } from "./person_view.ts";
import { observationKey, statusUnchanged } from "./since.ts";
import type { SnapshotStamp, SnapshotStore, StoredSnapshot } from "./snapshots.ts";

/**
 * A status history for one person's view that answers from `known` (the statuses read with the
 * page's other data) when every observation is already recorded, unchanged and seen within the
 * last hour (`statusUnchanged`) and every device `known` covers is still observed, so a view
 * whose statuses and devices did not change writes nothing; else it records them once with
 * `store.observe(observations, { person })`, which also remembers these devices as the person's
 * for the next read (a device gone from the view leaves the person's list then).
 *
 * @param store the status history
 * @param known the rows read for the person (`PersonRead.statuses`)
 * @param person the person's folded address
 * @returns the history `personView()` records through
 * @example No write when nothing changed
 * ```ts
 * import assert from "node:assert/strict";
 * const at = new Date("2026-12-07T09:00:00Z");
 * const known = new Map([["serial:C02X\u0000firewall", { status: "warn" as const, since: at, seenAt: at }]]);
 * const history = readThroughHistory(
 *   { observe: () => Promise.reject(new Error("not asked")) },
 *   known,
 *   "fry@example.com",
 * );
 * const began = await history.observe([{ device: "serial:C02X", practice: "firewall", status: "warn", since: at }]);
 * assert.deepEqual(began.get("serial:C02X\u0000firewall"), at);
 * ```
 */
export function readThroughHistory(
  store: Pick<StatusStore, "observe">,
  known: ReadonlyMap<string, StatusRow>,
  person: string,
): StatusHistory {
  return {
    observe(observations: StatusObservation[]) {
      const began = new Map<string, Date>();
      const record = () => store.observe(observations, { person });
      for (const o of observations) {
        const key = observationKey(o.device, o.practice);
        const row = known.get(key);
        if (row === undefined || !statusUnchanged(row, o)) return record();
        began.set(key, row.since);
      }
      // every row read was observed again (`began` holds only keys of `known`): all shown
      if (began.size === known.size) return Promise.resolve(began);
      // a device the person's list still names but this view no longer shows: record the list
      const shown = new Set(observations.map((o) => o.device));
      for (const key of known.keys()) {
        if (!shown.has(key.slice(0, key.indexOf("\u0000")))) return record();
      }
      return Promise.resolve(began);
    },
  };
}

/**
 * A combined read for a store that has none (engine tests over a bare snapshot store): the
 * snapshot alone (its stamp, or the whole snapshot when the store cannot stamp), no statuses
 * (every view then records through `observe`), no dismissals or answers.
 *
 * @param snapshots the snapshot store
 * @returns a `PersonReadStore` of one snapshot read per call
 */
export function snapshotOnlyReads(snapshots: SnapshotStore): PersonReadStore {
  return {
    async read(email) {
      const snapshot = snapshots.snapshotStamp
        ? await snapshots.snapshotStamp(email)
        : await snapshots.snapshot(email).then((found) => found && stampOfSnapshot(found));
      return { snapshot, statuses: new Map(), dismissed: new Set(), answers: new Map() };
    },
  };
}

/** The stamp of a whole snapshot (a store without stamps): its content is the version. */
export function stampOfSnapshot(found: StoredSnapshot): SnapshotStamp {
  const { seenAt, ...content } = found;
  return {
    collectedAt: found.collectedAt,
    seenAt,
    version: JSON.stringify(content),
    snapshot: () => found,
  };
}
