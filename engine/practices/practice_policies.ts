/**
 * The bridge between the up-to-date practice and the one-line OS policies: picks the policy for a
 * record's OS, judges it with the release data in use, and combines that verdict with the
 * original's static `REQUIRED_VERSIONS` / `RECOMMENDED_VERSIONS` verdict (the worse status wins;
 * the sentences of both are kept).
 *
 * @module
 */
import { type OsPolicy, parseOsPolicy } from "../releases/os_policy.ts";
import type { PracticeConfig } from "./practice_config.ts";
import { judgeWithPolicy, type PolicyVerdict } from "../releases/release_verdicts.ts";
import type { ReleaseDataSource } from "../releases/releases.ts";
import type { TargetCandidate } from "../releases/update_target.ts";
import { statusUrgency } from "../core/severity.ts";
import type { DeviceRecord, PracticeData, Status } from "../core/types.ts";

/** What the up-to-date practice needs to judge with policies. */
export interface ReleaseOptions {
  /** The release data port; without it `OS_POLICIES` are not applied. */
  releases?: ReleaseDataSource;
  /** The clock deadlines are measured with (default: the system clock). */
  now?: () => Date;
}

/** A verdict as the up-to-date practice computes it. */
export interface StaticVerdict {
  status: Status;
  attrs?: PracticeData;
  /** The release each failing clause asks for (the required or recommended version…). */
  targets?: TargetCandidate[];
}

/**
 * Builds the per-record policy judge of one practice configuration.
 *
 * @param config the practice's configuration (`OS_POLICIES`)
 * @param options the release data port and clock
 * @param lookup the practice module's per-OS map lookup (exact name, else longest prefix)
 * @returns a function giving the policy verdict of a record, or `null` without policy or data
 */
export function policyJudge(
  config: Pick<PracticeConfig, "OS_POLICIES">,
  options: ReleaseOptions,
  lookup: <T>(map: Readonly<Record<string, T>> | undefined) => (os: string) => T | undefined,
): (record: DeviceRecord, os: string) => PolicyVerdict | null {
  const releases = options.releases;
  const lines = config.OS_POLICIES;
  if (!releases || !lines) return () => null;
  const parsed: Record<string, OsPolicy> = {};
  for (const [os, line] of Object.entries(lines)) parsed[os] = parseOsPolicy(line);
  const policyFor = lookup(parsed);
  const now = options.now ?? (() => new Date());
  return (record, os) => {
    const policy = policyFor(os);
    const snapshot = policy ? releases.snapshot() : null;
    if (!policy || !snapshot) return null;
    return judgeWithPolicy(record, { policy, data: snapshot.data, now: now() });
  };
}

/**
 * The worse of the static and the policy verdict, with the sentences of both and the releases
 * both ask for (configured versions first).
 */
export function withPolicy(
  fixed: StaticVerdict | null,
  policy: PolicyVerdict | null,
): StaticVerdict | null {
  if (policy === null) return fixed;
  const fixedRank = fixed ? statusUrgency(fixed.status) : -1;
  const status = fixed && fixedRank >= statusUrgency(policy.status) ? fixed.status : policy.status;
  const details = [fixed?.attrs?.details, ...policy.sentences].filter(Boolean).join(" ");
  return {
    status,
    attrs: { ...fixed?.attrs, details },
    targets: [...fixed?.targets ?? [], ...policy.targets],
  };
}
