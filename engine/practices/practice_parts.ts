/**
 * The parts every practice evaluator is built from (spec §5): per-OS lookups (the original's
 * longest-prefix rule, remembered per OS name), version verdicts against required and recommended
 * versions, the platform overrides (`NA_PLATFORMS`, `OK_PLATFORMS`, `PLATFORM_REQUIRED`), and the
 * injector that writes status, title, description, directions and link into a record's practice
 * data. Changes when a rule shared by every practice type changes.
 *
 * @module
 */
import type { PracticeConfig } from "./practice_config.ts";
import { titleTemplate } from "./practice_titles.ts";
import { TitleFiller } from "./title_filler.ts";
import { type DeviceRecord, type PracticeData, type Status, STATUSES } from "../core/types.ts";
import { compareOsVersions, parseOsVersion } from "../releases/versions.ts";

const PLACEHOLDER_RE = /\{(\d*)\}/g;
const BOUNDARY_RE = /[\s,(]/;
const NONE: unique symbol = Symbol("none");
/** How many answers a per-practice cache keeps (configs are fixed, OS names and versions few). */
export const CACHE_LIMIT = 1000;

/** Replaces `{}` (in order) or `{n}` placeholders, like Python's `str.format`. */
export function formatMessage(template: string, ...args: string[]): string {
  let next = 0;
  return template.replace(
    PLACEHOLDER_RE,
    (_, n: string) => args[n === "" ? next++ : Number(n)] ?? "",
  );
}

/**
 * The entry of a per-OS map for an OS name: the exact key, else the longest key the name starts
 * with followed by a space or comma (so `Microsoft Windows 11` matches
 * `Microsoft Windows 11 Enterprise, 64-bit`).
 */
export function lookupByOs<T>(
  map: Readonly<Record<string, T>> | undefined,
  os: string,
): T | undefined {
  if (map === undefined) return undefined;
  // own keys only: a device whose OS is named "valueOf" or "constructor" has no rule
  const exact = Object.hasOwn(map, os) ? map[os] : undefined;
  if (exact !== undefined) return exact;
  let best: string | undefined;
  for (const key of Object.keys(map)) {
    if (os.length > key.length && os.startsWith(key) && BOUNDARY_RE.test(os.charAt(key.length))) {
      if (best === undefined || key.length > best.length) best = key;
    }
  }
  return best === undefined ? undefined : map[best];
}

/**
 * `lookupByOs` for one map, remembering answers per OS name (configs are fixed). A class, so the
 * call sites that ask every record stay monomorphic.
 */
export class OsMap<T> {
  readonly #map: Readonly<Record<string, T>> | undefined;
  // one Map read per call: a remembered "no entry" is stored as NONE
  readonly #cache = new Map<string, T | typeof NONE>();

  /** @param map a per-OS map of a practice's configuration (not copied; it must not change) */
  constructor(map: Readonly<Record<string, T>> | undefined) {
    this.#map = map;
  }

  /** The entry for `os` (see {@link lookupByOs}). */
  get(os: string): T | undefined {
    const seen = this.#cache.get(os);
    if (seen !== undefined) return seen === NONE ? undefined : seen;
    const found = lookupByOs(this.#map, os);
    if (this.#cache.size < CACHE_LIMIT) this.#cache.set(os, found === undefined ? NONE : found);
    return found;
  }
}

/** {@link OsMap} as a function. */
export function osLookup<T>(
  map: Readonly<Record<string, T>> | undefined,
): (os: string) => T | undefined {
  const lookup = new OsMap(map);
  return (os) => lookup.get(os);
}

/**
 * `warn` when `version` is below the required version for `os`, `nudge` when below the recommended
 * one, `ok` when `os` has a rule and neither applies, `unknown` when `os` has a rule but `version`
 * is not a version of the grammar in `engine/releases/versions.ts` (never a failure made from text the
 * engine cannot read), `null` without a version or a rule.
 *
 * @param os the device's OS name, which selects the rules
 * @param version the version to judge (an installed application's, for software practices)
 * @param rules the practice's version maps
 * @param options `grammarOs`: read `version` with this OS's spellings (`parseOsVersion`), e.g.
 *   the RSR letter of `13.4.1a` on macOS; omit it for application versions
 */
export function checkInstalledVersion(
  os: string,
  version: string | null | undefined,
  rules: Pick<PracticeConfig, "REQUIRED_VERSIONS" | "RECOMMENDED_VERSIONS">,
  options: { grammarOs?: string } = {},
): Status | null {
  return versionStatus(
    version,
    lookupByOs(rules.REQUIRED_VERSIONS, os),
    lookupByOs(rules.RECOMMENDED_VERSIONS, os),
    options.grammarOs,
  );
}

/**
 * The verdict of {@link checkInstalledVersion} once the required and recommended versions for the
 * OS are known.
 *
 * @param grammarOs read `version` with this OS's spellings (`parseOsVersion`); undefined for
 *   application versions
 */
export function versionStatus(
  version: string | null | undefined,
  required: string | undefined,
  recommended: string | undefined,
  grammarOs: string | undefined,
): Status | null {
  if (version === null || version === undefined || version === "") return null;
  if (required === undefined && recommended === undefined) return null;
  if (parseOsVersion(version, grammarOs) === null) return "unknown";
  if (required !== undefined && compareOsVersions(version, required, grammarOs) === -1) {
    return "warn";
  }
  if (recommended !== undefined && compareOsVersions(version, recommended, grammarOs) === -1) {
    return "nudge";
  }
  return "ok";
}

/** `unknown` without evidence, `ok` when the evidence says followed, else `falseStatus`. */
export function checkExists(record: DeviceRecord, key: string, falseStatus: Status): Status {
  const value = record.practices?.[key]?.value;
  if (value === null || value === undefined) return "unknown";
  return value ? "ok" : falseStatus;
}

/** Writes a status (and extra attributes) into a copy of a record's practice data. */
export type Inject = (record: DeviceRecord, status: Status, attrs?: PracticeData) => PracticeData;

/**
 * The injector of one practice: the record's own evidence for `c.KEY`, plus the status, the title
 * for that status (`DISPLAY_TITLE`, filled with the record's fields and recommended version), the
 * directions for the record's OS, `DESCRIPTION`, `DISPLAY` (default true), `LINK`, and `attrs`.
 *
 * @returns a function that never changes the record it is given
 */
export function injector(c: PracticeConfig): Inject {
  const title = c.DISPLAY_TITLE;
  const directions = c.DIRECTIONS;
  const fixedDirections = typeof directions === "string" ? directions : undefined;
  const directionsFor = new OsMap(typeof directions === "string" ? undefined : directions);
  const display = c.DISPLAY ?? true;
  const recommendedFor = osLookup(c.RECOMMENDED_VERSIONS);
  // one filler per status, made once: titles are filled for every practice of every record
  const fillers: Partial<Record<Status, TitleFiller>> = {};
  for (const status of STATUSES) {
    const t = titleTemplate(title, status);
    if (t !== undefined) fillers[status] = new TitleFiller(t);
  }
  const key = c.KEY;
  const description = c.DESCRIPTION;
  const link = c.LINK;
  return (record, status, attrs) => {
    const evidence = record.practices?.[key];
    const fill = fillers[status];
    const t = fill === undefined ? undefined : fill.fill(record, recommendedFor);
    const d = record.os ? fixedDirections ?? directionsFor.get(record.os) : undefined;
    let pd: PracticeData;
    if (evidence === undefined) {
      // the keys and order of the general case below, as literals (no shape changes per key)
      if (t !== undefined) {
        pd = d !== undefined
          ? { title: t, directions: d, display, status, description }
          : { title: t, display, status, description };
      } else {
        pd = d !== undefined
          ? { directions: d, display, status, description }
          : { display, status, description };
      }
    } else {
      pd = { ...evidence };
      if (t !== undefined) pd.title = t;
      if (d !== undefined) pd.directions = d;
      pd.display = display;
      pd.status = status;
      pd.description = description;
    }
    if (attrs) Object.assign(pd, attrs);
    if (link) pd.link = link;
    return pd;
  };
}

/**
 * The status a platform decides on its own: `na` for `NA_PLATFORMS` (and for no platform when
 * `PLATFORM_REQUIRED`), `ok` for `OK_PLATFORMS`, else `null` (the evidence decides).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const decide = platformStatus({ NA_PLATFORMS: ["Mac"], OK_PLATFORMS: ["Mac", "Linux"] });
 * assert.deepEqual(["Mac", "Linux", "iOS"].map(decide), ["na", "ok", null]);
 * ```
 */
export function platformStatus(
  c: Pick<PracticeConfig, "NA_PLATFORMS" | "OK_PLATFORMS" | "PLATFORM_REQUIRED">,
): (platform: string | undefined) => Status | null {
  const na = new Set(c.NA_PLATFORMS ?? []);
  const ok = new Set(c.OK_PLATFORMS ?? []);
  const missing = c.PLATFORM_REQUIRED ?? false ? "na" : null;
  // one Map read per record: the answer for every platform named in the lists
  const decided = new Map<string, Status>();
  for (const platform of ok) decided.set(platform, "ok");
  for (const platform of na) decided.set(platform, "na"); // `na` wins over `ok`, as before
  return (platform) => platform ? decided.get(platform) ?? null : missing;
}

/** {@link platformStatus} of a record's platform. */
export function platformOverride(c: PracticeConfig): (record: DeviceRecord) => Status | null {
  const decide = platformStatus(c);
  return (record) => decide(record.platform);
}
