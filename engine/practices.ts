/**
 * Practice evaluation (spec §5): each configured practice judges every source record before
 * merging and writes its status, title, description, directions and link into
 * `record.practices[KEY]`, keeping the source's own evidence (`value`, `details`, `last_updated`).
 *
 * @module
 */
import {
  type PracticeConfig,
  type PracticesConfig,
  type PracticeType,
  practiceType,
} from "./practice_config.ts";
import type { DeviceRecord, PracticeData, SoftwareEntry, Status } from "./types.ts";
import { compareOsVersions, parseOsVersion } from "./versions.ts";
import { policyJudge, type ReleaseOptions, withPolicy } from "./practice_policies.ts";
import { fillTitle, titleTemplate } from "./practice_titles.ts";

/** One configured practice, ready to evaluate. */
export interface Practice {
  /** The name in `PRACTICES`. */
  readonly name: string;
  /** The key under `practices` it writes to. */
  readonly key: string;
  readonly type: PracticeType;
  readonly config: PracticeConfig;
  /** The practice data for `record` (a new object; the record is not changed). */
  evaluate(record: DeviceRecord): PracticeData;
}

/** The enabled practices, in order. */
export type PracticeSet = readonly Practice[];

/** Default texts of the up-to-date practice; `{}` is replaced in order. */
export const DEFAULT_UNSUPPORTED_MSG = "{} is older than the version we require.";
export const DEFAULT_RECOMMENDED_MSG = "We recommend {} {} or later.";
/** Said when a device reports an OS version Stethoscope cannot compare (kept, judged `unknown`). */
export const UNREADABLE_VERSION_MSG =
  'This device reports {} version "{}", which Stethoscope cannot compare with the recommended one.';

const OLD_WINDOWS_RE = /^Microsoft Windows [78]/;
const NEW_WINDOWS_RE = /^Microsoft Windows 1[01]\b/;
const PLACEHOLDER_RE = /\{(\d*)\}/g;
const BOUNDARY_RE = /[\s,(]/;
const CACHE_LIMIT = 1000;
const SOFTWARE_RANK: Record<Status, number> = { ok: 4, warn: 3, nudge: 2, unknown: 1, na: 0 };

/**
 * Evaluates every practice on every record. Returns new records; the inputs are not changed.
 *
 * @example
 * ```ts
 * const evaluated = applyPractices(records, buildPracticeSet(DEFAULT_PRACTICES));
 * ```
 */
export function applyPractices(records: DeviceRecord[], practices: PracticeSet): DeviceRecord[] {
  return records.map((r) => {
    const out: Record<string, PracticeData> = { ...r.practices };
    for (const p of practices) out[p.key] = p.evaluate(r);
    return { ...r, practices: out };
  });
}

/**
 * Builds the practice set from the `PRACTICES` section and `PRACTICES_ENABLED`.
 *
 * @param config the validated `PRACTICES` section
 * @param enabled names to enable, in order (default: every configured name)
 * @param releases the release data and clock the up-to-date practice's `OS_POLICIES` use
 * @throws {RangeError} when an enabled name is not configured or has no evaluator
 */
export function buildPracticeSet(
  config: PracticesConfig,
  enabled?: readonly string[],
  releases: ReleaseOptions = {},
): PracticeSet {
  return (enabled ?? Object.keys(config)).map((name) => {
    const c = config[name];
    if (c === undefined) {
      throw new RangeError(
        `Cannot enable practice "${name}": it is not configured in PRACTICES; add it or remove it from PRACTICES_ENABLED`,
      );
    }
    const type = practiceType(name, c);
    if (type === undefined) {
      throw new RangeError(
        `Cannot enable practice "${name}": set its TYPE to key_existence, uptodate or installed_software`,
      );
    }
    const evaluate = type === "uptodate"
      ? uptodate(c, releases)
      : type === "installed_software"
      ? installedSoftware(c)
      : keyExistence(c);
    return { name, key: c.KEY, type, config: c, evaluate };
  });
}

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
  const exact = map[os];
  if (exact !== undefined) return exact;
  let best: string | undefined;
  for (const key of Object.keys(map)) {
    if (os.length > key.length && os.startsWith(key) && BOUNDARY_RE.test(os.charAt(key.length))) {
      if (best === undefined || key.length > best.length) best = key;
    }
  }
  return best === undefined ? undefined : map[best];
}

/** `lookupByOs` for one map, remembering answers per OS name (configs are fixed). */
function osLookup<T>(map: Readonly<Record<string, T>> | undefined): (os: string) => T | undefined {
  const cache = new Map<string, T | undefined>();
  return (os) => {
    if (cache.has(os)) return cache.get(os);
    const found = lookupByOs(map, os);
    if (cache.size < CACHE_LIMIT) cache.set(os, found);
    return found;
  };
}

/**
 * `warn` when `version` is below the required version for `os`, `nudge` when below the recommended
 * one, `ok` when `os` has a rule and neither applies, `unknown` when `os` has a rule but `version`
 * is not a version of the grammar in `engine/versions.ts` (never a failure made from text the
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

function versionStatus(
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
function checkExists(record: DeviceRecord, key: string, falseStatus: Status): Status {
  const value = record.practices?.[key]?.value;
  if (value === null || value === undefined) return "unknown";
  return value ? "ok" : falseStatus;
}

type Inject = (record: DeviceRecord, status: Status, attrs?: PracticeData) => PracticeData;

function injector(c: PracticeConfig): Inject {
  const title = c.DISPLAY_TITLE;
  const directions = c.DIRECTIONS;
  const directionsFor = typeof directions === "string" ? () => directions : osLookup(directions);
  const display = c.DISPLAY ?? true;
  const recommendedFor = osLookup(c.RECOMMENDED_VERSIONS);
  return (record, status, attrs) => {
    const pd: PracticeData = { ...record.practices?.[c.KEY] };
    const t = titleTemplate(title, status);
    if (t !== undefined) {
      pd.title = fillTitle(t, {
        ...record,
        recommended: record.os ? recommendedFor(record.os) : undefined,
      });
    }
    if (record.os) {
      const d = directionsFor(record.os);
      if (d !== undefined) pd.directions = d;
    }
    pd.display = display;
    pd.status = status;
    pd.description = c.DESCRIPTION;
    if (attrs) Object.assign(pd, attrs);
    if (c.LINK) pd.link = c.LINK;
    return pd;
  };
}

function platformOverride(c: PracticeConfig): (record: DeviceRecord) => Status | null {
  const na = new Set(c.NA_PLATFORMS ?? []);
  const ok = new Set(c.OK_PLATFORMS ?? []);
  const required = c.PLATFORM_REQUIRED ?? false;
  return (record) => {
    const platform = record.platform;
    if (!platform) return required ? "na" : null;
    if (na.has(platform)) return "na";
    if (ok.has(platform)) return "ok";
    return null;
  };
}

function keyExistence(c: PracticeConfig): (record: DeviceRecord) => PracticeData {
  const inject = injector(c);
  const override = platformOverride(c);
  const ifMissing = c.STATUS_IF_MISSING ?? "nudge";
  return (record) => inject(record, override(record) ?? checkExists(record, c.KEY, ifMissing));
}

/** The version to compare: LANDESK reports Windows 10/11 as `6.3` plus a build number. */
function osVersionOf(record: DeviceRecord, os: string): string | undefined {
  const v = record.os_version;
  if (record.os_build && NEW_WINDOWS_RE.test(os) && !v?.startsWith("10.")) {
    return `10.0.${record.os_build}`;
  }
  return v;
}

function uptodate(
  c: PracticeConfig,
  releases: ReleaseOptions,
): (record: DeviceRecord) => PracticeData {
  const inject = injector(c);
  const judge = policyJudge(c, releases, osLookup);
  const unsupported = c.UNSUPPORTED_MSG ?? DEFAULT_UNSUPPORTED_MSG;
  const recommendedMsg = c.RECOMMENDED_MSG ?? DEFAULT_RECOMMENDED_MSG;
  const recommendedFor = osLookup(c.RECOMMENDED_VERSIONS);
  const requiredFor = osLookup(c.REQUIRED_VERSIONS);
  // The verdict depends only on (os, version): remember it, the same few pairs recur.
  const verdicts = new Map<string, { status: Status; attrs?: PracticeData } | null>();

  function verdict(os: string, version: string | undefined) {
    const old = OLD_WINDOWS_RE.exec(os);
    if (old) {
      return { status: "warn" as const, attrs: { details: formatMessage(unsupported, old[0]) } };
    }
    const status = versionStatus(version, requiredFor(os), recommendedFor(os), os);
    if (status === null) return null;
    const lines: string[] = [];
    if (status === "warn") lines.push(formatMessage(unsupported, `${os} ${version}`));
    if (status === "unknown") lines.push(formatMessage(UNREADABLE_VERSION_MSG, os, version ?? ""));
    const rec = recommendedFor(os);
    if (rec !== undefined) lines.push(formatMessage(recommendedMsg, os, rec));
    return lines.length > 0 ? { status, attrs: { details: lines.join(" ") } } : { status };
  }

  return (record) => {
    const os = record.os;
    if (os) {
      const version = osVersionOf(record, os);
      const key = `${os}\u0000${version}`;
      let v = verdicts.get(key);
      if (v === undefined) {
        v = verdict(os, version);
        if (verdicts.size < CACHE_LIMIT) verdicts.set(key, v);
      }
      const both = withPolicy(v, judge(record, os));
      if (both !== null) return inject(record, both.status, both.attrs);
    }
    return inject(record, checkExists(record, c.KEY, "warn"));
  };
}

function installedSoftware(c: PracticeConfig): (record: DeviceRecord) => PracticeData {
  const inject = injector(c);
  const override = platformOverride(c);
  const softwareNames = c.SOFTWARE_NAMES ?? [];
  const serviceNames = c.SERVICE_NAMES ?? [];
  const ifMissing = c.STATUS_IF_MISSING ?? "nudge";

  function judge(record: DeviceRecord, entry: Partial<SoftwareEntry>): [Status, PracticeData] {
    const lines: string[] = [];
    const attrs: PracticeData = {};
    const version = entry.version ?? undefined;
    if (version) {
      lines.push(`Installed version: ${version}`);
      attrs.version = version;
    }
    let status: Status = "ok"; // decision 11: installed, and no version rule for this OS
    if (record.os) {
      const suggested = lookupByOs(c.RECOMMENDED_VERSIONS, record.os) ??
        lookupByOs(c.REQUIRED_VERSIONS, record.os);
      if (suggested !== undefined) {
        lines.unshift(`Suggested version: ${suggested}`);
        status = checkInstalledVersion(record.os, version, c) ?? "unknown";
      }
    }
    if (lines.length > 0) attrs.details = lines.join("\n");
    return [status, attrs];
  }

  return (record) => {
    let status = override(record);
    let attrs: PracticeData = {};
    const software = record.software;
    if (status === null && software) {
      const seen = software.last_scan_date ?? record.last_sync;
      if (seen !== null && seen !== undefined) attrs.last_updated = seen;
      const installed = new Map(software.installed.map((e) => [e.name, e]));
      const services = new Map((software.services ?? []).map((e) => [e.name, e]));
      let best: [Status, PracticeData] | undefined;
      const consider = (entry: Partial<SoftwareEntry> | undefined) => {
        if (entry === undefined) return;
        const candidate = judge(record, entry);
        if (best === undefined || SOFTWARE_RANK[candidate[0]] > SOFTWARE_RANK[best[0]]) {
          best = candidate;
        }
      };
      for (const name of softwareNames) consider(installed.get(name));
      for (const name of serviceNames) consider(services.get(name));
      if (best !== undefined) {
        status = best[0];
        attrs = { ...attrs, ...best[1] };
      }
    }
    return inject(record, status ?? ifMissing, attrs);
  };
}
