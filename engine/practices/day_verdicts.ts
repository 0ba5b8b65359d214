/**
 * The up-to-date practice's verdicts shared by everybody (issue 24): what the practice says about
 * an OS version depends only on the record's OS facts (`os`, `os_version`, `os_build`,
 * `security_patch_level`, `auto_update_expiration`), the configuration, the release data in use
 * and the calendar day — not on whose device it is. A company's devices run a few hundred such
 * combinations, so this memo hits for 100,000 distinct people as often as for six; it holds no
 * person, device or session, only OS facts.
 *
 * **Exact, not approximate.** A verdict reads the clock only through UTC calendar days
 * (`daysBetween`, `monthsBetween`, `formatDay`) and through comparisons of the clock with instants
 * (`hasEnded`, a target's `by`, a Chromebook's expiry). Those comparisons give the same answer all
 * day long when every such instant is a UTC midnight, as the feeds publish them (endoflife.date's
 * dates, SOFA's `ReleaseDate` `…T00:00:00Z`, Android's patch levels). The memo is therefore used
 * only when the release data's instants ({@link alignedToDays}) and the record's dates are all
 * UTC midnights; any other record or data is judged afresh every time. A new release snapshot (a
 * refresh of the feeds) or a new UTC day starts an empty memo.
 *
 * @module
 */
import type { ReleaseData, ReleaseSnapshot } from "../releases/releases.ts";
import type { DeviceRecord } from "../core/types.ts";

const DAY_MS = 86_400_000;

/** Whether an instant is a UTC midnight. */
const midnight = (at: Date) => at.getTime() % DAY_MS === 0;

/** Release data already checked by {@link alignedToDays} (feeds are few; a snapshot is reused). */
const checked = new WeakMap<ReleaseData, boolean>();

/**
 * Whether every instant of the release data a verdict compares with the clock is a UTC midnight:
 * each lifecycle cycle's `eol` and `extendedSupport` when a date, each Apple security release's
 * `released` (its deadline is that day plus whole days). Remembered per data object.
 *
 * @param data the release data of a snapshot
 * @returns `true` when verdicts made with it are the same all UTC day
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const cycle = (eol: Date) => ({
 *   cycle: "13", label: "13", released: null, eol, latest: null, latestReleased: null,
 * });
 * const at = (eol: string) => ({ apple: {}, lifecycles: { macos: [cycle(new Date(eol))] } });
 * assert.equal(alignedToDays(at("2025-09-15")), true);
 * assert.equal(alignedToDays(at("2025-09-15T17:00:00Z")), false);
 * ```
 */
export function alignedToDays(data: ReleaseData): boolean {
  let aligned = checked.get(data);
  if (aligned !== undefined) return aligned;
  aligned = true;
  for (const cycles of Object.values(data.lifecycles)) {
    for (const c of cycles ?? []) {
      if (c.eol instanceof Date && !midnight(c.eol)) aligned = false;
      if (c.extendedSupport instanceof Date && !midnight(c.extendedSupport)) aligned = false;
    }
  }
  for (const majors of Object.values(data.apple)) {
    for (const m of majors ?? []) {
      for (const r of m.securityReleases) if (!midnight(r.released)) aligned = false;
    }
  }
  checked.set(data, aligned);
  return aligned;
}

/**
 * A record's date field as a key: `null` when absent, its epoch ms when a UTC midnight, else
 * `undefined` (unkeyable: the record is judged afresh).
 */
function dayOf(value: unknown): number | null | undefined {
  if (value === undefined || value === null) return null;
  return value instanceof Date && midnight(value) ? value.getTime() : undefined;
}

/**
 * One practice's verdicts by a record's OS facts (`os`, `os_version`, `os_build`,
 * `security_patch_level`, `auto_update_expiration`), for the release snapshot and UTC day in use;
 * bounded (past `limit` verdicts nothing more is remembered until the next day or snapshot). A
 * record whose patch level or update expiry is not a UTC midnight (or not a date) has no key:
 * nothing is remembered or found for it.
 *
 * The facts are looked up level by level in maps of the values as the record holds them rather
 * than joined into one string key: the joined key (the dates as digits, five parts and four
 * separators) was built and hashed for every record judged (issue 24: a look-up of a freshly
 * decoded record ~250 → ~80 ns, both ways in one process).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const memo = new DayVerdicts<string>(10);
 * const day = new Date("2026-12-07T09:00:00Z");
 * const mac = { source: "jamf", os: "macOS", os_version: "26.1" };
 * memo.of(null, day)?.set(mac, "macOS", "ok");
 * assert.equal(memo.of(null, new Date("2026-12-07T23:59:00Z"))?.get(mac, "macOS"), "ok");
 * assert.equal(memo.of(null, new Date("2026-12-08T00:00:00Z"))?.get(mac, "macOS"), undefined);
 * const pixel = { source: "google", os: "Android", os_version: "16" };
 * const patched = (at: string) => ({ ...pixel, security_patch_level: new Date(at) });
 * const today = memo.of(null, day)!;
 * today.set(patched("2026-11-05"), "Android", "ok");
 * assert.equal(today.get(patched("2026-11-05"), "Android"), "ok");
 * today.set(patched("2026-11-05T08:00:00Z"), "Android", "warn"); // not a midnight: not kept
 * assert.equal(today.get(patched("2026-11-05T08:00:00Z"), "Android"), undefined);
 * ```
 */
export class DayVerdicts<T> {
  readonly #limit: number;
  #snapshot: ReleaseSnapshot | null = null;
  #day = NaN;
  /** os → os_version → os_build → patch level → update expiry → verdict. */
  #memo: Level = new Map();
  #count = 0;

  /** @param limit the most verdicts remembered per day and snapshot */
  constructor(limit: number) {
    this.#limit = limit;
  }

  /**
   * The memo for `snapshot` (the release data in use, `null` without any) on `now`'s UTC day,
   * emptied when either changed; `undefined` when the data's instants are not all UTC midnights
   * (then nothing may be remembered).
   */
  of(snapshot: ReleaseSnapshot | null, now: Date): DayVerdicts<T> | undefined {
    const day = Math.floor(now.getTime() / DAY_MS);
    if (snapshot === this.#snapshot && day === this.#day) return this;
    if (snapshot !== null && !alignedToDays(snapshot.data)) return undefined;
    this.#snapshot = snapshot;
    this.#day = day;
    this.#memo = new Map();
    this.#count = 0;
    return this;
  }

  /**
   * The remembered verdict of a record's OS facts.
   *
   * @param record the source record
   * @param os its OS name (`record.os`, not empty)
   */
  get(record: DeviceRecord, os: string): T | undefined {
    const patch = dayOf(record.security_patch_level);
    const expiry = dayOf(record.auto_update_expiration);
    if (patch === undefined || expiry === undefined) return undefined;
    const byVersion = this.#memo.get(os) as Level | undefined;
    const byBuild = byVersion?.get(record.os_version) as Level | undefined;
    const byPatch = byBuild?.get(record.os_build) as Level | undefined;
    const byExpiry = byPatch?.get(patch) as Level | undefined;
    return byExpiry?.get(expiry) as T | undefined;
  }

  /** Remembers a verdict of a record's OS facts, unless `limit` verdicts are remembered already. */
  set(record: DeviceRecord, os: string, value: T): void {
    const patch = dayOf(record.security_patch_level);
    const expiry = dayOf(record.auto_update_expiration);
    if (patch === undefined || expiry === undefined || this.#count >= this.#limit) return;
    const byVersion = step(this.#memo, os);
    const byExpiry = step(step(step(byVersion, record.os_version), record.os_build), patch);
    if (!byExpiry.has(expiry)) this.#count++;
    byExpiry.set(expiry, value);
  }
}

type Level = Map<unknown, unknown>;

/** The level under `fact`, made when missing. */
function step(level: Level, fact: unknown): Level {
  let next = level.get(fact) as Level | undefined;
  if (next === undefined) level.set(fact, next = new Map());
  return next;
}
