/**
 * The orchestrator: a person's devices, accounts, events and notifications, gathered from every
 * configured source in parallel under each source's deadline, evaluated and merged.
 *
 * @module
 */
import { callWithDeadline, listOfObjects } from "./deadline.ts";
import { stagedLookup } from "./lookup.ts";
import { withPlainAddress } from "./addresses.ts";
import { mergeDevices } from "./merge.ts";
import { settleMergedPlatforms } from "./merged_platform.ts";
import { withReleaseName } from "./os_names.ts";
import { createOwnershipGuard, type OwnershipGuard } from "./ownership.ts";
import { applyPractices, type PracticeSet } from "./practices.ts";
import type {
  AccountSource,
  CallOptions,
  DeviceSource,
  DeviceTransform,
  EventSource,
  EventTransform,
  NotificationSource,
  OwnershipSource,
} from "./ports.ts";
import { sortDevices } from "./rating.ts";
import type { SnapshotSettings, SnapshotStore } from "./snapshots.ts";
import {
  createPersonViews,
  type PersonView,
  type PersonViews,
  type ViewOptions,
  type ViewPart,
} from "./view.ts";
import type {
  AccessEvent,
  Account,
  Collected,
  DeviceRecord,
  MergedDevice,
  Notification,
} from "./types.ts";
import type { Store } from "./ports.ts";
import { foldEmail } from "./emails.ts";
import { addGaps, type OnCall, type SourceGap } from "./gaps.ts";

/** `to` with the gaps of `from` (none: `to` unchanged, without a `gaps` key). */
function withGaps<T>(to: Collected<T>, from: Collected<unknown>): Collected<T> {
  return from.gaps && from.gaps.length > 0 ? { ...to, gaps: from.gaps } : to;
}

/** The plugins and practices an engine works with. */
export interface EngineParts {
  deviceSources: DeviceSource[];
  ownershipSources: OwnershipSource[];
  accountSources: AccountSource[];
  eventSources: EventSource[];
  notificationSources: NotificationSource[];
  deviceTransforms: DeviceTransform[];
  eventTransforms: EventTransform[];
  practices: PracticeSet;
  /**
   * Drops records of by-email lookups that name another owner (see `engine/ownership.ts`).
   * Default: a guard comparing addresses case-insensitively, without domain aliases or logging.
   */
  ownership?: OwnershipGuard;
}

/** The engine's other ports: metrics hook, snapshot store, clock, settings. */
export interface EngineOptions {
  /** Told about every source call once it settles, with its gaps (metrics). Must not throw. */
  onCall?: OnCall;
  /** Where snapshots and status history live; without it views are live and have no history. */
  store?: SnapshotStore & Pick<Store, "observe">;
  /** The clock (tests inject one). Default `() => new Date()`. */
  now?: () => Date;
  /** Freshness window, "check again" interval, retention (defaults in `snapshots.ts`). */
  snapshots?: Partial<SnapshotSettings>;
  /** Told about store failures, which never fail a view. */
  onError?: (what: string, error: unknown) => void;
}

/** Options of one lookup. */
export interface LookupOptions {
  /** Aborts every source call (the request went away). */
  signal?: AbortSignal;
}

/** What routes and the batch job ask of the engine. */
export interface Engine {
  readonly parts: EngineParts;
  /**
   * What the person sees (issue 13): devices with "failing since" and grace applied, in display
   * order, accounts and events — from a snapshot younger than `maxAgeMs` (default: the freshness
   * window), else from one lookup shared by concurrent callers and saved as the snapshot.
   */
  view(email: string, options?: ViewOptions): Promise<PersonView>;
  /** The view from the snapshot whatever its age (a stale one starts a background refresh), or
   * `null` when the person has no snapshot with the part needed — never waits for a source. */
  cachedView(email: string, options?: { need?: ViewPart }): Promise<PersonView | null>;
  /** The snapshot service: settings, retention, lookups in flight. */
  readonly views: PersonViews;
  /** The person's devices, merged, evaluated, most urgent first (the staged lookup, spec §6.1). */
  devices(email: string, options?: LookupOptions): Promise<Collected<MergedDevice>>;
  /**
   * The same pipeline in batch order: transforms on all records, practices, merge (spec §10).
   * With a store, the person's snapshot is saved too (the records; no accounts or events).
   */
  devicesForBatch(email: string, options?: LookupOptions): Promise<Collected<MergedDevice>>;
  /** The raw records of the staged lookup, before practices and merging. */
  records(email: string, options?: LookupOptions): Promise<Collected<DeviceRecord>>;
  accounts(email: string, options?: LookupOptions): Promise<Collected<Account>>;
  /** Sign-ins, newest first, after event transforms. */
  events(email: string, options?: LookupOptions): Promise<Collected<AccessEvent>>;
  /** Notifications, newest first. */
  notifications(email: string, options?: LookupOptions): Promise<Collected<Notification>>;
}

/**
 * Builds an engine over the given plugins.
 *
 * @param parts the configured plugins and practices
 * @param options the metrics hook, the snapshot store, the clock and the snapshot settings
 * @returns the engine
 * @example
 * ```ts
 * const engine = createEngine({
 *   deviceSources: [],
 *   ownershipSources: [],
 *   accountSources: [],
 *   eventSources: [],
 *   notificationSources: [],
 *   deviceTransforms: [],
 *   eventTransforms: [],
 *   practices: [],
 * }, { now: () => new Date() });
 * const { items, errors } = await engine.devices("fry@planetexpress.com");
 * const view = await engine.view("fry@planetexpress.com"); // devices, accounts, events
 * ```
 */
export function createEngine(parts: EngineParts, options: EngineOptions = {}): Engine {
  const onCall = options.onCall;
  const now = options.now ?? (() => new Date());
  const transformDevices = <T extends DeviceRecord | MergedDevice>(list: T[]): T[] =>
    parts.deviceTransforms.reduce((acc, t) => t.transformDevices(acc), list);
  const ownership = parts.ownership ?? createOwnershipGuard();

  async function records(email: string, options: LookupOptions = {}) {
    return await stagedLookup(email, {
      deviceSources: parts.deviceSources,
      ownershipSources: parts.ownershipSources,
      transform: transformDevices,
      // Where records enter the engine: whose they are, and OS names as their builds decide.
      admit: (answer) => ownership.keep(email, answer).map(withReleaseName),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(onCall ? { onCall } : {}),
    });
  }

  async function gather<P extends { name: string; timeoutMs: number | null }, T>(
    plugins: P[],
    operation: string,
    call: (plugin: P, options: CallOptions) => Promise<T[]>,
    signal: AbortSignal | undefined,
  ): Promise<Collected<T>> {
    const outcomes = await Promise.all(
      plugins.map(async (p) => {
        const started = performance.now();
        const out = await callWithDeadline(p, operation, (o) => call(p, o), {
          empty: [] as T[],
          check: listOfObjects<T>,
          ...(signal ? { parent: signal } : {}),
        });
        onCall?.(
          p.name,
          (performance.now() - started) / 1000,
          out.ok ? undefined : out.error,
          out.gaps ?? [],
        );
        return out;
      }),
    );
    const items: T[] = [];
    const errors = [];
    const gaps: SourceGap[] = [];
    for (const out of outcomes) {
      if (out.gaps) addGaps(gaps, out.gaps);
      if (out.ok) items.push(...out.value);
      else errors.push(out.error);
    }
    return gaps.length > 0 ? { items, errors, gaps } : { items, errors };
  }

  /** Page order: practices, merge, transforms on merged devices, most urgent first. */
  const pageDevices = (found: Collected<DeviceRecord>): Collected<MergedDevice> => {
    const evaluated = applyPractices(found.items, parts.practices);
    const merged = settleMergedPlatforms(mergeDevices(evaluated), parts.practices);
    return withGaps({ items: sortDevices(transformDevices(merged)), errors: found.errors }, found);
  };

  const views = createPersonViews({
    collect: async (email) => {
      const [devices, accounts, events] = await Promise.all([
        records(email),
        engine.accounts(email),
        engine.events(email),
      ]);
      return { devices, accounts, events };
    },
    evaluate: (found) => pageDevices({ items: found, errors: [] }).items,
    practices: parts.practices,
    store: options.store,
    now,
    ...(options.snapshots ? { settings: options.snapshots } : {}),
    ...(options.onError ? { onError: options.onError } : {}),
  });

  const engine: Engine = {
    parts,
    records,
    views,
    view: (email, o) => views.view(email, o),
    cachedView: (email, o) => views.cachedView(email, o),
    async devices(email, options = {}) {
      return pageDevices(await records(email, options));
    },
    async devicesForBatch(email, lookup = {}) {
      const found = await records(email, lookup);
      const snapshot = {
        email: foldEmail(email),
        collectedAt: now(),
        devices: found,
        accounts: null,
        events: null,
      };
      // a run in which a source failed keeps the person's older data (as a page's refresh does)
      await views.save(snapshot);
      const evaluated = applyPractices(transformDevices(found.items), parts.practices);
      const merged = settleMergedPlatforms(mergeDevices(evaluated), parts.practices);
      return withGaps({ items: sortDevices(merged), errors: found.errors }, found);
    },
    accounts(email, options = {}) {
      return gather(
        parts.accountSources,
        "accountByEmail",
        async (p, o) => {
          const account = await p.accountByEmail(email, o);
          return account ? [account] : [];
        },
        options.signal,
      );
    },
    async events(email, options = {}) {
      const { items, errors } = await gather(
        parts.eventSources,
        "eventsByEmail",
        (p, o) => p.eventsByEmail(email, o),
        options.signal,
      );
      items.sort((a, b) => b.timestamp.getTime() - a.timestamp.getTime());
      // Where events enter the engine: an address with a port is the plain address.
      const plain = items.map(withPlainAddress);
      const labelled = parts.eventTransforms.reduce((acc, t) => t.transformEvents(acc), plain);
      return { items: labelled, errors };
    },
    async notifications(email, options = {}) {
      const { items, errors } = await gather(
        parts.notificationSources,
        "notificationsByEmail",
        (p, o) => p.notificationsByEmail(email, o),
        options.signal,
      );
      items.sort((a, b) => b.event_timestamp.getTime() - a.event_timestamp.getTime());
      return { items, errors };
    },
  };
  return engine;
}
