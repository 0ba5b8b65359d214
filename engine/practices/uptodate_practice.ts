/**
 * The up-to-date practice (spec §5.2, `TYPE: uptodate`): the OS version against the required and
 * recommended versions for its OS (old Windows always critical), combined with the OS policy's
 * verdict from release data, with the sentences that say why. Changes when the way an OS version
 * is judged changes.
 *
 * @module
 */
import type { PracticeConfig } from "./practice_config.ts";
import {
  CACHE_LIMIT,
  checkExists,
  formatMessage,
  injector,
  osLookup,
  versionStatus,
} from "./practice_parts.ts";
import {
  policyJudge,
  type ReleaseOptions,
  type StaticVerdict,
  withPolicy,
} from "./practice_policies.ts";
import { fillTitle } from "./practice_titles.ts";
import { DayVerdicts } from "./day_verdicts.ts";
import type { DeviceRecord, PracticeData } from "../core/types.ts";
import { windowsBuild, windowsVersionName } from "../releases/os_names.ts";
import { isWindowsServer } from "../releases/release_verdicts.ts";
import {
  chooseTarget,
  type TargetCandidate,
  targetSentence,
  targetTitle,
} from "../releases/update_target.ts";

/** Default texts of the up-to-date practice; `{}` is replaced in order. */
export const DEFAULT_UNSUPPORTED_MSG = "{} is older than the version we require.";
/** The up-to-date practice's advice: `{}` is the OS name, then the recommended version. */
export const DEFAULT_RECOMMENDED_MSG = "We recommend {} {} or later.";
/** Said when a device reports an OS version Stethoscope cannot compare (kept, judged `unknown`). */
export const UNREADABLE_VERSION_MSG =
  'This device reports {} version "{}", which Stethoscope cannot compare with the recommended one.';

const OLD_WINDOWS_RE = /^Microsoft Windows [78]/;
/**
 * Long-term servicing editions keep one build for their whole life (Windows 10 Enterprise LTSC
 * 2021 stays on 19044 until January 2027): the general channel's version tables do not apply to
 * them; their servicing channel is judged from release data (`release_verdicts.ts`).
 */
const LONG_TERM_WINDOWS_RE = /^Microsoft Windows 1[01]\b.*\bLTS[BC]\b/i;
const NEW_WINDOWS_RE = /^Microsoft Windows 1[01]\b/;
/** A remembered "no verdict" (the practice then reads the record's own evidence). */
const NONE: unique symbol = Symbol("none");

/** The version to compare: LANDESK reports Windows 10/11 as `6.3` plus a build number. */
function osVersionOf(record: DeviceRecord, os: string): string | undefined {
  const v = record.os_version;
  if (record.os_build && NEW_WINDOWS_RE.test(os) && !v?.startsWith("10.")) {
    return `10.0.${record.os_build}`;
  }
  return v;
}

/** A static verdict: the status, the sentences that say why, the release it asks for. */
type Verdict = StaticVerdict;

/**
 * The release a configured version names: "macOS 26.6", "Android 14"; a Windows build as
 * Microsoft names its feature update, "Windows 11 25H2" for `10.0.26200` (with the OS build when
 * the version gives one: "Windows 11 25H2 (OS build 26200.6584)"; `os_names.ts`), or
 * "Windows 11 build 26120" for a build it does not know.
 */
function configuredTarget(
  status: TargetCandidate["status"],
  os: string,
  version: string,
): TargetCandidate {
  const build = /windows/i.test(os) && !isWindowsServer(os)
    ? windowsBuild({ os_version: version })
    : undefined;
  const release = build === undefined ? undefined : windowsVersionName(build);
  if (release !== undefined) {
    const revision = /^\s*10\.0\.\d+\.(\d+)/.exec(version)?.[1];
    const name = revision === undefined ? release : `${release} (OS build ${build}.${revision})`;
    return { status, name, version };
  }
  return { status, name: fillTitle("{os} {recommended}", { os, recommended: version }), version };
}

/**
 * The evaluator of one up-to-date practice.
 *
 * @param c the practice's configuration (`REQUIRED_VERSIONS`, `RECOMMENDED_VERSIONS`,
 *   `OS_POLICIES`, `UNSUPPORTED_MSG`, `RECOMMENDED_MSG`, texts)
 * @param releases the release data and clock `OS_POLICIES` are judged with
 * @returns a function from a source record to its practice data (a new object); a failing one
 *   names one `target` (`update_target.ts`) in its title and the first sentence of `details`,
 *   and the recommended version's sentence is left out (it would name a second release)
 */
export function uptodateEvaluator(
  c: PracticeConfig,
  releases: ReleaseOptions,
): (record: DeviceRecord) => PracticeData {
  const inject = injector(c);
  const judge = policyJudge(c, releases, osLookup);
  const unsupported = c.UNSUPPORTED_MSG ?? DEFAULT_UNSUPPORTED_MSG;
  const recommendedMsg = c.RECOMMENDED_MSG ?? DEFAULT_RECOMMENDED_MSG;
  const recommendedFor = osLookup(c.RECOMMENDED_VERSIONS);
  const requiredFor = osLookup(c.REQUIRED_VERSIONS);
  const now = releases.now ?? (() => new Date());
  // The verdict depends only on (os, version): remember it, the same few pairs recur.
  // By OS, then version: two Map reads and no key string built per record.
  const verdicts = new Map<string, Map<string | undefined, Verdict | null>>();
  let remembered = 0;

  function verdict(os: string, version: string | undefined): Verdict | null {
    const old = OLD_WINDOWS_RE.exec(os);
    if (old) {
      return { status: "warn" as const, attrs: { details: formatMessage(unsupported, old[0]) } };
    }
    if (LONG_TERM_WINDOWS_RE.test(os)) return null;
    const status = versionStatus(version, requiredFor(os), recommendedFor(os), os);
    if (status === null) return null;
    const lines: string[] = [];
    const targets: TargetCandidate[] = [];
    const req = requiredFor(os);
    const rec = recommendedFor(os);
    if (status === "warn") {
      lines.push(formatMessage(unsupported, `${os} ${version}`));
      if (req !== undefined) targets.push(configuredTarget("warn", os, req));
    }
    if (status === "nudge" && rec !== undefined) targets.push(configuredTarget("nudge", os, rec));
    if (status === "unknown") lines.push(formatMessage(UNREADABLE_VERSION_MSG, os, version ?? ""));
    if (rec !== undefined) lines.push(formatMessage(recommendedMsg, os, rec));
    return lines.length > 0 ? { status, attrs: { details: lines.join(" ") }, targets } : { status };
  }

  /** The verdict's one target in its title and first sentence (see the returned function). */
  function named(os: string, v: StaticVerdict): StaticVerdict {
    const when = now();
    const target = chooseTarget(v.status, v.targets ?? [], os);
    if (target === undefined) return v;
    const rec = recommendedFor(os);
    const recSentence = rec === undefined ? "" : formatMessage(recommendedMsg, os, rec);
    const rest = (v.attrs?.details ?? "").replace(recSentence, "").replace(/\s{2,}/g, " ").trim();
    const details = [targetSentence(target, when), rest].filter(Boolean).join(" ");
    return {
      status: v.status,
      attrs: { ...v.attrs, title: targetTitle(target, when), details, target },
    };
  }

  /** The static verdict of (os, version), remembered: the same few pairs recur. */
  function fixedVerdict(os: string, version: string | undefined): Verdict | null {
    let byVersion = verdicts.get(os);
    if (byVersion === undefined) {
      byVersion = new Map();
      if (remembered < CACHE_LIMIT) verdicts.set(os, byVersion);
    }
    let v = byVersion.get(version);
    if (v === undefined) {
      v = verdict(os, version);
      if (remembered < CACHE_LIMIT) {
        byVersion.set(version, v);
        remembered++;
      }
    }
    return v;
  }

  /** The static and the policy verdict combined, its target named; `null`: neither judged. */
  function judged(record: DeviceRecord, os: string): StaticVerdict | null {
    const both = withPolicy(fixedVerdict(os, osVersionOf(record, os)), judge(record, os));
    return both !== null && both.targets?.length ? named(os, both) : both;
  }

  // Shared by everybody whose device has the same OS facts, today (`day_verdicts.ts`).
  const shared = new DayVerdicts<StaticVerdict | typeof NONE>(CACHE_LIMIT);

  return (record) => {
    const os = record.os;
    if (os) {
      const memo = shared.of(releases.releases?.snapshot() ?? null, now());
      let one = memo?.get(record, os);
      if (one === undefined) {
        one = judged(record, os) ?? NONE;
        memo?.set(record, os, one);
      }
      if (one !== NONE) return inject(record, one.status, one.attrs);
    }
    return inject(record, checkExists(record, c.KEY, "warn"));
  };
}
