/**
 * One-line OS policies (`OS_POLICIES` of the up-to-date practice, per OS name), judged with the
 * release data next to the original's `REQUIRED_VERSIONS` / `RECOMMENDED_VERSIONS`. A line is
 * clauses separated by `;`:
 *
 * | clause | critical when |
 * | --- | --- |
 * | `supported` | the device's release no longer gets security updates (endoflife.date `eol`; ChromeOS: the device's auto-update expiration; Windows: end of servicing for its edition) |
 * | `behind N` | its major version is more than N majors behind the newest |
 * | `deadline Dd` | the newest security release for its major has been out more than D days and it lacks it (suggested before) |
 * | `exploited Dd` | the same deadline for a release that fixes actively exploited issues (default: `deadline`) |
 * | `patch-suggested Dd` / `patch-critical Dd` | Android: its security patch level is older than D days (suggested / critical) |
 *
 * @module
 */

/** A parsed policy line. */
export interface OsPolicy {
  /** The line as written (for `explain` and error messages). */
  line: string;
  supported: boolean;
  behind?: number;
  deadlineDays?: number;
  exploitedDays?: number;
  patchSuggestedDays?: number;
  patchCriticalDays?: number;
}

const DAYS_RE = /^(\d{1,4})d$/;
const COUNT_RE = /^\d{1,2}$/;
const CLAUSES = [
  "supported",
  "behind N",
  "deadline Dd",
  "exploited Dd",
  "patch-suggested Dd",
  "patch-critical Dd",
];

/**
 * Parses one policy line.
 *
 * @param line e.g. `supported; behind 2; deadline 21d; exploited 14d`
 * @returns the policy
 * @throws {SyntaxError} naming the clause that cannot be read and the clauses that can
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const policy = parseOsPolicy("supported; patch-suggested 60d; patch-critical 90d");
 * assert.equal(policy.patchSuggestedDays, 60);
 * assert.equal(policy.patchCriticalDays, 90);
 * assert.throws(() => parseOsPolicy("supported; soon"), SyntaxError);
 * ```
 */
export function parseOsPolicy(line: string): OsPolicy {
  const policy: OsPolicy = { line, supported: false };
  const clauses = line.split(";").map((c) => c.trim()).filter((c) => c !== "");
  if (clauses.length === 0) throw new SyntaxError(`empty policy; use clauses such as ${hint()}`);
  for (const clause of clauses) {
    const [word = "", arg, extra] = clause.split(/\s+/);
    const bad = () =>
      new SyntaxError(`cannot read policy clause "${clause}"; expected one of ${hint()}`);
    if (extra !== undefined) throw bad();
    if (word === "supported" && arg === undefined) {
      policy.supported = true;
      continue;
    }
    if (word === "behind" && arg !== undefined && COUNT_RE.test(arg)) {
      policy.behind = Number(arg);
      continue;
    }
    const days = arg === undefined ? undefined : DAYS_RE.exec(arg)?.[1];
    if (days === undefined) throw bad();
    const n = Number(days);
    if (word === "deadline") policy.deadlineDays = n;
    else if (word === "exploited") policy.exploitedDays = n;
    else if (word === "patch-suggested") policy.patchSuggestedDays = n;
    else if (word === "patch-critical") policy.patchCriticalDays = n;
    else throw bad();
  }
  if (
    policy.patchSuggestedDays !== undefined && policy.patchCriticalDays !== undefined &&
    policy.patchSuggestedDays > policy.patchCriticalDays
  ) {
    throw new SyntaxError(
      `patch-suggested (${policy.patchSuggestedDays}d) must not be longer than patch-critical (${policy.patchCriticalDays}d)`,
    );
  }
  return policy;
}

function hint(): string {
  return CLAUSES.map((c) => `"${c}"`).join(", ");
}
