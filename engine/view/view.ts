/**
 * What a person sees (issue 13): devices with "failing since" and grace periods applied, in
 * display order, with accounts and sign-in events — from the person's snapshot when it is fresh,
 * else from one lookup per person per process (single flight), saved as the new snapshot.
 *
 * @module
 */
import { type PersonView, personView, type ViewRules } from "./person_view.ts";
import { readThroughHistory, snapshotOnlyReads, stampOfSnapshot } from "./person_reads.ts";
import type { PersonRead, PersonReadStore, StatusStore } from "../core/store_ports.ts";
import {
  afterRefresh,
  DEFAULT_SNAPSHOT_SETTINGS,
  type PersonSnapshot,
  type SnapshotSettings,
  type SnapshotStamp,
  type SnapshotStore,
} from "./snapshots.ts";
import { foldEmail } from "../identity/emails.ts";
import type { ExemptionReader } from "./exemptions.ts";
import type { RefreshQueue } from "./refresh_queue.ts";

export type { PersonView } from "./person_view.ts";

/** Which part of the view a page needs: a snapshot without that part counts as none. */
export type ViewPart = "devices" | "accounts" | "events";

/** Options of a view. */
export interface ViewOptions {
  /** Oldest acceptable data in ms (default: the freshness window; 0 asks the inventories now). */
  maxAgeMs?: number;
  /** The part the caller shows (default `devices`). */
  need?: ViewPart;
}

/** What {@link createPersonViews} needs. */
export interface PersonViewParts {
  /** One full lookup: device records, accounts and events, never rejecting. */
  collect: (email: string) => Promise<Omit<PersonSnapshot, "email" | "collectedAt">>;
  /** The practices and device transforms every view is evaluated with (`personView()`). */
  rules: ViewRules;
  /**
   * Snapshots, status history and the combined read of a page view (the store's `snapshots`,
   * `statuses` and `personReads`; without `personReads` a visit reads the snapshot alone); none:
   * live views.
   */
  store?:
    | {
      readonly snapshots: SnapshotStore;
      readonly statuses: StatusStore;
      readonly personReads?: PersonReadStore;
    }
    | undefined;
  /** Where the person's exemptions are read (see `personView()`). */
  exemptions?: ExemptionReader | undefined;
  /** The longest an exemption is honoured, in days (see `personView()`). */
  exemptionMaxDays?: number | undefined;
  /** Whose days exemptions count (see `personView()`). */
  exemptionTimeZone?: string | undefined;
  now: () => Date;
  settings?: Partial<SnapshotSettings>;
  /** Told about store failures (which never fail a view). */
  onError?: (what: string, error: unknown) => void;
  /**
   * Where a stale view's background refresh waits for the sources' budgets (issue 24). Without
   * one, a stale view starts its refresh at once.
   */
  refreshQueue?: RefreshQueue | undefined;
}

/** What a cache of something rendered from a person's snapshot compares (see `stamp()`). */
export interface ViewStamp {
  /** Equal for two reads exactly when the snapshot's content is. */
  version: string;
  collectedAt: Date;
  /** Younger than the freshness window: a view of it shows it as it is, starting no refresh. */
  fresh: boolean;
}

/**
 * One request's reads of a person (issue 23): the snapshot is read from the store at most once
 * (its stamp and its content come from that one read), presented at most once (one status-history
 * write), and a lookup, when one is needed, is made at most once. Pages and their navigation badge
 * all ask the same visit.
 */
export interface PersonVisit {
  /** The snapshot's stamp (see `PersonViews.stamp()`), from the visit's one read. */
  stamp(): Promise<ViewStamp | null>;
  /** As `PersonViews.cachedView()`, from the visit's one read. */
  cachedView(need?: ViewPart): Promise<PersonView | null>;
  /** The cached view, else the view of one live lookup (shared with any running one). */
  view(need?: ViewPart): Promise<PersonView>;
  /**
   * The person's dismissals and answers, from the visit's one read (issue 24: one store round
   * trip per page view). Rejects when the store could not be read.
   */
  answered(): Promise<Pick<PersonRead, "dismissed" | "answers">>;
}

/** The view service the engine exposes. */
export interface PersonViews {
  /** A view no older than `maxAgeMs`: the snapshot, or the (shared) lookup's answer. */
  view(email: string, options?: ViewOptions): Promise<PersonView>;
  /**
   * The view from the snapshot whatever its age, without waiting for any inventory; a stale
   * one starts a background refresh. `null` when there is no snapshot with the needed part.
   */
  cachedView(email: string, options?: { need?: ViewPart }): Promise<PersonView | null>;
  /**
   * The person's snapshot's stamp, read without decoding it where the store can (else the whole
   * snapshot is read): a view made from a snapshot with the same `version` is the same view at
   * the same time. `null` when there is no snapshot or the store fails (reported to `onError`).
   * Marks the person seen as a view would.
   */
  stamp(email: string): Promise<ViewStamp | null>;
  /**
   * Saves a snapshot collected elsewhere (a batch run), keeping the previous one's data where the
   * new one went worse (see `afterRefresh`). Never rejects: store failures go to `onError`.
   *
   * @param put where the snapshot to keep goes (the batch's background writer, many people per
   *   store call); default the store's `putSnapshot`
   */
  save(snapshot: PersonSnapshot, put?: (next: PersonSnapshot) => Promise<void>): Promise<void>;
  /**
   * Deletes snapshots of people not seen for `keepDays`, and the device lists of people whose
   * last recorded view is as old (`StatusStore.prunePersonDevices`); returns how many snapshots.
   */
  prune(): Promise<number>;
  /**
   * A request's reads of a person: one snapshot read, one presentation (see {@link PersonVisit}).
   * With `history: false` the view reads and records no status history: no "failing since" or
   * deadline (a warning inside its grace stays a warning), for pages that show neither — the
   * Accounts and Activity pages, whose badge counts warnings and suggestions alike (issue 24:
   * the history's read and `withSince()` were a sixth of such a view's CPU).
   */
  visit(email: string, options?: { history?: boolean }): PersonVisit;
  /** Lookups running now (single flight: at most one per person). */
  readonly inFlight: number;
  readonly settings: Readonly<SnapshotSettings>;
}

/** What a stale view's refresh is doing (see `refreshLater`); `null`: none was started. */
type RefreshState = "running" | "queued" | null;

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/**
 * Builds the view service over a lookup and (optionally) a snapshot store. Without a store every
 * view is live (concurrent ones still share one lookup) and shows no "failing since".
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * let lookups = 0;
 * const views = createPersonViews({
 *   collect: () => (lookups++,
 *     Promise.resolve({ devices: { items: [], errors: [] }, accounts: null, events: null })),
 *   rules: { practices: [], deviceTransforms: [] },
 *   now: () => new Date(),
 * });
 * const [a, b] = await Promise.all([views.view("fry@example.com"), views.view("fry@example.com")]);
 * assert.equal(a.freshness, "live");
 * assert.equal(lookups, 1); // concurrent views share one lookup
 * ```
 */
export function createPersonViews(parts: PersonViewParts): PersonViews {
  const settings: SnapshotSettings = { ...DEFAULT_SNAPSHOT_SETTINGS, ...parts.settings };
  const { now } = parts;
  const store = parts.store?.snapshots;
  const history = parts.store?.statuses;
  const inflight = new Map<string, Promise<PersonSnapshot>>();
  let lastPrune = -Infinity;
  const report = (what: string) => (error: unknown) => parts.onError?.(what, error);

  /** Marks the person seen when the store's record of it is an hour old or more. */
  function seen(key: string, found: { seenAt: Date } | null): void {
    if (store && found && now().getTime() - found.seenAt.getTime() >= HOUR_MS) {
      store.markSnapshotSeen(key, now()).catch(report("mark a snapshot seen"));
    }
  }

  async function read(key: string): Promise<PersonSnapshot | null> {
    if (!store) return null;
    try {
      const found = await store.snapshot(key);
      seen(key, found);
      return found;
    } catch (error: unknown) {
      report("read a snapshot")(error);
      return null;
    }
  }

  /** The stamp from the store, or from the whole snapshot when the store has no stamps. */
  async function readStamp(key: string): Promise<SnapshotStamp | null> {
    if (!store) return null;
    if (store.snapshotStamp) return await store.snapshotStamp(key);
    const found = await store.snapshot(key);
    return found && stampOfSnapshot(found);
  }

  /** The one lookup per person: joins a running one, else starts it and saves its answer. */
  function lookup(key: string, email: string, previous: PersonSnapshot | null) {
    const running = inflight.get(key);
    if (running) return running;
    const started = (async () => {
      const got = await parts.collect(email);
      const next = afterRefresh(previous, { email: key, collectedAt: now(), ...got }, now());
      await store?.putSnapshot(next).catch(report("save a snapshot"));
      return next;
    })().finally(() => inflight.delete(key));
    inflight.set(key, started);
    maybePrune();
    return started;
  }

  /**
   * Whether a stale snapshot should be refreshed now: not while a refresh of it that failed
   * (`failedRefresh`, a source that did not answer) is younger than the freshness window, so a
   * source that is down is asked again once per window per person, not on every view.
   */
  const due = (s: PersonSnapshot) =>
    !s.failedRefresh || now().getTime() - s.failedRefresh.at.getTime() >= settings.freshMs;

  /**
   * The background refresh of a stale view: at once without a refresh queue, else when the
   * sources' budgets allow (decided by the queue when asked, from the budgets' tokens: see
   * `RefreshQueue.request`), reading the snapshot again when a queued person's turn comes and
   * dropping one refreshed meanwhile (by a batch, another process or a "Check again") before any
   * budget is spent. Resolves once that is decided; nobody awaits the refresh itself: a lookup
   * that throws is reported, never left as an unhandled rejection (which ends a Deno process);
   * the stale view stays.
   *
   * @returns `running` when a refresh runs (it had its tokens when asked), `queued` when it
   *   waits for the sources' budget or behind people who do, `null` when none was started (the
   *   view says neither)
   */
  async function refreshLater(
    key: string,
    email: string,
    stale: PersonSnapshot,
  ): Promise<RefreshState> {
    if (inflight.has(key)) return "running";
    if (!due(stale)) return null;
    const queue = parts.refreshQueue;
    if (!queue) {
      lookup(key, email, stale).catch(report("refresh a snapshot"));
      return "running";
    }
    let current: PersonSnapshot | null = stale;
    const outcome = await queue.request(key, {
      async needed() {
        if (inflight.has(key)) return false;
        current = await read(key);
        return !current || (age(current) >= settings.freshMs && due(current));
      },
      async refresh() {
        if (!inflight.has(key)) await lookup(key, email, current);
      },
    });
    return outcome === "started" ? "running" : outcome === "full" ? null : "queued";
  }

  function maybePrune() {
    if (!store || now().getTime() - lastPrune < HOUR_MS) return;
    lastPrune = now().getTime();
    prune().catch(report("delete old snapshots"));
  }

  async function prune(): Promise<number> {
    if (!store) return 0;
    const before = new Date(now().getTime() - settings.keepDays * DAY_MS);
    const [snapshots] = await Promise.all([
      store.pruneSnapshots(before),
      history?.prunePersonDevices(before),
    ]);
    return snapshots;
  }

  /**
   * The view of `s`. With `found` (a visit's one read), the statuses read with the snapshot answer
   * an unchanged view without a write, and exemptions read with it (when the store's read has
   * them) are the ones applied.
   */
  function present(
    s: PersonSnapshot,
    live: boolean,
    refresh: RefreshState = null,
    found: PersonRead | null = null,
    withHistory = true,
  ) {
    const at = now();
    const ageMs = at.getTime() - s.collectedAt.getTime();
    const read = found?.exemptions;
    return personView(s, {
      ...parts.rules,
      now: at,
      history: !withHistory
        ? undefined
        : found && parts.store
        ? readThroughHistory(parts.store.statuses, found.statuses, s.email)
        : history,
      exemptions: read ? { exemptionsFor: () => Promise.resolve(read) } : parts.exemptions,
      exemptionMaxDays: parts.exemptionMaxDays,
      exemptionTimeZone: parts.exemptionTimeZone,
      freshness: live ? "live" : ageMs < settings.freshMs ? "fresh" : "stale",
      refreshing: refresh === "running",
      refreshQueued: refresh === "queued",
      ...(parts.onError ? { onError: parts.onError } : {}),
    });
  }

  const has = (s: PersonSnapshot, need: ViewPart) => need === "devices" || s[need] !== null;
  const age = (s: { collectedAt: Date }) => now().getTime() - s.collectedAt.getTime();

  const personReads = parts.store?.personReads ??
    (store ? snapshotOnlyReads(store) : undefined);

  /**
   * A visit's one read (`PersonReadStore.read`): the snapshot's stamp, its statuses, dismissals
   * and answers. `raw` rejects when the store failed; `found` is then `null` (told to `onError`,
   * and the view looks up live).
   */
  function readPerson(email: string, key: string, withHistory: boolean) {
    const raw = personReads
      ? personReads.read(email, withHistory ? undefined : { statuses: false })
      : Promise.resolve(null);
    const found = raw.then((got) => {
      seen(key, got?.snapshot ?? null);
      return got;
    }, (error: unknown) => {
      report("read a snapshot")(error);
      return null;
    });
    return { raw, found };
  }

  /** The snapshot a stamp was read with (read again where the store cannot hand it on). */
  async function contentOf(key: string, found: PersonRead | null) {
    const stamp = found?.snapshot;
    if (!stamp || !store) return null;
    try {
      return stamp.snapshot ? stamp.snapshot() : await store.snapshot(key);
    } catch (error: unknown) {
      report("read a snapshot")(error);
      return null;
    }
  }

  function visit(email: string, options: { history?: boolean } = {}): PersonVisit {
    const key = foldEmail(email);
    const withHistory = options.history !== false;
    let read: ReturnType<typeof readPerson> | undefined;
    let content: Promise<PersonSnapshot | null> | undefined;
    let cached: Promise<PersonView | null> | undefined;
    let live: Promise<PersonView> | undefined;
    const once = () => (read ??= readPerson(email, key, withHistory)).found;
    const cachedView = async (need: ViewPart = "devices") => {
      const found = await once();
      const s = await (content ??= contentOf(key, found));
      if (!s || !has(s, need)) return null;
      cached ??= age(s) < settings.freshMs
        ? present(s, false, null, found, withHistory)
        : refreshLater(key, email, s).then((refresh) =>
          present(s, false, refresh, found, withHistory)
        );
      return await cached;
    };
    return {
      async stamp() {
        const stamp = (await once())?.snapshot;
        if (!stamp) return null;
        const { version, collectedAt } = stamp;
        return { version, collectedAt, fresh: age(stamp) < settings.freshMs };
      },
      cachedView,
      async view(need = "devices") {
        const shown = await cachedView(need);
        if (shown) return shown;
        live ??= (async () => {
          const running = inflight.get(key);
          const previous = await (content ??= once().then((found) => contentOf(key, found)));
          const next = await (running ?? lookup(key, email, previous));
          return await present(next, true, null, await once(), withHistory);
        })();
        return await live;
      },
      async answered() {
        const got = await (read ??= readPerson(email, key, withHistory)).raw;
        return got ?? { dismissed: new Set(), answers: new Map() };
      },
    };
  }

  return {
    settings,
    visit,
    get inFlight() {
      return inflight.size;
    },
    prune,
    async stamp(email) {
      const key = foldEmail(email);
      try {
        const found = await readStamp(key);
        seen(key, found);
        if (!found) return null;
        const { version, collectedAt } = found;
        return { version, collectedAt, fresh: age(found) < settings.freshMs };
      } catch (error: unknown) {
        report("read a snapshot")(error);
        return null;
      }
    },
    async save(snapshot, put) {
      if (!store) return;
      const key = foldEmail(snapshot.email);
      // when nothing failed, afterRefresh() saves the new snapshot whatever the previous one
      // was: it is not read (issue 25: one read and decode per person of a batch run)
      const failed = snapshot.devices.errors.length + (snapshot.accounts?.errors.length ?? 0) +
        (snapshot.events?.errors.length ?? 0);
      const previous = failed === 0 ? null : await store.snapshot(key).catch((error: unknown) => {
        report("read a snapshot")(error);
        return null;
      });
      const next = afterRefresh(previous, { ...snapshot, email: key }, snapshot.collectedAt);
      await (put ?? store.putSnapshot)(next).catch(report("save a snapshot"));
    },
    async view(email, options = {}) {
      const key = foldEmail(email);
      const maxAge = options.maxAgeMs ?? settings.freshMs;
      const running = inflight.get(key);
      if (running) return await present(await running, true);
      const snap = await read(key);
      if (snap && has(snap, options.need ?? "devices") && age(snap) < maxAge && maxAge > 0) {
        return await present(snap, false);
      }
      return await present(await lookup(key, email, snap), true);
    },
    async cachedView(email, options = {}) {
      const key = foldEmail(email);
      const snap = await read(key);
      if (!snap || !has(snap, options.need ?? "devices")) return null;
      if (age(snap) < settings.freshMs) return await present(snap, false);
      return await present(snap, false, await refreshLater(key, email, snap));
    },
  };
}
