/**
 * Practice evaluation (spec §5): each configured practice judges every source record before
 * merging and writes its status, title, description, directions and link into
 * `record.practices[KEY]`, keeping the source's own evidence (`value`, `details`, `last_updated`).
 * This module is the table of practice types; each type's evaluator is its own module
 * (`uptodate_practice.ts`, `software_practice.ts`), built from `practice_parts.ts`.
 *
 * @module
 */
import {
  type PracticeConfig,
  type PracticesConfig,
  type PracticeType,
  practiceType,
} from "./practice_config.ts";
import { checkExists, injector, platformOverride, platformStatus } from "./practice_parts.ts";
import type { ReleaseOptions } from "./practice_policies.ts";
import { installedSoftwareEvaluator } from "./software_practice.ts";
import type { DeviceRecord, PracticeData, Status } from "../core/types.ts";
import { evaluatingRecord } from "./title_filler.ts";
import { uptodateEvaluator } from "./uptodate_practice.ts";

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
  /**
   * The status `evaluate` gives every record of a platform whatever its evidence (`NA_PLATFORMS`,
   * `OK_PLATFORMS`, `PLATFORM_REQUIRED`; `null`: the evidence decides). Absent for a type that
   * does not honour them (`uptodate`).
   */
  readonly platformStatus?: (platform: string | undefined) => Status | null;
}

/** The enabled practices, in order. */
export type PracticeSet = readonly Practice[];

/**
 * Evaluates every practice on every record. Returns new records; the inputs are not changed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { DEFAULT_PRACTICES } from "./default_practices.ts";
 * const mac = { source: "jamf", os: "macOS", os_version: "26.6", platform: "Mac" };
 * const [evaluated] = applyPractices([mac], buildPracticeSet(DEFAULT_PRACTICES, ["uptodate"]));
 * assert.equal(evaluated?.practices?.uptodate?.status, "ok");
 * ```
 */
export function applyPractices(records: DeviceRecord[], practices: PracticeSet): DeviceRecord[] {
  const judged = practicesOf(records, practices);
  return records.map((r, i) => ({ ...r, practices: judged[i]! }));
}

/**
 * The practice data {@link applyPractices} writes into each record's copy, without copying the
 * records: `out[i]` is `records[i].practices` (its evidence, in its order) with every practice's
 * verdict under its key, a new object for each record. The person's view (`personView()`) merges
 * the records with these (`mergeJudged()`), so a page view does not copy every record once more
 * only for the merge to copy it again (issue 24).
 *
 * @param records source records (not changed)
 * @param practices the enabled practices
 * @returns one new practices object per record, in order
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { DEFAULT_PRACTICES } from "./default_practices.ts";
 * const mac = { source: "jamf", platform: "Mac", practices: { firewall: { value: false } } };
 * const [judged] = practicesOf([mac], buildPracticeSet(DEFAULT_PRACTICES, ["firewall"]));
 * assert.equal(judged?.firewall?.status, "warn");
 * assert.equal(mac.practices.firewall.value, false); // the record is as it was
 * ```
 */
export function practicesOf(
  records: readonly DeviceRecord[],
  practices: PracticeSet,
): Record<string, PracticeData>[] {
  const out: Record<string, PracticeData>[] = new Array(records.length);
  try {
    for (let i = 0; i < records.length; i++) {
      const r = records[i]!;
      const judged: Record<string, PracticeData> = { ...r.practices };
      evaluatingRecord(r); // every practice's title reads the same facts of `r`
      for (const p of practices) judged[p.key] = p.evaluate(r);
      out[i] = judged;
    }
  } finally {
    evaluatingRecord(undefined);
  }
  return out;
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
      ? uptodateEvaluator(c, releases)
      : type === "installed_software"
      ? installedSoftwareEvaluator(c)
      : keyExistence(c);
    return type === "uptodate"
      ? { name, key: c.KEY, type, config: c, evaluate }
      : { name, key: c.KEY, type, config: c, evaluate, platformStatus: platformStatus(c) };
  });
}

function keyExistence(c: PracticeConfig): (record: DeviceRecord) => PracticeData {
  const inject = injector(c);
  const override = platformOverride(c);
  const ifMissing = c.STATUS_IF_MISSING ?? "nudge";
  return (record) => inject(record, override(record) ?? checkExists(record, c.KEY, ifMissing));
}
