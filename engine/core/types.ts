/**
 * The normalised records Stethoscope works with (spec §2). Timestamps are `Date` inside the engine
 * and ISO-8601 strings on the wire (see `toWire()` in `engine/core/wire.ts`).
 *
 * @module
 */

/**
 * How well a device follows a practice, as the wire and the configuration spell it: `ok`
 * followed, `nudge` suggested, `warn` critical (see `severityOfStatus` in `engine/core/severity.ts`).
 */
export type Status = "ok" | "nudge" | "warn" | "unknown" | "na";

/** Every status, in the order the UI ranks them (most urgent first). */
export const STATUSES: readonly Status[] = ["warn", "nudge", "ok", "unknown", "na"];

/** Evidence a source gives for one practice, completed by practice evaluation (spec §2.2). */
export interface PracticeData {
  /** `true` when the source saw the practice followed, `false` when not, `null` when unsure. */
  value?: boolean | null;
  /** Free text from the source or the evaluator, e.g. the missing updates. */
  details?: string;
  /** When the source last observed this evidence. */
  last_updated?: Date | null;
  /** Added by evaluation. */
  status?: Status;
  title?: string;
  description?: string;
  directions?: string;
  link?: string;
  display?: boolean;
  /** Installed-software practices: the version seen. */
  version?: string;
  /** When this device was first seen in its current status (failing since). */
  since?: Date;
  /** During a grace period: when a `nudge` becomes critical. */
  deadline?: Date;
  /**
   * Set by `personView()` while an exemption waives this practice (`engine/view/exemptions.ts`):
   * the status stays as evaluated, but the practice is off the to-do list, the badge and the
   * device's rating. Only on practices that are not `ok` or `na`.
   */
  exempt?: PracticeExemption;
  /**
   * Up-to-date practices that fail: the one thing to install to clear this status ("macOS
   * 15.7.7", "Windows 11 25H2", "the latest security patch") and, when known, the day it is or
   * was due by. The title and the first sentence of `details` name the same.
   */
  target?: PracticeTarget;
}

/** A span of time `[from, to)` (an exemption, as far as it has covered a practice). */
export interface Span {
  from: Date;
  to: Date;
}

/** What a person is told of an exemption: until when, and why (never who granted it). */
export interface PracticeExemption {
  /** The exemption's id (the security team's page and the JSON API name it). */
  id: string;
  /** When it ends (exclusive); the practice comes back with a new deadline from then. */
  until: Date;
  /**
   * The last day it is in force, `YYYY-MM-DD` in `UI.timeZone` (the day before `until` there):
   * what "Exempt until 1 March" names.
   */
  lastDay: string;
  /** The reason the security team gave. */
  reason: string;
  /** Granted for this one device, or for every device of the person. */
  scope: "device" | "person";
}

/** What an up-to-date practice asks to install, and by when (`PracticeData.target`). */
export interface PracticeTarget {
  /** The release to install, as a person reads it: "macOS 15.7.7", "Windows 11 25H2". */
  name: string;
  /** The day it is due by (in the past: overdue); absent when no date applies. */
  by?: Date;
}

/** Values that identify a physical device (spec §2.3). MACs are canonical (see `canonicalMac`). */
export interface Identifiers {
  serial?: string;
  mac_addresses?: string[];
  udid?: string;
  imei?: string;
  meid?: string;
  google_device_id?: string;
}

/** One installed application or package (spec §2.4). */
export interface SoftwareEntry {
  name: string;
  version?: string | null;
  path?: string;
  publisher?: string | null;
  install_date?: string | null;
}

/** Installed software and running services of a device. */
export interface Software {
  last_scan_date?: Date | null;
  installed: SoftwareEntry[];
  services?: { name: string }[];
}

/**
 * A field a source sent that could not be read (DESIGN.md §4 "arrive or be named"): the record is
 * kept, the field stays unknown, and this says which and why, e.g. `{ source: "file", field:
 * "last_sync", value: "/Date(x)/", reason: "its date is in a format we don't know" }`.
 */
export interface UnreadField {
  /** The plugin that sent it. */
  source: string;
  /** The field as the source names it (`last_sync`, `autoUpdateThrough`, `practices.firewall`). */
  field: string;
  /** The value as sent, shortened to 80 characters (never a secret: inventory fields only). */
  value: string;
  /** Why it could not be read, in plain words. */
  reason: string;
}

/** Fields shared by source records and merged devices. */
export interface DeviceFields {
  name?: string;
  model?: string;
  manufacturer?: string;
  platform?: string;
  os?: string;
  os_version?: string;
  os_release?: string;
  os_build?: string;
  serial?: string;
  email?: string;
  type?: string;
  status?: string;
  photo_url?: string | null;
  hw_release_date?: Date | null;
  user_agent?: string;
  last_sync?: Date | null;
  software?: Software;
  /** A friendlier name a source may give (e.g. "Fry's MacBook"). */
  friendly_name?: string;
  /** Android: the security patch level (Google Directory API `securityPatchLevel`). */
  security_patch_level?: Date | null;
  /**
   * ChromeOS: the last day the device gets updates (Directory API `autoUpdateThrough`, a date,
   * or the deprecated `autoUpdateExpiration`, epoch ms), at 00:00 UTC.
   */
  auto_update_expiration?: Date | null;
  /** Fields the source sent that could not be read; merged devices keep every record's. */
  unread?: UnreadField[];
}

/** What one source says about one device (spec §2.1). `source` is the plugin name. */
export interface DeviceRecord extends DeviceFields {
  source: string;
  practices?: Record<string, PracticeData>;
  identifiers?: Identifiers;
  /** Raw upstream payload; only kept when a plugin is configured to (never by default). */
  _raw?: unknown;
}

/** Two records that were grouped but disagree on a single-valued identifier. */
export interface IdentifierConflict {
  key: keyof Identifiers;
  /** The value kept (from the newest record). */
  kept: string;
  /** The value dropped. */
  dropped: string;
  /** Source of the dropped value. */
  source: string;
}

/** One physical device as shown to a person: its records merged (spec §2.5). */
export interface MergedDevice extends DeviceFields {
  sources: string[];
  practices: Record<string, PracticeData>;
  identifiers: Identifiers;
  /** Conflicting identifiers resolved while merging (decision 17); absent when none. */
  conflicts?: IdentifierConflict[];
  _raw?: unknown[];
}

/** An online account, e.g. Google Workspace (spec §2.6). */
export interface Account {
  name: string;
  type: string;
  source: string;
  user_usage: Record<string, boolean | number | string | Date | null>;
  last_updated: Date;
}

/** A sign-in or sign-out (spec §2.7). */
export interface AccessEvent {
  source: string;
  /** Stable id within the source, used for "this wasn't me" feedback. */
  id?: string;
  type: string;
  success: boolean;
  reason: string;
  ip_address: string;
  timestamp: Date;
  username?: string;
  /** Plain-text description lines (never HTML). */
  content?: string;
  /** Added by the vpn_labeler transform. */
  vpn?: boolean;
  /** Human label for where the sign-in came from, e.g. "Company VPN". */
  location?: string;
  /** Where the source placed the address, e.g. Duo's "Berlin, Germany" (city, state, country). */
  place?: string;
}

/** An answer a question notification offers. */
export interface NotificationAnswer {
  value: string;
  label: string;
}

/** Every notification severity as sources write it (decision 13). */
export const NOTIFICATION_SEVERITIES = ["info", "warning", "critical"] as const;

/**
 * A notification's severity as its source writes it: `warning` is the *suggested* end (unlike a
 * practice's `warn`, which is critical); see `severityOfNotification` in `engine/core/severity.ts`.
 */
export type NotificationSeverity = (typeof NOTIFICATION_SEVERITIES)[number];

/** An alert for a person (decision 13). */
export interface Notification {
  id: string;
  /** `simple` (message + OK), `question` (answers), anything else renders as a message. */
  type: string;
  title?: string;
  message: string;
  event_timestamp: Date;
  severity?: NotificationSeverity;
  answers?: NotificationAnswer[];
  source?: string;
  /**
   * The sign-in a question asks about, as its answer key `event:<source>:<id>`: the question and
   * the Activity page then share one answer.
   */
  event_id?: string;
  /**
   * The practice the alert is about (a practice key such as `firewall`), when it is about one:
   * the to-do list then shows it with that practice's item, linked to its fix, counted once.
   */
  practice?: string;
  /** The device it is about, by any identifier (serial, host name, UDID, Google id, MAC). */
  device?: string;
}

/** Feedback a person gives on a notification or event (spec §2.9). */
export interface Feedback {
  id: string;
  feedback: string;
  notes: string;
}

/** Why one source contributed nothing to a result. */
export interface SourceError {
  /** Plugin name. */
  source: string;
  /** What was asked, e.g. `devicesByEmail`. */
  operation: string;
  /** `timeout` when the deadline passed; `error` for any other failure. */
  kind: "timeout" | "error";
  /** Plain words for an operator; never contains secrets. */
  message: string;
}

/** The result of a lookup: the data plus which sources failed. */
export interface Collected<T> {
  items: T[];
  errors: SourceError[];
  /**
   * What the sources that answered could not deliver (records skipped, truncated, read in part),
   * counted per source, kind and reason (`engine/view/gaps.ts`). Absent or empty: nothing was missing.
   */
  gaps?: SourceGap[];
}

/** What happened to the records: not readable, not received, or read in part. */
export type GapKind = "skipped" | "truncated" | "partial";

/** A gap as the engine carries it: the source's name added, counted over one lookup. */
export interface SourceGap {
  /** Plugin name, e.g. `file`. */
  source: string;
  kind: GapKind;
  reason: string;
  words: string;
  /** Records concerned, ≥ 1. */
  count: number;
}
