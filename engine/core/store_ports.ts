/**
 * The store's ports, one per concern (DESIGN.md §5.3): what people answered, the outbox, the
 * sign-in event cache, status history, batch runs, revocations, snapshots, release feeds, the
 * coordination of several processes, nudges, device rows (and the row of one device), the
 * combined read of one person, and the `Store` that holds them. Each backend
 * (`plugins/stores/sqlite.ts`, `plugins/stores/elasticsearch.ts`) implements every concern; each
 * consumer takes only the concerns it uses. The source, sink and transform ports are `ports.ts`.
 * Changes when what the engine keeps, or how it asks for it, changes.
 *
 * @module
 */
import type { AccessEvent, Feedback, Status } from "./types.ts";
import type { Headline } from "./severity.ts";
import type { SnapshotStamp, SnapshotStore } from "../view/snapshots.ts";
import type { NudgeLedger } from "../nudges/nudge_ports.ts";
import type { Exemption, ExemptionStore } from "../view/exemptions.ts";
import type { SigninReportStore } from "./signin_reports.ts";

/** A feedback waiting for delivery to a sink. */
export interface OutboxItem {
  id: string;
  sink: string;
  email: string;
  feedback: Feedback;
  createdAt: Date;
  attempts: number;
  nextAttemptAt: Date;
  lastError?: string;
}

/** A practice status first seen at `since` on one device. */
export interface StatusObservation {
  device: string;
  practice: string;
  status: Status;
  since: Date;
}

/** Per-run aggregate kept for the dashboard. */
export interface BatchRunSummary {
  id: string;
  startedAt: Date;
  finishedAt: Date;
  people: number;
  devices: number;
  /** practice → status → count; a practice an exemption waives counts as `exempt` */
  practices: Record<string, Partial<Record<Status | "exempt", number>>>;
  /**
   * rating (critical, suggested, ok, unknown, and `exempt`: OK only thanks to an exemption,
   * see `ratingKey()`) → count, overall / per platform / per source
   */
  ratings: Record<string, number>;
  byPlatform: Record<string, Record<string, number>>;
  bySource: Record<string, Record<string, number>>;
  errors: Record<string, number>;
  /** The nudges planned at the end of the run (absent when nudges did not run). */
  nudges?: BatchRunNudges;
}

/**
 * The nudges at the end of a batch run (issue 27), for the Dashboard: real when `NUDGES.ENABLED`,
 * else a dry run ("who would get what"). Counts are of messages (one per person and channel).
 */
export interface BatchRunNudges {
  dryRun: boolean;
  /** Messages queued (a dry run: that would be sent). */
  queued: number;
  /** Plans an earlier run or another process had queued already. */
  alreadyQueued: number;
  /** Messages not sent now, by reason (`nothing-new`, `outside-window`, `weekly-cap`, …). */
  held: Record<string, number>;
  /** People whose view or channel failed. */
  failed: number;
  /** The first messages (at most 200) as listed: who, on which channel, the subject and items. */
  listed: { email: string; channel: string; subject: string; items: string[] }[];
  /** Items sent within the 7 days before the run, and how many of those are no longer to do. */
  followUp: { nudged: number; fixed: number };
}

/** The last good copy of one release feed (see `plugins/releases/`). */
export interface ReleaseFeedCopy {
  /** The feed, e.g. `sofa:macOS` or `endoflife:windows`. */
  name: string;
  /** When it was fetched from its URL. */
  fetchedAt: Date;
  /** Its normalised data as JSON text (a few KiB, not the raw feed). */
  body: string;
}

/** The release-feed cache part of the store: every process shares the last good copy. */
export interface ReleaseFeedStore {
  /** The stored copy of a feed, or `null` when none was saved yet. */
  releaseFeed(name: string): Promise<ReleaseFeedCopy | null>;
  /** Replaces the stored copy of `copy.name`. */
  putReleaseFeed(copy: ReleaseFeedCopy): Promise<void>;
}

/** A rate: `requests` per `perSeconds` (a token bucket holding at most `requests`). */
export interface Rate {
  requests: number;
  perSeconds: number;
}

/**
 * What several processes on one store coordinate through (issue 24, "several processes, one
 * company"): token buckets that every process takes from (the per-address rate limits) and leases
 * that one process holds at a time (the Duo poller). Both are atomic across processes: SQLite
 * serialises writers on the file, Elasticsearch refuses a stale write (`if_seq_no`).
 */
export interface CoordinationStore {
  /**
   * Takes one token from the bucket `key` (full at first, `rate.requests` at most, refilled at
   * `rate.requests` per `rate.perSeconds`) at `now`.
   *
   * @returns 0 when a token was taken, else the whole seconds (≥ 1) until one will be there
   */
  takeToken(key: string, rate: Rate, now: Date): Promise<number>;
  /**
   * Takes the lease `name` for `holder` until `until`, or renews it: resolves `true` when `holder`
   * has it now (it was free, had expired by `now`, or was already `holder`'s), `false` when
   * another holder's lease runs past `now`.
   */
  takeLease(name: string, holder: string, options: { until: Date; now: Date }): Promise<boolean>;
  /** Ends `holder`'s lease `name` now, so another process can take it at once (no-op otherwise). */
  releaseLease(name: string, holder: string): Promise<void>;
}

/** What people answered to alerts: dismissals, and feedback with its outbox items. */
export interface FeedbackStore {
  dismiss(email: string, notificationId: string, at: Date): Promise<void>;
  dismissed(email: string): Promise<Set<string>>;
  /** Records feedback and queues it for each sink, atomically. Throws when it cannot persist. */
  recordFeedback(
    email: string,
    feedback: Feedback,
    options: { sinks: string[]; at: Date },
  ): Promise<void>;
  /** Feedback answers a person already gave, by notification id. */
  answers(email: string): Promise<Map<string, string>>;
}

/** Queued feedback on its way to the sinks (`engine/core/outbox.ts` delivers it). */
export interface OutboxStore {
  /** Up to `limit` items due at `now`, oldest first. */
  dueOutbox(now: Date, limit: number): Promise<OutboxItem[]>;
  markDelivered(id: string, at: Date): Promise<void>;
  markFailed(id: string, options: { nextAttemptAt: Date; error: string }): Promise<void>;
  /** Items not delivered yet (`/metrics`, `/healthz`). */
  outboxDepth(): Promise<number>;
}

/** The sign-in event cache of a polling source (duo), per source. */
export interface EventStore {
  putEvents(source: string, events: AccessEvent[]): Promise<void>;
  eventsFor(source: string, username: string, since: Date): Promise<AccessEvent[]>;
  latestEventTime(source: string): Promise<Date | null>;
  pruneEvents(before: Date): Promise<number>;
}

/** Status history: since when each device has had each practice status ("failing since"). */
export interface StatusStore {
  /**
   * Records statuses seen now; returns, per `device\u0000practice`, when the status began. With
   * `person` (a folded address), also records the observed devices as that person's, so their
   * next `PersonReadStore.read()` returns these devices' history (a page view's observations).
   */
  observe(
    observations: StatusObservation[],
    options?: { person?: string },
  ): Promise<Map<string, Date>>;
  /**
   * What `observe` would answer now, read only (nothing recorded): per `device\u0000practice`,
   * the recorded `since` when the history holds the same status, else the observation's own
   * `since`. The batch answers each person from it and records in the background, many people
   * per `observe` call (`createObservationWriter`, issue 25).
   */
  began(observations: StatusObservation[]): Promise<Map<string, Date>>;
  /**
   * Deletes the device lists (`observe`'s `person`) of people whose last recorded page view is
   * older than `before` (the snapshots' retention sweep, `PersonViews.prune()`); the devices'
   * statuses stay, so a later view of such a person reads them through `observe` and records the
   * list again.
   *
   * @returns how many people's lists went
   */
  prunePersonDevices(before: Date): Promise<number>;
}

/** Batch-run summaries for the dashboard. */
export interface BatchRunStore {
  saveBatchRun(run: BatchRunSummary): Promise<void>;
  /** The latest `limit` runs, newest first. */
  batchRuns(limit: number): Promise<BatchRunSummary[]>;
}

/** Signed-out sessions and used sign-in states (issue 12), shared by every process. */
export interface RevocationStore {
  /**
   * Revokes `id` until `until` (a session's absolute expiry, a pending sign-in's expiry). Kept
   * in the store so that every process sharing it, and this one after a restart, refuses it.
   * Atomic test-and-set: resolves `true` when this call revoked it, `false` when it was already
   * revoked and has not expired — which makes it a single-use check across processes.
   */
  revoke(id: string, options: { until: Date; now: Date }): Promise<boolean>;
  /** Whether `id` is revoked at `now` (a revocation ends at its `until`). */
  isRevoked(id: string, now: Date): Promise<boolean>;
  /** Forgets revocations whose `until` has passed by `now`; resolves how many were removed. */
  pruneRevoked(now: Date): Promise<number>;
}

/**
 * What a practice counts as on a row: a practice status's severity (`warn` → `critical`, `nudge`
 * → `suggested`, `ok`, `unknown`, `na`), or `exempt` while an exemption waives it — exactly the
 * Dashboard's practice columns.
 */
export type PracticeShare = "critical" | "suggested" | "ok" | "unknown" | "na" | "exempt";

/** One device of one batch run, as the Dashboard's lists and their CSV show it. */
export interface DeviceRow {
  /** The batch run (`BatchRunSummary.id`). */
  run: string;
  /** Its place in the run (the order results arrived). */
  seq: number;
  /** The owner, as the run looked them up. */
  email: string;
  /** Friendly name, model or manufacturer. */
  title: string;
  /** Host name, serial or MACs (what identifies it to the owner). */
  ident: string;
  /**
   * The device's stable key (`deviceKey()`: `serial:…`, `mac:…`, `google:…` or `udid:…`), by which
   * a restatement finds its row; absent when it has none (or in rows written before it was kept).
   */
  device?: string;
  serial?: string;
  hostname?: string;
  /** Canonical MACs. */
  macs: string[];
  /** The Dashboard's platform key (`platform`, else `os`, else `unknown`). */
  platform: string;
  /** OS and version as the inventory said. */
  os?: string;
  sources: string[];
  /** The device's headline (`ratingKey`). */
  rating: Headline;
  /** Practice key → what it counts as. */
  practices: Record<string, PracticeShare>;
  /** When its longest-failing practice began failing (status history), if known. */
  failingSince?: Date;
  /**
   * The earliest deadline of a failing practice with grace days, as the person's view gives it
   * (since + `GRACE_DAYS`, moved later by exemptions' pauses: `engine/view/since.ts`).
   */
  deadline?: Date;
  /** When an inventory last heard from it. */
  lastSeen?: Date;
  /**
   * The list's "most overdue" key, ms: the deadline, else the failing-since time, else
   * `NOT_OVERDUE` (`engine/batch/device_rows.ts`: after every date).
   */
  overdueAt: number;
}

/** A list's filters (as in the Dashboard's links) and its page. */
export interface DeviceRowQuery {
  run: string;
  /** A device headline. */
  rating?: string;
  /**
   * A practice key: alone, the devices it applies to (not `na`); with `status` a
   * {@link PracticeShare}, or `failing` (critical or suggested).
   */
  practice?: string;
  status?: string;
  platform?: string;
  /** A source the device was seen by. */
  source?: string;
  /** `overdue` (default: earliest deadline or failing-since first) or `owner`. */
  sort?: "overdue" | "owner";
  offset: number;
  limit: number;
}

/** The device-row part of the store (SQLite and Elasticsearch; contract-tested). */
export interface DeviceRowStore {
  /** Adds rows (a row of the same run and seq is replaced). */
  putDeviceRows(rows: readonly DeviceRow[]): Promise<void>;
  /** One page of the rows matching the filters, and how many match in all. */
  deviceRows(query: DeviceRowQuery): Promise<{ rows: DeviceRow[]; total: number }>;
  /**
   * The rows of `run` whose owner, serial, host name or MAC is `term` (an email in any letter
   * case, a serial, a host name, a MAC in any spelling), at most `limit`.
   */
  findDeviceRows(run: string, term: string, limit: number): Promise<DeviceRow[]>;
  /** Forgets the rows of every run not in `keep`; resolves how many went. */
  pruneDeviceRows(keep: readonly string[]): Promise<number>;
}

/** One device's practice as the status history holds it. */
export interface StatusRow {
  status: Status;
  /** Since when the status has held. */
  since: Date;
  /** When it was last observed. */
  seenAt: Date;
}

/** What one page view reads about one person, in one store round trip. */
export interface PersonRead {
  /** The person's snapshot's stamp, its content decoded on demand; `null`: no snapshot. */
  snapshot: SnapshotStamp | null;
  /**
   * The status history of the devices the person's last recorded view observed (see
   * `StatusStore.observe`'s `person`), by `observationKey(device, practice)`.
   */
  statuses: Map<string, StatusRow>;
  /** Notification ids the person dismissed. */
  dismissed: Set<string>;
  /** The person's latest feedback answer per notification id. */
  answers: Map<string, string>;
  /**
   * The person's exemptions (issue 26), in force or ended, when the store's read has them: the
   * view applies these instead of asking `ExemptionReader` again. Absent: read separately.
   */
  exemptions?: Exemption[];
}

/** The store port of the combined read (both stores; contract in `tests/stores/person_read_contract.ts`). */
export interface PersonReadStore {
  /**
   * Everything a page view needs about `email` (snapshot keyed case-insensitively, dismissals and
   * answers under the address as given, as `FeedbackStore` keys them), as of one moment.
   *
   * @param options `statuses: false`: the status history is not read (`statuses` answers empty),
   *   for a page that shows no "failing since" (`PersonViews.visit`'s `history: false`)
   * @throws {StoreError} when the store cannot answer (nothing is half-read: all or none)
   */
  read(email: string, options?: { statuses?: boolean }): Promise<PersonRead>;
}

/**
 * Durable state, one port per concern. Each backend (`plugins/stores/sqlite.ts`,
 * `plugins/stores/elasticsearch.ts`) answers every concern with its own module, and each consumer
 * takes only the concerns it uses (`Pick<Store, "outbox">`, a `StatusStore`…).
 */
export interface Store {
  /** The backend: `sqlite` or `elasticsearch`. */
  readonly kind: string;
  readonly feedback: FeedbackStore;
  readonly outbox: OutboxStore;
  readonly events: EventStore;
  readonly statuses: StatusStore;
  readonly batchRuns: BatchRunStore;
  readonly revocations: RevocationStore;
  /** Per-person snapshots (issue 13). */
  readonly snapshots: SnapshotStore;
  /** The release-feed cache (issue 15). */
  readonly releaseFeeds: ReleaseFeedStore;
  /** Shared rate limits and leases (issue 24). */
  readonly coordination: CoordinationStore;
  /** The messages to people (issue 27). */
  readonly nudges: NudgeLedger;
  /** The devices behind the Dashboard's numbers, per batch run (issue 26). */
  readonly deviceRows: DeviceRowStore;
  /** Exemptions granted and revoked, the audit trail of both (issue 26). */
  readonly exemptions: ExemptionStore;
  /** "This wasn't me" reports, the security team's queue (issue 26). */
  readonly signinReports: SigninReportStore;
  /** What a page view needs about one person, in one round trip (issue 24). */
  readonly personReads: PersonReadStore;
  /** Releases the file or the client; nothing may use the store afterwards. */
  close(): Promise<void>;
}
