/**
 * Version comparison with PEP 440 semantics, as the original used (spec §5.3): dotted numeric
 * releases with missing parts as zero (`9.3` = `9.3.0`), any number of parts (4-part Windows
 * builds such as `10.0.26100.4946`), pre-, post- and dev-releases and local labels. A string that
 * is not a version never throws: it sorts below every valid version.
 *
 * @module
 */

// The PEP 440 grammar (packaging's VERSION_PATTERN), anchored, case-insensitive.
const VERSION_RE = new RegExp(
  "^\\s*v?(?:(?<epoch>[0-9]+)!)?(?<release>[0-9]+(?:\\.[0-9]+)*)" +
    "(?<pre>[-_.]?(?<pre_l>alpha|a|beta|b|preview|pre|c|rc)[-_.]?(?<pre_n>[0-9]+)?)?" +
    "(?<post>(?:-(?<post_n1>[0-9]+))|(?:[-_.]?(?<post_l>post|rev|r)[-_.]?(?<post_n2>[0-9]+)?))?" +
    "(?<dev>[-_.]?dev[-_.]?(?<dev_n>[0-9]+)?)?" +
    "(?:\\+(?<local>[a-z0-9]+(?:[-_.][a-z0-9]+)*))?\\s*$",
  "i",
);
const PRE_RANK: Record<string, number> = { a: 0, b: 1, rc: 2 };
const PRE_ALIAS: Record<string, string> = {
  alpha: "a",
  a: "a",
  beta: "b",
  b: "b",
  c: "rc",
  rc: "rc",
  pre: "rc",
  preview: "rc",
};
const CACHE_LIMIT = 10_000;

/** A parsed version, reduced to a key that orders like PEP 440. */
export interface ParsedVersion {
  epoch: number;
  /** Release parts with trailing zeros removed, so `9.3` and `9.3.0` are equal. */
  release: number[];
  /** `-Infinity` for a dev-only release, `+Infinity` for none, else rank*1e9 + number. */
  pre: number;
  /** `-Infinity` when there is no post-release. */
  post: number;
  /** `+Infinity` when there is no dev-release. */
  dev: number;
  /** Local label parts (`+ubuntu.1`), empty when none. */
  local: (number | string)[];
}

const cache = new Map<string, ParsedVersion | null>();

/**
 * Parses a version string; `null` when it is not a PEP 440 version.
 *
 * @param value the version text, e.g. `10.15.7` or `2.6.3rc1`
 * @returns the comparison key, or `null`
 * @example Missing parts are zero
 * ```ts
 * parseVersion("9.3")!.release; // [9, 3]
 * parseVersion("18.03.1-ce"); // null
 * ```
 */
export function parseVersion(value: string): ParsedVersion | null {
  const hit = cache.get(value);
  if (hit !== undefined) return hit;
  const parsed = parseUncached(value);
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(value, parsed);
  return parsed;
}

function parseUncached(value: string): ParsedVersion | null {
  const m = VERSION_RE.exec(value);
  const g = m?.groups;
  if (!g || g.release === undefined) return null;
  const release = g.release.split(".").map(Number);
  while (release.length > 0 && release[release.length - 1] === 0) release.pop();
  const hasPre = g.pre_l !== undefined;
  const hasPost = g.post !== undefined;
  const hasDev = g.dev !== undefined;
  const preRank = hasPre ? PRE_RANK[PRE_ALIAS[g.pre_l!.toLowerCase()] ?? "rc"] ?? 2 : 0;
  return {
    epoch: g.epoch === undefined ? 0 : Number(g.epoch),
    release,
    pre: hasPre ? preRank * 1e9 + Number(g.pre_n ?? 0) : !hasPost && hasDev ? -Infinity : Infinity,
    post: hasPost ? Number(g.post_n1 ?? g.post_n2 ?? 0) : -Infinity,
    dev: hasDev ? Number(g.dev_n ?? 0) : Infinity,
    local: g.local === undefined
      ? []
      : g.local.toLowerCase().split(/[-_.]/).map((p) => /^[0-9]+$/.test(p) ? Number(p) : p),
  };
}

/** Whether `value` parses as a version (see `parseVersion`). */
export function isValidVersion(value: string): boolean {
  return parseVersion(value) !== null;
}

function cmp(a: number, b: number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareRelease(a: number[], b: number[]): number {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const c = cmp(a[i] ?? 0, b[i] ?? 0);
    if (c !== 0) return c;
  }
  return 0;
}

function compareLocal(a: (number | string)[], b: (number | string)[]): number {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i];
    const y = b[i];
    if (x === undefined || y === undefined) return x === undefined ? -1 : 1;
    if (typeof x !== typeof y) return typeof x === "number" ? 1 : -1; // numbers beat strings
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** Compares two parsed versions: negative, zero or positive. */
export function compareParsed(a: ParsedVersion, b: ParsedVersion): number {
  return cmp(a.epoch, b.epoch) || compareRelease(a.release, b.release) || cmp(a.pre, b.pre) ||
    cmp(a.post, b.post) || cmp(a.dev, b.dev) || compareLocal(a.local, b.local);
}

/**
 * Compares two version strings with PEP 440 ordering. A string that is not a version sorts below
 * every valid one; two such strings compare as text.
 *
 * @returns `-1`, `0` or `1`
 * @example Comparing OS versions
 * ```ts
 * compareVersions("10.12.1", "10.11.6"); // 1
 * compareVersions("9.3", "9.3.0"); // 0
 * compareVersions("beta", "0.1"); // -1
 * ```
 */
export function compareVersions(a: string, b: string): -1 | 0 | 1 {
  const pa = parseVersion(a);
  const pb = parseVersion(b);
  if (pa && pb) return Math.sign(compareParsed(pa, pb)) as -1 | 0 | 1;
  if (pa) return 1;
  if (pb) return -1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Whether version `a` is strictly older than `b` (see `compareVersions`). */
export function isOlder(a: string, b: string): boolean {
  return compareVersions(a, b) < 0;
}
