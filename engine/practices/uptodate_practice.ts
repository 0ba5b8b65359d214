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
import { policyJudge, type ReleaseOptions, withPolicy } from "./practice_policies.ts";
import type { DeviceRecord, PracticeData, Status } from "../core/types.ts";

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

/** The version to compare: LANDESK reports Windows 10/11 as `6.3` plus a build number. */
function osVersionOf(record: DeviceRecord, os: string): string | undefined {
  const v = record.os_version;
  if (record.os_build && NEW_WINDOWS_RE.test(os) && !v?.startsWith("10.")) {
    return `10.0.${record.os_build}`;
  }
  return v;
}

/** A static verdict: the status and the sentences that say why. */
type Verdict = { status: Status; attrs?: PracticeData };

/**
 * The evaluator of one up-to-date practice.
 *
 * @param c the practice's configuration (`REQUIRED_VERSIONS`, `RECOMMENDED_VERSIONS`,
 *   `OS_POLICIES`, `UNSUPPORTED_MSG`, `RECOMMENDED_MSG`, texts)
 * @param releases the release data and clock `OS_POLICIES` are judged with
 * @returns a function from a source record to its practice data (a new object)
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
      const both = withPolicy(v, judge(record, os));
      if (both !== null) return inject(record, both.status, both.attrs);
    }
    return inject(record, checkExists(record, c.KEY, "warn"));
  };
}
