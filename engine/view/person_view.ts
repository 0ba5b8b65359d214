/**
 * The engine's one product: from what the inventories said about a person (a snapshot of their
 * records, accounts and sign-ins) to what that person sees. Every page, the JSON API (live and
 * `?snapshot=true`), the debug routes and the batch call {@link personView}; no other module
 * transforms, evaluates, merges, applies "failing since" or grace, or orders devices.
 *
 * The order, for every caller: device transforms on every record (spec §10: clean the records
 * first) → practices on each record (spec §5) → merge (spec §6.2–6.3) → the merged device's
 * platform rules (`merged_platform.ts`) → "failing since" and grace from the status history
 * (`since.ts`, the grace clock paused while an exemption covered the practice) → exemptions in force
 * (`view/exemptions.ts`) → display order (`rating.ts`: most urgent first, most recently seen first within).
 *
 * @module
 */
import { mergeJudged } from "../identity/merge.ts";
import { settleMergedPlatforms } from "../identity/merged_platform.ts";
import type { DeviceTransform } from "../core/ports.ts";
import type { StatusObservation } from "../core/store_ports.ts";
import { type PracticeSet, practicesOf } from "../practices/practices.ts";
import { sortDevices } from "./rating.ts";
import { graceDays, withSince } from "./since.ts";
import type { PersonSnapshot } from "./snapshots.ts";
import { addGaps, type SourceGap } from "./gaps.ts";
import type {
  AccessEvent,
  Account,
  DeviceRecord,
  MergedDevice,
  SourceError,
} from "../core/types.ts";
import {
  applyExemptions,
  DEFAULT_EXEMPTION_SETTINGS,
  type Exemption,
  type ExemptionReader,
  exemptionSpans,
  withinMaximum,
} from "./exemptions.ts";

/** A person's view, ready for a page, a fragment, JSON or a batch sink. */
export interface PersonView {
  email: string;
  /** Merged, evaluated, with `since`/`deadline` (grace) applied, most urgent first. */
  devices: MergedDevice[];
  /** Empty when the snapshot did not include accounts and they were not needed. */
  accounts: Account[];
  /** Sign-ins, newest first (empty when not collected, as for accounts). */
  events: AccessEvent[];
  /** The sources that failed in the lookup this view comes from. */
  errors: SourceError[];
  /**
   * What the sources that answered could not deliver in that lookup (records skipped, truncated,
   * read in part), counted per source, kind and reason (`engine/view/gaps.ts`); empty when nothing.
   */
  gaps: SourceGap[];
  /** When the inventories were asked. */
  collectedAt: Date;
  /** Age of the data when the view was made, in milliseconds. */
  ageMs: number;
  /** `live`: asked for this view; `fresh`: snapshot within the window; `stale`: older. */
  freshness: "live" | "fresh" | "stale";
  /** A stale view whose refresh is running in the background (or starts at once). */
  refreshing: boolean;
  /**
   * A stale view whose refresh waits in the refresh queue for the sources' budget (issue 24):
   * nothing is being asked yet, so the page must not say "checking now". Never with `refreshing`.
   */
  refreshQueued: boolean;
  /** The last refresh failed for these sources, so older data is shown. */
  failedRefresh?: { at: Date; errors: SourceError[] };
}

/**
 * Where "failing since" lives: records the statuses seen and answers, per
 * `device\u0000practice` (`observationKey()`), since when each status has held. The store's
 * `observe()`, or the batch's writer (`createObservationWriter()`: many people per store call).
 */
export interface StatusHistory {
  observe(observations: StatusObservation[]): Promise<Map<string, Date>>;
}

/** What the configuration decides about every view: practices and device transforms. */
export interface ViewRules {
  practices: PracticeSet;
  deviceTransforms: readonly DeviceTransform[];
}

/** Options of {@link personView}. */
export interface PersonViewOptions {
  /** The time of the view (ages, deadlines). */
  now: Date;
  /** The status history; without it no device shows "since" or a grace deadline. */
  history?: StatusHistory | undefined;
  /**
   * Where the person's exemptions are read (`engine/view/exemptions.ts`); without it nothing is
   * exempt. A failing read is told to `onError` and the view shows no exemption.
   */
  exemptions?: ExemptionReader | undefined;
  /**
   * The longest an exemption is honoured, in days from its grant (`EXEMPTIONS.MAX_DAYS`; default
   * 365): a stored expiry beyond it counts as ending then (`withinMaximum()`).
   */
  exemptionMaxDays?: number | undefined;
  /**
   * Whose calendar days exemptions count (`UI.timeZone`; default `UTC`): the maximum ends at the
   * end of a day there, and `PracticeExemption.lastDay` names a day there.
   */
  exemptionTimeZone?: string | undefined;
  /**
   * `true` (default): a `warn` inside its practice's `GRACE_DAYS` is shown as a `nudge` with its
   * deadline, as people see it. `false`: the statuses as evaluated, `since` still added and each
   * failing practice with `GRACE_DAYS` carrying its deadline (passed or not) — what the batch
   * reports to the dashboard and its sinks (a graced `warn` still counts as critical).
   */
  grace?: boolean;
  /** How the data came (default `live`, not refreshing). */
  freshness?: PersonView["freshness"];
  refreshing?: boolean;
  /** The refresh waits for the sources' budget (default `false`). */
  refreshQueued?: boolean;
  /** Told when the history fails; the view then shows no "since" (never fails the view). */
  onError?: (what: string, error: unknown) => void;
}

/**
 * A person's view from their snapshot: the devices through the whole pipeline (see the module
 * documentation for the order), accounts and sign-ins as collected, every failed source. Never
 * rejects because of the history: a failing store is reported to `onError` and the devices are
 * shown without "since".
 *
 * @param snapshot what the inventories said (`accounts`/`events` `null`: not asked)
 * @param rules the practices and device transforms of the configuration, and the view's options
 * @returns the view; `ageMs` counts from `snapshot.collectedAt` to `now`
 * @throws what a device transform throws (a programming error of the transform)
 * @example Two records of one Mac become one device
 * ```ts
 * import assert from "node:assert/strict";
 * import { DEFAULT_PRACTICES } from "../practices/default_practices.ts";
 * import { buildPracticeSet } from "../practices/practices.ts";
 * const now = new Date("2026-12-07T09:00:00Z");
 * const items = [
 *   { source: "jamf", platform: "Mac", identifiers: { serial: "C02X" } },
 *   { source: "bitfit", identifiers: { serial: "C02X" } },
 * ];
 * const view = await personView({
 *   email: "fry@example.com", collectedAt: now, devices: { items, errors: [] },
 *   accounts: null, events: null,
 * }, { practices: buildPracticeSet(DEFAULT_PRACTICES), deviceTransforms: [], now });
 * assert.equal(view.devices.length, 1);
 * assert.deepEqual(view.devices[0]?.sources, ["jamf", "bitfit"]);
 * assert.equal(view.devices[0]?.practices.jailed?.status, "na");
 * ```
 */
export async function personView(
  snapshot: PersonSnapshot,
  rules: ViewRules & PersonViewOptions,
): Promise<PersonView> {
  const { now } = rules;
  const merged = evaluateRecords(snapshot.devices.items, rules);
  const exemptions = await readExemptions(snapshot.email, rules);
  const devices = rules.history
    ? await withSince(rules.history, merged, {
      now,
      seenAt: snapshot.collectedAt,
      grace: graceDays(rules.practices),
      ...(rules.grace === false ? { grade: false } : {}),
      exempted: exemptionSpans(exemptions, now),
      onError: (error) => rules.onError?.("record practice statuses", error),
    })
    : merged;
  const view: PersonView = {
    email: snapshot.email,
    devices: sortDevices(
      applyExemptions(devices, exemptions, now, rules.exemptionTimeZone ?? "UTC"),
    ),
    accounts: snapshot.accounts?.items ?? [],
    events: snapshot.events?.items ?? [],
    errors: [
      ...snapshot.devices.errors,
      ...snapshot.accounts?.errors ?? [],
      ...snapshot.events?.errors ?? [],
    ],
    gaps: addGaps([], [
      ...snapshot.devices.gaps ?? [],
      ...snapshot.accounts?.gaps ?? [],
      ...snapshot.events?.gaps ?? [],
    ]),
    collectedAt: snapshot.collectedAt,
    ageMs: Math.max(0, now.getTime() - snapshot.collectedAt.getTime()),
    freshness: rules.freshness ?? "live",
    refreshing: rules.refreshing ?? false,
    refreshQueued: rules.refreshQueued ?? false,
  };
  if (snapshot.failedRefresh) view.failedRefresh = snapshot.failedRefresh;
  return view;
}

/**
 * The person's exemptions, each honoured at most `exemptionMaxDays` from its grant; none without a
 * reader, or when it fails (told to `onError`).
 */
async function readExemptions(email: string, rules: PersonViewOptions): Promise<Exemption[]> {
  if (!rules.exemptions) return [];
  const maxDays = rules.exemptionMaxDays ?? DEFAULT_EXEMPTION_SETTINGS.maxDays;
  const zone = rules.exemptionTimeZone ?? DEFAULT_EXEMPTION_SETTINGS.timeZone;
  try {
    return (await rules.exemptions.exemptionsFor(email)).map((e) =>
      withinMaximum(e, maxDays, zone)
    );
  } catch (error: unknown) {
    rules.onError?.("read exemptions", error);
    return [];
  }
}

/**
 * Transforms, practices, merge and the merged device's platform rules (not exported: one way).
 * The records' practices are evaluated apart and merged with them (`practicesOf()`,
 * `mergeJudged()`): the same devices as `mergeDevices(applyPractices(...))`, one copy of each
 * record fewer.
 */
function evaluateRecords(records: readonly DeviceRecord[], rules: ViewRules): MergedDevice[] {
  const cleaned = rules.deviceTransforms.length === 0 ? records : rules.deviceTransforms.reduce(
    (acc, t) => t.transformDevices(acc),
    [...records],
  );
  const judged = practicesOf(cleaned, rules.practices);
  return settleMergedPlatforms(mergeJudged(cleaned, judged), rules.practices);
}
