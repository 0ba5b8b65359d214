/**
 * Version comparison with PEP 440 semantics, as the original used (spec §5.3): dotted numeric
 * releases with missing parts as zero (`9.3` = `9.3.0`), any number of parts (4-part Windows
 * builds such as `10.0.26100.4946`), pre-, post- and dev-releases and local labels. A string that
 * is not a version never throws: it sorts below every valid version.
 *
 * ## The grammar of versions accepted
 *
 * Every OS (and installed software): a PEP 440 version, optionally followed by vendor annotations
 * in parentheses, each after optional spaces:
 *
 * ```text
 * version    = pep440 [ rsr ] [ build ]
 * rsr        = "(" letter ")"              Apple Rapid Security Response: "26.3.1 (a)"
 * build      = "(" [ "Build " ] buildid ")"  a build id: "10.13.4 (17E199)", "14.1 (Build 23B74)"
 * buildid    = 2*( letter / digit / "." )
 * ```
 *
 * - An RSR letter counts as a post-release of the plain version: `26.3.1 (a)` is newer than
 *   `26.3.1`, `(b)` newer than `(a)`, and every letter older than `26.3.2` (Apple ships each
 *   response on top of one release; see support.apple.com/en-us/102657).
 * - A build id is kept for display and ignored in comparisons (`10.13.4 (17E199)` = `10.13.4`).
 *
 * Per OS, `parseOsVersion()` accepts a little more:
 * - Apple OSes (macOS, Mac OS X, iOS, iPadOS, watchOS, tvOS, visionOS): a letter glued to the
 *   release (`13.4.1a`, `13.4.1 a`) is an RSR letter, never a PEP 440 alpha (which would be older
 *   than the plain version); a leading `Version ` or the OS's own name (`macOS 26.3.1`) is skipped.
 * - Windows: `10.0.BUILD[.UBR]`, also as `systeminfo` prints it (`10.0.22631 N/A Build 22631`);
 *   the release name (10 or 11) comes from the build, not from the version (`engine/releases/os_names.ts`).
 * - Android, ChromeOS and anything else: the common grammar above.
 *
 * Anything else is *unparseable*. It is never dropped and never judged worse than a version:
 * the record keeps the text as reported, the up-to-date practice says `unknown` for it
 * (`checkInstalledVersion` in `engine/practices/practices.ts`), and `compareVersions()` keeps its old total
 * order (below every valid version) only for sorting.
 *
 * @module
 */
import { LRUCache } from "lru-cache";

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
// Trailing vendor annotations: an RSR letter and/or a build id, each in parentheses.
const ANNOTATED_RE =
  /^(?<core>.*?)(?:\s*\((?<rsr>[a-z])\))?(?:\s*\((?:build\s+)?(?<build>[0-9a-z][0-9a-z.]+)\))?\s*$/i;
const APPLE_OS_RE = /^(?:mac\s?os(?:\s?x)?|os\s?x|ipados|ios|iphone\s?os|watchos|tvos|visionos)\b/i;
const APPLE_GLUED_RSR_RE = /^(?<release>[0-9]+(?:\.[0-9]+)*)\s?(?<rsr>[a-z])(?<rest>\s*\(.*)?$/i;
const WINDOWS_OS_RE = /\bwindows\b/i;
// systeminfo's "OS Version" line: "10.0.22631 N/A Build 22631".
const SYSTEMINFO_RE = /^(?<version>\d+\.\d+\.\d+)\s+N\/A\s+Build\s+\d+(?:\.\d+)?$/i;
const LEADING_WORDS_RE = /^(?:version\s+|(?:mac\s?os(?:\s?x)?|os\s?x|ipados|ios|iphone\s?os)\s+)/i;

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
  /** The Apple Rapid Security Response letter (`"a"` for `26.3.1 (a)`), when there is one. */
  rsr?: string;
  /** A build id given in parentheses (`17E199`), kept for display, ignored in comparisons. */
  build?: string;
}

// Texts read so far (few distinct ones: every device of a model and OS shares its version). A
// text that is not a version is remembered as NONE (the cache holds no null).
const NONE: unique symbol = Symbol("none");
const cache = new LRUCache<string, ParsedVersion | typeof NONE>({ max: CACHE_LIMIT });

/**
 * Parses a version string of the common grammar (see the module docs); `null` when it is not one.
 *
 * @param value the version text, e.g. `10.15.7`, `2.6.3rc1` or `26.3.1 (a)`
 * @returns the comparison key, or `null`
 * @example Missing parts are zero; an RSR letter is a post-release
 * ```ts
 * import assert from "node:assert/strict";
 * assert.deepEqual(parseVersion("9.3")?.release, [9, 3]);
 * assert.equal(parseVersion("26.3.1 (a)")?.rsr, "a");
 * assert.equal(parseVersion("18.03.1-ce"), null);
 * ```
 */
export function parseVersion(value: string): ParsedVersion | null {
  const hit = cache.get(value);
  if (hit !== undefined) return hit === NONE ? null : hit;
  const parsed = parseUncached(value);
  cache.set(value, parsed ?? NONE);
  return parsed;
}

function parseUncached(value: string): ParsedVersion | null {
  const a = ANNOTATED_RE.exec(value)?.groups;
  const core = a?.core ?? value;
  const parsed = parsePep440(core);
  if (parsed === null || a === undefined) return parsed;
  if (a.rsr !== undefined) {
    const rsr = a.rsr.toLowerCase();
    parsed.rsr = rsr;
    // After the plain release and any post-release of it, before the next release.
    if (parsed.post === -Infinity) parsed.post = rsr.charCodeAt(0) - 96;
  }
  if (a.build !== undefined) parsed.build = a.build;
  return parsed;
}

function parsePep440(value: string): ParsedVersion | null {
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
 * import assert from "node:assert/strict";
 * assert.equal(compareVersions("10.12.1", "10.11.6"), 1);
 * assert.equal(compareVersions("9.3", "9.3.0"), 0);
 * assert.equal(compareVersions("beta", "0.1"), -1);
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

/**
 * Parses an OS version the way the given OS spells it (see the module docs): the common grammar,
 * plus, for Apple OSes, a glued RSR letter (`13.4.1a`) and a leading `Version ` or OS name.
 *
 * @param value the version as a source reported it
 * @param os the record's OS name (`macOS`, `iOS`, `Microsoft Windows 11 Enterprise`…), if known
 * @returns the comparison key, or `null` when the text is not a version of that OS
 * @example An RSR letter never makes a version older
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(parseOsVersion("13.4.1a", "macOS")?.rsr, "a");
 * assert.equal(parseOsVersion("13.4.1a", "Android")?.rsr, undefined); // a PEP 440 alpha elsewhere
 * ```
 */
export function parseOsVersion(value: string, os?: string): ParsedVersion | null {
  if (os !== undefined && WINDOWS_OS_RE.test(os)) {
    const systeminfo = SYSTEMINFO_RE.exec(value.trim())?.groups?.version;
    return parseVersion(systeminfo ?? value);
  }
  if (os === undefined || !APPLE_OS_RE.test(os.trim())) return parseVersion(value);
  const text = value.trim().replace(LEADING_WORDS_RE, "");
  const glued = APPLE_GLUED_RSR_RE.exec(text)?.groups;
  if (glued?.release !== undefined && glued.rsr !== undefined) {
    return parseVersion(`${glued.release} (${glued.rsr})${glued.rest ?? ""}`);
  }
  return parseVersion(text);
}

/**
 * Compares two versions of one OS (see `parseOsVersion`); `null` when either cannot be read, so a
 * caller can say `unknown` rather than guess.
 *
 * @param a the version a device reports
 * @param b the version to compare it with, e.g. a required version
 * @param os the OS name, when known
 * @returns `-1`, `0`, `1`, or `null` when either version is unparseable
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(compareOsVersions("26.3.1 (a)", "26.3.1", "macOS"), 1);
 * assert.equal(compareOsVersions("Tahoe", "26.3.1", "macOS"), null);
 * ```
 */
export function compareOsVersions(a: string, b: string, os?: string): -1 | 0 | 1 | null {
  const pa = parseOsVersion(a, os);
  const pb = parseOsVersion(b, os);
  if (pa === null || pb === null) return null;
  return Math.sign(compareParsed(pa, pb)) as -1 | 0 | 1;
}

/** Whether version `a` is strictly older than `b` (see `compareVersions`). */
export function isOlder(a: string, b: string): boolean {
  return compareVersions(a, b) < 0;
}
