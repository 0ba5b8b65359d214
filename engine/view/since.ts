/**
 * "Failing since": when each device was first seen in its current status for each practice,
 * recorded in the store from page views and batch runs, and the grace period a practice may give
 * (`GRACE_DAYS`): a new `warn` is shown as a `nudge` with its deadline until the grace ends.
 *
 * @module
 */
import type { StatusObservation, StatusStore } from "../core/store_ports.ts";
import type { PracticeSet } from "../practices/practices.ts";
import type { MergedDevice, PracticeData, Span } from "../core/types.ts";
import { deviceKey } from "../identity/device_key.ts";

export { deviceKey } from "../identity/device_key.ts";

const DAY_MS = 86_400_000;

/** The key `StatusStore.observe()` answers with for one device and practice (see store_ports.ts). */
export function observationKey(device: string, practice: string): string {
  return `${device}\u0000${practice}`;
}

/** {@link graceDays} per practice set: the configuration's, the same for every view. */
const graceOf = new WeakMap<PracticeSet, ReadonlyMap<string, number>>();

/**
 * Practice key → `GRACE_DAYS`, for practices that set one. Read once per practice set (a
 * configuration's, shared by every view; held weakly) rather than once per view.
 */
export function graceDays(practices: PracticeSet): ReadonlyMap<string, number> {
  let out = graceOf.get(practices);
  if (out === undefined) {
    const grace = new Map<string, number>();
    for (const p of practices) {
      if (p.config.GRACE_DAYS !== undefined) grace.set(p.key, p.config.GRACE_DAYS);
    }
    graceOf.set(practices, out = grace);
  }
  return out;
}

/**
 * How stale a recorded status's last sighting may get before an unchanged observation records it
 * again (an hour): a page view whose statuses did not change writes nothing (issue 24).
 */
export const SEEN_REFRESH_MS = 3_600_000;

/**
 * Whether an observation needs no write: the history already holds its status, seen less than
 * {@link SEEN_REFRESH_MS} before it.
 *
 * @param row the recorded status and when it was last seen (ms or Date)
 * @param o the observation
 * @returns `true` when recording `o` would change nothing that matters
 */
export function statusUnchanged(
  row: { status: unknown; seenAt: Date | number },
  o: StatusObservation,
): boolean {
  const seen = typeof row.seenAt === "number" ? row.seenAt : row.seenAt.getTime();
  return row.status === o.status && o.since.getTime() - seen < SEEN_REFRESH_MS;
}

/**
 * What every device's practices look like now, for `store.observe()`: `warn`, `nudge` and `ok`
 * only — a practice that turns `unknown` (the source stopped saying) keeps its history.
 */
export function observations(devices: readonly MergedDevice[], now: Date): StatusObservation[] {
  return observationsOf(devices, devices.map(deviceKey), now);
}

/** {@link observations} with each device's key already known (`keys[i]` of `devices[i]`). */
function observationsOf(
  devices: readonly MergedDevice[],
  keys: readonly (string | null)[],
  now: Date,
): StatusObservation[] {
  const out: StatusObservation[] = [];
  for (let i = 0; i < devices.length; i++) {
    const device = keys[i];
    if (device === null || device === undefined) continue;
    const practices = devices[i]!.practices;
    for (const practice in practices) {
      const status = practices[practice]!.status;
      if (status === "warn" || status === "nudge" || status === "ok") {
        out.push({ device, practice, status, since: now });
      }
    }
  }
  return out;
}

/**
 * The deadline of a failing practice whose grace clock exemptions paused (issue 26). **The rule:
 * an exemption pauses the clock; it never restarts it.** Without exemptions the deadline is
 * `since` + `graceDays`. Each stretch of time an exemption covered while the clock was running —
 * after `since` and before the deadline as moved so far — moves the deadline later by its length;
 * overlapping exemptions count once. So granting and revoking at once changes nothing; a 90-day
 * exemption granted with 10 days of grace left gives the item back with 10 days left (a deadline
 * 90 days later than before); an exemption granted after the deadline had passed gives it back
 * overdue from the same day as before.
 *
 * @param since when the failing status was first seen (the status history)
 * @param graceDays the practice's `GRACE_DAYS`
 * @param spans the time exemptions of this device's practice covered, up to now, in any order
 * @returns the deadline
 * @example Failing since 1 December with 14 grace days; exempt 5–25 December (20 days)
 * ```ts
 * import assert from "node:assert/strict";
 * const d = pausedDeadline(new Date("2026-12-01T00:00:00Z"), 14, [
 *   { from: new Date("2026-12-05T00:00:00Z"), to: new Date("2026-12-25T00:00:00Z") },
 * ]);
 * assert.equal(d.toISOString(), "2027-01-04T00:00:00.000Z"); // 15 December + 20 days
 * ```
 */
export function pausedDeadline(since: Date, graceDays: number, spans: readonly Span[]): Date {
  let deadline = since.getTime() + graceDays * DAY_MS;
  let counted = since.getTime(); // time before this is already accounted for
  const sorted = [...spans].sort((a, b) => a.from.getTime() - b.from.getTime());
  for (const s of sorted) {
    const from = Math.max(s.from.getTime(), counted);
    const to = s.to.getTime();
    if (from >= deadline) break; // the clock had run out before this exemption began
    if (to <= from) continue;
    deadline += to - from;
    counted = to;
  }
  return new Date(deadline);
}

/**
 * The practice as shown, given when its status began: `since` on `warn` and `nudge`. With grace
 * days the deadline is since + grace days, moved later by the time exemptions of it covered while
 * the clock ran ({@link pausedDeadline}). Graded (the default, as people see it): a `warn` still
 * inside its grace period becomes a `nudge` with its `deadline`. Not graded (the batch: statuses as
 * evaluated): the status stays and every failing practice with grace days carries its `deadline`,
 * passed or not, so the Dashboard's rows show the deadline the person's page shows.
 *
 * @param p the evaluated practice
 * @param since when its current status was first seen
 * @param options the practice's grace days (if any), the current time, the time exemptions of it
 *   covered so far (if any), and whether to grade (default `true`)
 * @returns a new practice object (or `p` unchanged when there is nothing to add)
 */
export function showSince(
  p: PracticeData,
  since: Date,
  options: {
    grace: number | undefined;
    now: Date;
    exempted?: readonly Span[] | undefined;
    grade?: boolean;
  },
): PracticeData {
  if (p.status !== "warn" && p.status !== "nudge") return p;
  const graded = options.grade !== false;
  if (options.grace === undefined || options.grace <= 0) return { ...p, since };
  if (graded && p.status !== "warn") return { ...p, since };
  const deadline = pausedDeadline(since, options.grace, options.exempted ?? []);
  if (!graded) return { ...p, since, deadline };
  if (options.now.getTime() < deadline.getTime()) return { ...p, status: "nudge", since, deadline };
  return { ...p, since };
}

/** Options of {@link withSince}. */
export interface SinceOptions {
  now: Date;
  /** When the statuses were observed (a snapshot's collection time); default `now`. */
  seenAt?: Date;
  /** Practice key → grace days (see {@link graceDays}). */
  grace?: ReadonlyMap<string, number>;
  /**
   * `true` (default): a `warn` inside its grace is shown as a `nudge` ({@link showSince}).
   * `false`: statuses as evaluated, each failing practice with grace days carrying its deadline.
   */
  grade?: boolean;
  /**
   * The time exemptions of this device's practice covered so far, which pauses its grace clock
   * ({@link pausedDeadline}; `engine/view/exemptions.ts` `exemptionSpans()`).
   */
  exempted?: (device: string, practice: string) => readonly Span[];
  /** Told when the store fails; the devices are then returned without history. */
  onError?: (error: unknown) => void;
}

/**
 * Records the devices' statuses in the store and returns copies showing since when each critical
 * or suggested practice has been so (and grace periods). Never rejects: if the store fails, the
 * devices come back as they were. A device none of whose practices shows a "since" comes back as
 * it was too, and the others' practices are copied once, not rebuilt key by key (issue 24: most
 * practices of most devices are `ok`).
 *
 * @param store where the history lives
 * @param devices the person's merged devices (not changed)
 * @returns the devices, in the same order: a new object for each one that shows a "since"
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const since = new Date("2026-12-01T00:00:00Z");
 * const statuses = { observe: async () => new Map([["serial:C02X\u0000firewall", since]]) };
 * const mac = { sources: ["jamf"], identifiers: { serial: "C02X" },
 *   practices: { firewall: { status: "warn" as const } } };
 * const [shown] = await withSince(statuses, [mac], {
 *   now: new Date("2026-12-07T00:00:00Z"),
 *   grace: new Map([["firewall", 14]]), // GRACE_DAYS: 14
 * });
 * assert.deepEqual(shown?.practices.firewall, {
 *   status: "nudge", since, deadline: new Date("2026-12-15T00:00:00Z"),
 * });
 * ```
 */
export async function withSince(
  store: Pick<StatusStore, "observe">,
  devices: MergedDevice[],
  options: SinceOptions,
): Promise<MergedDevice[]> {
  const keys = devices.map(deviceKey);
  const obs = observationsOf(devices, keys, options.seenAt ?? options.now);
  if (obs.length === 0) return devices;
  let began: Map<string, Date>;
  try {
    began = await store.observe(obs);
  } catch (error: unknown) {
    options.onError?.(error);
    return devices;
  }
  // the history answered nothing (a failed batch write): no copies (issue 25: CPU, garbage)
  if (began.size === 0) return devices;
  const grade = options.grade === false ? { grade: false } : {};
  return devices.map((d, i) => {
    const key = keys[i]!;
    if (key === null) return d;
    // copied only when a practice shows a "since": most devices' statuses are `ok` (issue 24)
    let practices: Record<string, PracticeData> | undefined;
    for (const name in d.practices) {
      const p = d.practices[name]!;
      // showSince() keeps any other status as it is: no look-up, spans or options for it
      if (p.status !== "warn" && p.status !== "nudge") continue;
      const since = began.get(observationKey(key, name));
      if (since === undefined) continue;
      practices ??= { ...d.practices };
      practices[name] = showSince(p, since, {
        grace: options.grace?.get(name),
        now: options.now,
        exempted: options.exempted?.(key, name),
        ...grade,
      });
    }
    return practices === undefined ? d : { ...d, practices };
  });
}
