/**
 * The orchestrator: a person's devices, accounts, events and notifications, gathered from every
 * configured source in parallel under each source's deadline, evaluated and merged.
 *
 * @module
 */
import type { ExemptionReader } from "./view/exemptions.ts";
import type { RefreshQueue } from "./view/refresh_queue.ts";
import { callWithDeadline, listOfObjects } from "./view/deadline.ts";
import { stagedLookup } from "./view/lookup.ts";
import { withPlainAddress } from "./identity/addresses.ts";
import { withReleaseName } from "./releases/os_names.ts";
import { createOwnershipGuard, type OwnershipGuard } from "./identity/ownership.ts";
import { type PersonView, personView, type PersonViewOptions } from "./view/person_view.ts";
import type { PracticeSet } from "./practices/practices.ts";
import type {
  AccountSource,
  CallOptions,
  DeviceSource,
  DeviceTransform,
  EventSource,
  EventTransform,
  NotificationSource,
  OwnershipSource,
} from "./core/ports.ts";
import type { PersonSnapshot, SnapshotSettings } from "./view/snapshots.ts";
import {
  createPersonViews,
  type PersonViewParts,
  type PersonViews,
  type PersonVisit,
  type ViewOptions,
  type ViewPart,
} from "./view/view.ts";
import {
  type DirectBy,
  directDevices,
  type DirectKind,
  directPersonal,
  namedAddresses,
  recordsByOwner,
} from "./view/direct_lookup.ts";
import type {
  AccessEvent,
  Account,
  Collected,
  DeviceRecord,
  MergedDevice,
  Notification,
} from "./core/types.ts";
import type { StatusHistory } from "./view/person_view.ts";
import { foldEmail } from "./identity/emails.ts";
import { addGaps, type OnCall, type SourceGap } from "./view/gaps.ts";

/** A view's devices and what failed or was missing (no `gaps` key when nothing was). */
function withGaps(view: PersonView): Collected<MergedDevice> {
  const out = { items: view.devices, errors: view.errors };
  return view.gaps.length > 0 ? { ...out, gaps: view.gaps } : out;
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
   * Drops records of by-email lookups that name another owner (see `engine/identity/ownership.ts`).
   * Default: a guard comparing addresses case-insensitively, without domain aliases or logging.
   */
  ownership?: OwnershipGuard;
}

/** The engine's other ports: metrics hook, snapshot store, clock, settings. */
export interface EngineOptions {
  /** Told about every source call once it settles, with its gaps (metrics). Must not throw. */
  onCall?: OnCall;
  /** Where snapshots and status history live; without it views are live and have no history. */
  store?: PersonViewParts["store"];
  /** Where exemptions are read (`engine/view/exemptions.ts`); without it nothing is exempt. */
  exemptions?: ExemptionReader;
  /** The longest an exemption is honoured, in days from its grant (`EXEMPTIONS.MAX_DAYS`; 365). */
  exemptionMaxDays?: number;
  /** Whose days an exemption's last day and maximum count (`UI.timeZone`; default `UTC`). */
  exemptionTimeZone?: string;
  /** The clock (tests inject one). Default `() => new Date()`. */
  now?: () => Date;
  /** Freshness window, "check again" interval, retention (defaults in `snapshots.ts`). */
  snapshots?: Partial<SnapshotSettings>;
  /** Told about store failures, which never fail a view. */
  onError?: (what: string, error: unknown) => void;
  /** Where stale views' refreshes wait for the sources' budgets (`view/refresh_queue.ts`). */
  refreshQueue?: RefreshQueue;
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
  /**
   * A request's reads of a person: one snapshot read, one presentation (`PersonVisit`); with
   * `history: false`, no status history read or recorded (see `PersonViews.visit`).
   */
  visit(email: string, options?: { history?: boolean }): PersonVisit;
  /** The snapshot service: settings, retention, lookups in flight. */
  readonly views: PersonViews;
  /**
   * The person's devices asked of the inventories now (the staged lookup, spec §6.1), through
   * the person's view (`personView()`): the same devices, statuses, "since" and deadlines as a
   * page and `?snapshot=true` show for the same records. Saves no snapshot.
   */
  devices(email: string, options?: LookupOptions): Promise<Collected<MergedDevice>>;
  /**
   * The view of records gathered elsewhere (the debug routes' direct lookups, spec §6.5):
   * `personView()` with the engine's practices, transforms and status history.
   */
  viewOf(
    email: string,
    found: Collected<DeviceRecord>,
    options?: Pick<PersonViewOptions, "grace">,
  ): Promise<PersonView>;
  /**
   * For the batch: the person's records asked now, saved as their snapshot (the records; no
   * accounts or events), and their view with the statuses as evaluated (`grace: false`). The
   * statuses go to `history` (the batch's background writer) when given.
   */
  devicesForBatch(
    email: string,
    options?: LookupOptions & {
      history?: StatusHistory;
      /** Where the snapshot goes (the batch's background writer); default the store. */
      putSnapshot?: (snapshot: PersonSnapshot) => Promise<void>;
    },
  ): Promise<Collected<MergedDevice>>;
  /**
   * The same engine — store, clock, snapshot settings, metrics hook, ownership guard — over other
   * parts: a batch run's sources behind their listings and per-source limits.
   */
  withParts(parts: EngineParts): Engine;
  /**
   * The merged answer of a direct device lookup (the debug routes, spec §6.5), through the
   * person's view: by email, that person's view of the records (`viewOf`); by serial or MAC, the
   * records grouped by the owner they name (`recordsByOwner()`; addresses compared as the
   * ownership guard does) and each owner's viewed as that person, under the address their
   * records name most (`namedAddresses()`, as `/api/v1/devices/merged/<address>` shows them) with
   * the exemptions kept under any of their addresses (with domain aliases a grant may name the
   * guard's address or the records') — their exemptions, status
   * history and grace — so a device shows here what it shows on its owner's page. Records naming
   * no owner, when the others name several (or none), are viewed without a person: no exemption
   * applies to them ("since" and deadlines still come from the device's status history).
   *
   * @returns the devices, owner by owner (owners in address order, the owner-less last), each
   *   owner's in display order; `found`'s errors and gaps are the caller's to report
   */
  viewOfFound(
    lookup: { by: DirectBy; value: string },
    found: Collected<DeviceRecord>,
  ): Promise<MergedDevice[]>;
  /** The debug routes' direct device lookup (see `direct_lookup.ts`); `null`: no such plugin. */
  direct(
    lookup: { by: DirectBy; value: string; plugin?: string | undefined },
    options?: LookupOptions,
  ): Promise<Collected<DeviceRecord> | null>;
  /** One plugin's account, sign-ins or notifications (debug); `null`: no such plugin. */
  directPersonal(
    lookup: { kind: DirectKind; plugin: string; email: string },
    options?: LookupOptions,
  ): Promise<Collected<unknown> | null>;
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
 * import assert from "node:assert/strict";
 * import { DEFAULT_PRACTICES } from "./practices/default_practices.ts";
 * import { buildPracticeSet } from "./practices/practices.ts";
 * const mac = { source: "jamf", platform: "Mac", practices: { firewall: { value: false } } };
 * const jamf = { name: "jamf", timeoutMs: 1000, devicesByEmail: () => Promise.resolve([mac]) };
 * const engine = createEngine({
 *   deviceSources: [jamf], ownershipSources: [], accountSources: [], eventSources: [],
 *   notificationSources: [], deviceTransforms: [], eventTransforms: [],
 *   practices: buildPracticeSet(DEFAULT_PRACTICES, ["firewall"]),
 * });
 * const { items, errors } = await engine.devices("fry@example.com");
 * assert.deepEqual(errors, []);
 * assert.equal(items[0]?.practices.firewall?.status, "warn");
 * assert.equal(items[0]?.practices.firewall?.title, "Firewall is off");
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

  const rules = { practices: parts.practices, deviceTransforms: parts.deviceTransforms };
  const report = options.onError;
  /** Records gathered now, as `email`'s snapshot (`null`: no person's; devices only). */
  const snapshotOf = (email: string | null, found: Collected<DeviceRecord>): PersonSnapshot => ({
    email: email === null ? "" : foldEmail(email),
    collectedAt: now(),
    devices: found,
    accounts: null,
    events: null,
  });
  /**
   * `personView()` of a snapshot gathered here (not the view service's): the engine's rules,
   * exemptions (none with `person: false`) and clock, and the given status history.
   */
  const viewSnapshot = (
    snapshot: PersonSnapshot,
    o: {
      grace?: boolean;
      history: StatusHistory | undefined;
      person?: boolean;
      /** Whose exemptions apply, when not the snapshot's person's (see `exemptionsOfAll`). */
      exemptions?: ExemptionReader | undefined;
    },
  ) =>
    personView(snapshot, {
      ...rules,
      now: now(),
      history: o.history,
      exemptions: o.person === false ? undefined : o.exemptions ?? options.exemptions,
      exemptionMaxDays: options.exemptionMaxDays,
      exemptionTimeZone: options.exemptionTimeZone,
      ...(o.grace === false ? { grace: false } : {}),
      ...(report ? { onError: report } : {}),
    });
  /**
   * The exemptions kept under any of `addresses` (one person's, as domain aliases spell them),
   * each once: a look-up by serial or MAC shows the owner's exemption whichever address it was
   * granted for. `undefined` when the engine reads no exemptions.
   */
  const exemptionsOfAll = (addresses: string[]): ExemptionReader | undefined => {
    const reader = options.exemptions;
    if (!reader) return undefined;
    const unique = [...new Set(addresses)];
    return {
      async exemptionsFor() {
        const seen = new Set<string>();
        return (await Promise.all(unique.map((a) => reader.exemptionsFor(a)))).flat()
          .filter((e) => !seen.has(e.id) && seen.add(e.id) !== undefined);
      },
    };
  };
  /** The view of records gathered elsewhere, as `email` (`null`: no person, nothing exempt). */
  const viewOf = (
    email: string | null,
    found: Collected<DeviceRecord>,
    o: { grace?: boolean } = {},
  ) =>
    viewSnapshot(snapshotOf(email, found), {
      ...o,
      history: options.store?.statuses,
      person: email !== null,
    });

  const views = createPersonViews({
    collect: async (email) => {
      const [devices, accounts, events] = await Promise.all([
        records(email),
        engine.accounts(email),
        engine.events(email),
      ]);
      return { devices, accounts, events };
    },
    rules,
    store: options.store,
    exemptions: options.exemptions,
    exemptionMaxDays: options.exemptionMaxDays,
    exemptionTimeZone: options.exemptionTimeZone,
    now,
    ...(options.snapshots ? { settings: options.snapshots } : {}),
    ...(options.onError ? { onError: options.onError } : {}),
    ...(options.refreshQueue ? { refreshQueue: options.refreshQueue } : {}),
  });

  const engine: Engine = {
    parts,
    records,
    views,
    view: (email, o) => views.view(email, o),
    cachedView: (email, o) => views.cachedView(email, o),
    visit: (email, options) => views.visit(email, options),
    viewOf,
    async devices(email, options = {}) {
      const view = await viewOf(email, await records(email, options));
      return withGaps(view);
    },
    async devicesForBatch(email, lookup = {}) {
      const snapshot = snapshotOf(email, await records(email, lookup));
      // a run in which a source failed keeps the person's older data (as a page's refresh does)
      await views.save(snapshot, lookup.putSnapshot);
      return withGaps(await viewSnapshot(snapshot, { grace: false, history: lookup.history }));
    },
    withParts: (other) => createEngine({ ownership, ...other }, options),
    async viewOfFound(lookup, found) {
      if (lookup.by === "email") return (await viewOf(lookup.value, found)).devices;
      const views = await Promise.all(
        recordsByOwner(found.items, ownership.owner).map((g) => {
          const items = { items: g.records, errors: [] };
          if (g.owner === null) return viewOf(null, items);
          // as the address the records name; the owner's exemptions kept under any of theirs
          const named = namedAddresses(g.records);
          return viewSnapshot(snapshotOf(named[0] ?? g.owner, items), {
            history: options.store?.statuses,
            exemptions: exemptionsOfAll([g.owner, ...named]),
          });
        }),
      );
      return views.flatMap((v) => v.devices);
    },
    direct(lookup, o = {}) {
      return directDevices(parts, {
        ...lookup,
        // records enter the engine as in the staged lookup: whose they are, OS names by build
        admit: (answer) => ownership.keep(lookup.value, answer).map(withReleaseName),
        ...(o.signal ? { signal: o.signal } : {}),
      });
    },
    directPersonal(lookup, o = {}) {
      return directPersonal(parts, { ...lookup, ...(o.signal ? { signal: o.signal } : {}) });
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
