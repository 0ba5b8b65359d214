/**
 * The `Store` as the sum of its concerns. Each backend (SQLite, Elasticsearch) implements every
 * concern in its own module as a plain object of closures typed as that concern's slice of
 * `Store`; {@link composeStore} puts the slices together once for both backends, so no backend
 * writes a line that only hands a call on to another object. This module's one reason to change
 * is a concern added to, or taken from, the `Store` port.
 *
 * @module
 */
import type { CoordinationStore, ReleaseFeedStore, Store } from "../../engine/core/ports.ts";
import type { SnapshotStore } from "../../engine/view/snapshots.ts";
import type { NudgeLedger } from "../../engine/nudges/nudge_ports.ts";

/** What a person answered to notifications: dismissals and feedback (with its outbox items). */
export type FeedbackPart = Pick<Store, "dismiss" | "dismissed" | "recordFeedback" | "answers">;
/** Delivery of queued feedback to its sinks. */
export type OutboxPart = Pick<Store, "dueOutbox" | "markDelivered" | "markFailed" | "outboxDepth">;
/** The sign-in event cache. */
export type EventsPart = Pick<Store, "putEvents" | "eventsFor" | "latestEventTime" | "pruneEvents">;
/** Status history: since when each device has had each practice status. */
export type StatusesPart = Pick<Store, "observe">;
/** Batch-run summaries for the dashboard. */
export type BatchRunsPart = Pick<Store, "saveBatchRun" | "batchRuns">;
/** Signed-out sessions and used sign-in states. */
export type RevocationsPart = Pick<Store, "revoke" | "isRevoked" | "pruneRevoked">;

/** One implementation of every concern of the `Store` port, and how to release the backend. */
export interface StoreParts {
  feedback: FeedbackPart;
  outbox: OutboxPart;
  events: EventsPart;
  statuses: StatusesPart;
  batchRuns: BatchRunsPart;
  revocations: RevocationsPart;
  snapshots: SnapshotStore;
  releaseFeeds: ReleaseFeedStore;
  /** Token buckets and leases shared by the processes on the store. */
  coordination: CoordinationStore;
  /** Nudges queued, sent, snoozed and opted out of (issue 27). */
  nudges: NudgeLedger;
  /** Releases the file or the client; the store's `close()`. */
  close: () => Promise<void>;
}

/**
 * Puts the concerns of one backend together into a `Store`.
 *
 * The parts must be plain objects whose methods are closures: their own members are copied onto
 * the store, so a class instance (methods on its prototype) or a method relying on `this` would
 * break, and that throws. The type of the result is checked member by member against the `Store`
 * port; a member given by two parts would silently shadow the other, so that throws too.
 *
 * @param kind the backend's name (`Store.kind`: `sqlite`, `elasticsearch`)
 * @param parts one object per concern, and `close`
 * @returns the store
 * @throws {TypeError} when a part is not a plain object, or two parts give the same member (both
 *   programming errors, met by the store contract tests)
 * @example Composing a store from one object per concern
 * ```ts
 * declare const parts: StoreParts; // e.g. { feedback: sqliteFeedback(db, run), … }
 * const store = composeStore("sqlite", parts);
 * await store.dismiss("fry@example.com", "n1", new Date());
 * ```
 */
export function composeStore(kind: string, parts: StoreParts): Store {
  const seen = new Set<string>();
  for (const [concern, part] of Object.entries(parts)) {
    if (typeof part === "function") continue;
    if (Object.getPrototypeOf(part) !== Object.prototype) {
      throw new TypeError(`Store part "${concern}" must be a plain object of closures`);
    }
    for (const member of Object.keys(part)) {
      if (seen.has(member)) {
        throw new TypeError(`Store member "${member}" is given twice (again by "${concern}")`);
      }
      seen.add(member);
    }
  }
  const {
    feedback,
    outbox,
    events,
    statuses,
    batchRuns,
    revocations,
    snapshots,
    releaseFeeds,
    coordination,
    nudges,
  } = parts;
  return {
    kind,
    ...feedback,
    ...outbox,
    ...events,
    ...statuses,
    ...batchRuns,
    ...revocations,
    ...snapshots,
    ...releaseFeeds,
    ...coordination,
    ...nudges,
    close: parts.close,
  };
}
