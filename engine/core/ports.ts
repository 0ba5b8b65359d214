/**
 * The ports of the plugins the engine calls (DESIGN.md §5.3): sources, transforms, sinks, loggers
 * and listings, with the errors they answer in. Plugins implement them; the engine only calls
 * them. Every outbound call gets an `AbortSignal` that fires at the plugin's deadline. The store's
 * ports are `store_ports.ts`.
 *
 * @module
 */
import type {
  AccessEvent,
  Account,
  DeviceRecord,
  Feedback,
  MergedDevice,
  Notification,
} from "./types.ts";
import type { ReportGap } from "../view/gaps.ts";

/** What every call to a source receives. */
export interface CallOptions {
  /** Aborted when the plugin's deadline passes or the request goes away. */
  signal: AbortSignal;
  /**
   * Where a source names what it could not deliver in this call (records skipped, a list that
   * ended short, a part it could not fetch), counted by reason — see `engine/view/gaps.ts`. The engine
   * passes it on every guarded call; a source called without it (a test, a tool) reports nothing.
   */
  reportGap?: ReportGap;
}

/** Nothing found for this lookup: the aggregation layer turns it into an empty list. */
export class NotFoundError extends Error {
  override name = "NotFoundError";
}

/** An upstream answered something we cannot use (non-2xx, malformed body). */
export class UpstreamError extends Error {
  override name = "UpstreamError";
  /** HTTP status of the upstream answer, when there was one. */
  readonly status: number | undefined;
  /**
   * @param message plain words for an operator (no secrets)
   * @param status the upstream HTTP status, if any
   */
  constructor(message: string, status?: number) {
    super(message);
    this.status = status;
  }
}

/**
 * A source could answer only part of a lookup (one of its calls failed, e.g. Google's mobile
 * devices were rate limited while its Chromebooks answered): the records it has are shown, and the
 * failure is reported as that source's error beside them (DESIGN.md §4 "arrive or be named").
 */
export class PartialAnswerError extends UpstreamError {
  override name = "PartialAnswerError";
  /** The records the source could read. */
  readonly records: DeviceRecord[];
  /**
   * @param message what failed, in plain words (shown as the source's error)
   * @param records what was read anyway
   * @param status the upstream HTTP status of the failure, if any
   */
  constructor(message: string, records: DeviceRecord[], status?: number) {
    super(message, status);
    this.records = records;
  }
}

/**
 * How many records of one source were skipped for one reason (DESIGN.md §4 "arrive or be named"):
 * records that could not be used at all, e.g. not the documented shape or naming no owner.
 */
export interface SkippedCount {
  /** The plugin's name. */
  source: string;
  /** A stable key, e.g. `malformed`, `noOwner` (see `plugins/sources/skipped_records.ts`). */
  reason: string;
  /** The reason in plain words, e.g. "it names no owner we can read". */
  label: string;
  /** Distinct records skipped for this reason since the source started (or last re-read). */
  count: number;
  /** Owner addresses the skipped records named, when they could be read (for their pages). */
  owners: string[];
  /**
   * How many of the records named each owner, by address folded with `foldEmail` (absent: none
   * named an owner). The staged lookup reports them as `skipped` gaps of that person's lookup.
   */
  byOwner?: Record<string, number>;
}

/** Something every plugin has. */
export interface PluginBase {
  /** The registry name, e.g. `jamf`. */
  readonly name: string;
  /** The plugin's deadline in milliseconds (`TIMEOUT` → `DEFAULT_TIMEOUT`), `null` for none. */
  readonly timeoutMs: number | null;
  /**
   * Resolves when the upstream is reachable and accepts our credentials, optionally with a few
   * words on how it connected (e.g. `bearer token of API client from /api/oauth/token`); throws
   * plain words.
   */
  checkConnectivity?(options: CallOptions): Promise<void | string>;
  /**
   * The records this source skipped so far, per reason (empty or absent when none); read by
   * whatever shows them (person's page, `connectivity`, batch summary, `/metrics`).
   */
  skippedRecords?(): SkippedCount[];
  /** Stops background work (pollers, pools). */
  close?(): Promise<void> | void;
}

/** A device inventory (jamf, google, landesk, demo, file). */
export interface DeviceSource extends PluginBase {
  devicesByEmail?(email: string, options: CallOptions): Promise<DeviceRecord[]>;
  devicesBySerial?(serial: string, options: CallOptions): Promise<DeviceRecord[]>;
  devicesByMac?(mac: string, options: CallOptions): Promise<DeviceRecord[]>;
}

/** An ownership inventory whose records seed serial and MAC lookups (bitfit). */
export interface OwnershipSource extends PluginBase {
  ownedDevicesByEmail(email: string, options: CallOptions): Promise<DeviceRecord[]>;
}

/** An account provider (google). */
export interface AccountSource extends PluginBase {
  accountByEmail(email: string, options: CallOptions): Promise<Account | null>;
}

/** A sign-in log (google, duo). */
export interface EventSource extends PluginBase {
  eventsByEmail(email: string, options: CallOptions): Promise<AccessEvent[]>;
}

/** Alerts for a person (es_notifications, demo). */
export interface NotificationSource extends PluginBase {
  notificationsByEmail(email: string, options: CallOptions): Promise<Notification[]>;
}

/** What one feedback delivery receives. */
export interface FeedbackOptions extends CallOptions {
  /**
   * The same for every attempt to deliver one feedback (the outbox item id): a receiver can use
   * it to drop a repeat, e.g. after a crash between its answer and the outbox's record of it.
   */
  idempotencyKey?: string;
}

/** Where answered feedback is forwarded (restful_feedback). */
export interface FeedbackSink extends PluginBase {
  /** Delivers one feedback; throws on failure so the outbox retries. */
  postFeedback(email: string, feedback: Feedback, options: FeedbackOptions): Promise<unknown>;
}

/** Changes a list of devices (records before merging, merged devices after). */
export interface DeviceTransform extends PluginBase {
  transformDevices<T extends DeviceRecord | MergedDevice>(devices: T[]): T[];
}

/** Changes a list of events (vpn_labeler). */
export interface EventTransform extends PluginBase {
  transformEvents(events: AccessEvent[]): AccessEvent[];
}

/**
 * One data access (spec §9.5) — or one change to the security team's records (an exemption
 * granted or revoked, a report handled: `context` names the change) — for the audit log.
 */
export interface AccessRecord {
  accessing_user: string;
  target: string;
  /** What was read or changed: the security team's records are `signin-report` and `exemption`. */
  record_type: "device" | "account" | "event" | "notification" | "signin-report" | "exemption";
  context: string;
  retrieved: Date;
  data: unknown;
}

/** Receives one record per data access (es_logger). Must never block or throw. */
export interface RequestLogger extends PluginBase {
  log(record: AccessRecord): void;
}

/** Receives unexpected errors (atlas). Must never block or throw. */
export interface FailureLogger extends PluginBase {
  logFailure(error: unknown, context: { route?: string }): void;
}

/** One person's batch result. */
export interface BatchResult {
  email: string;
  devices: MergedDevice[];
}

/**
 * Receives batch results (batch_es, batch_restful_summary): the run's result stream. Each
 * person's result is posted once, as it arrives, and is not kept by the run: a sink keeps only
 * what it needs (a count, a buffer of bounded size, a spill file), so a run's memory does not
 * grow with the number of people (issue 25).
 */
export interface BatchSink extends PluginBase {
  post?(result: BatchResult, options: CallOptions): Promise<void>;
  /** Called once after the last post; its line goes into the run's summary. */
  summary?(options: CallOptions): Promise<string>;
  /**
   * A sink that buffers (batch_es: `_bulk` bodies by size) sends what is left and says what
   * became of every document; called once, after the last post. Bounded by the sink's own
   * request timeouts and retries.
   */
  finish?(): Promise<SinkReport>;
  /** The document counts so far (progress lines). */
  tally?(): SinkTally;
}

/** Documents a sink wrote, sent again, and gave up on, with its requests and bytes. */
export interface SinkTally {
  written: number;
  retried: number;
  lost: number;
  requests: number;
  bytes: number;
}

/** A sink's final counts, and the first documents it lost named (`email id: why`). */
export interface SinkReport extends SinkTally {
  lostNamed: string[];
}

// ---- Listing sources (issue 16): the whole inventory, paged, read once per batch run ----------

/** One page of a listing: the records of that page, and what the upstream said about the rest. */
export interface ListedPage {
  /** The page's records, built exactly as `devicesByEmail` builds them (same `email` owner). */
  records: DeviceRecord[];
  /** The upstream's total of items, when it reports one (Jamf Pro `totalCount`). */
  total?: number;
  /**
   * The addresses each record is found under by `devicesByEmail` (same order as `records`), for
   * sources whose records carry no `email` (Google: a mobile device's `email` list, a
   * Chromebook's most recent user). Absent: each record's `email` is its owner.
   */
  owners?: (readonly string[])[];
  /**
   * The upstream's id of each record (same order as `records`), handed back to
   * `completeListed` (Intune: the managed device's Graph id), since the batch keeps listed
   * records as text and revives them per lookup.
   */
  keys?: (string | undefined)[];
}

/**
 * A device source that can list its whole inventory page by page (intune, jamf_pro, google,
 * file). The batch reads each one once per run instead of asking it once per person; the records
 * of a listing must be those the source's per-person lookups would answer, so both paths give the
 * same result. Each page is fetched under the plugin's deadline (one page, not the whole listing).
 */
export interface ListingSource extends DeviceSource {
  /** Pages in upstream order; throws (plain words) when a page cannot be read. */
  listDevices(options: CallOptions): AsyncIterable<ListedPage>;
  /**
   * Completes records of a listing with what the listing does not carry (e.g. Intune's
   * per-setting compliance states), exactly as the per-person lookups complete them; `keys` are
   * the records' `ListedPage.keys`. Optional.
   */
  completeListed?(
    records: DeviceRecord[],
    options: CallOptions,
    keys?: readonly (string | undefined)[],
  ): Promise<DeviceRecord[]>;
}

/**
 * A directory that can list the company's people (Google's user directory, when its scope is
 * granted): the batch adds them to the people of a run.
 */
export interface PeopleSource extends PluginBase {
  /** Pages of addresses, in upstream order; throws (plain words) when a page cannot be read. */
  listPeople(options: CallOptions): AsyncIterable<string[]>;
}

/** Whether a plugin can list the company's people. */
export function isPeopleSource(plugin: object): plugin is PeopleSource {
  return typeof (plugin as Partial<PeopleSource>).listPeople === "function";
}

/** Whether a device source can list its inventory. */
export function isListingSource(source: DeviceSource): source is ListingSource {
  return typeof (source as Partial<ListingSource>).listDevices === "function";
}
