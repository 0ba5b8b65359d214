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

/** A record's date field in a key: `-` when absent, its ms when a UTC midnight, else unkeyable. */
function dayOf(value: unknown): string | undefined {
  if (value === undefined || value === null) return "-";
  return value instanceof Date && midnight(value) ? String(value.getTime()) : undefined;
}

/**
 * The key of a record's OS facts, or `undefined` when a date among them is not a UTC midnight
 * (or not a date at all): such a record is judged afresh.
 *
 * @param record the source record
 * @param os its OS name (`record.os`, not empty)
 * @returns `os`, `os_version`, `os_build`, `security_patch_level` and `auto_update_expiration`
 *   joined by NUL characters
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const pixel = {
 *   source: "google", os: "Android", os_version: "16",
 *   security_patch_level: new Date("2026-11-05"),
 * };
 * assert.equal(osFactsKey(pixel, "Android"), "Android\u000016\u0000\u00001793836800000\u0000-");
 * const odd = { ...pixel, security_patch_level: new Date("2026-11-05T08:00:00Z") };
 * assert.equal(osFactsKey(odd, "Android"), undefined);
 * ```
 */
export function osFactsKey(record: DeviceRecord, os: string): string | undefined {
  const patch = dayOf(record.security_patch_level);
  const expiry = dayOf(record.auto_update_expiration);
  if (patch === undefined || expiry === undefined) return undefined;
  return `${os}\u0000${record.os_version ?? ""}\u0000${
    record.os_build ?? ""
  }\u0000${patch}\u0000${expiry}`;
}

/**
 * One practice's verdicts by {@link osFactsKey}, for the release snapshot and UTC day in use;
 * bounded (past `limit` keys nothing more is remembered until the next day or snapshot).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const memo = new DayVerdicts<string>(10);
 * const day = new Date("2026-12-07T09:00:00Z");
 * memo.of(null, day)?.set("macOS\u000026.1", "ok");
 * assert.equal(memo.of(null, new Date("2026-12-07T23:59:00Z"))?.get("macOS\u000026.1"), "ok");
 * assert.equal(memo.of(null, new Date("2026-12-08T00:00:00Z"))?.get("macOS\u000026.1"), undefined);
 * ```
 */
export class DayVerdicts<T> {
  readonly #limit: number;
  #snapshot: ReleaseSnapshot | null = null;
  #day = NaN;
  #memo = new Map<string, T>();

  /** @param limit the most keys remembered per day and snapshot */
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
    return this;
  }

  /** The remembered verdict of a key. */
  get(key: string): T | undefined {
    return this.#memo.get(key);
  }

  /** Remembers a verdict, unless `limit` keys are remembered already. */
  set(key: string, value: T): void {
    if (this.#memo.size < this.#limit) this.#memo.set(key, value);
  }
}
