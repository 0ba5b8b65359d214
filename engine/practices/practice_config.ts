/**
 * The `PRACTICES` configuration section, with the original's key names (spec §5.1), validated by
 * zod. Each entry configures one practice; which evaluator runs it follows from its name (the
 * original's registry) or, for a new name, from `TYPE`.
 *
 * @module
 */
import { z } from "zod";
import { parseOsPolicy } from "../releases/os_policy.ts";
import { policyKeyProblem } from "../releases/os_family.ts";
import { isValidVersion } from "../releases/versions.ts";

/** The three evaluators of spec §5.3. */
export const PRACTICE_TYPES = ["key_existence", "uptodate", "installed_software"] as const;

/** Which evaluator a practice uses. */
export type PracticeType = (typeof PRACTICE_TYPES)[number];

/** The original's practice registry: name → evaluator (spec §5.1). */
export const PRACTICE_TYPE_BY_NAME: Readonly<Record<string, PracticeType>> = {
  autoupdate: "key_existence",
  encryption: "key_existence",
  firewall: "key_existence",
  remotelogin: "key_existence",
  jailed: "key_existence",
  screenlock: "key_existence",
  unknownsources: "key_existence",
  adbstatus: "key_existence",
  uptodate: "uptodate",
  carbonblack: "installed_software",
  sentinel: "installed_software",
};

const StatusSchema = z.enum(["ok", "nudge", "warn", "unknown", "na"]);
const Text = z.string().min(1, "expected a non-empty string");
const VersionSchema = z.string().refine(isValidVersion, {
  error: (issue) => `expected a version such as "10.15.7", got ${JSON.stringify(issue.input)}`,
});
const VersionMap = z.record(z.string().min(1), VersionSchema);
const PolicyLine = z.string().superRefine((line, ctx) => {
  try {
    parseOsPolicy(line);
  } catch (error: unknown) {
    ctx.addIssue({ code: "custom", message: (error as Error).message });
  }
});

const OsPolicies = z.record(z.string().min(1), PolicyLine).superRefine((map, ctx) => {
  for (const key of Object.keys(map)) {
    const problem = policyKeyProblem(key);
    if (problem) ctx.addIssue({ code: "custom", path: [key], message: problem });
  }
});

/** One entry of `PRACTICES`. Unknown keys are rejected, so a typo is reported at start. */
export const PracticeConfigSchema = z.strictObject({
  /** The key under `practices` the status is written to (usually the practice name). */
  KEY: Text,
  /** The heading: one string, or one per status (`{"ok": "Disk encrypted", ...}`). */
  DISPLAY_TITLE: z.union([z.string(), z.partialRecord(StatusSchema, z.string())]),
  DESCRIPTION: z.string(),
  LINK: z.string().optional(),
  DISPLAY: z.boolean().optional(),
  /** Markdown: one text, or one per OS name as sources report it (`macOS`, `Android`, …). */
  DIRECTIONS: z.union([z.string(), z.record(z.string(), z.string())]).optional(),
  /** Status when the evidence says the practice is NOT followed (default `nudge`). */
  STATUS_IF_MISSING: StatusSchema.optional(),
  PLATFORM_REQUIRED: z.boolean().optional(),
  NA_PLATFORMS: z.array(z.string()).optional(),
  OK_PLATFORMS: z.array(z.string()).optional(),
  SOFTWARE_NAMES: z.array(z.string()).optional(),
  SERVICE_NAMES: z.array(z.string()).optional(),
  /** Below this version (per OS name) the status is `warn`. */
  REQUIRED_VERSIONS: VersionMap.optional(),
  /** Below this version (per OS name) the status is `nudge`. */
  RECOMMENDED_VERSIONS: VersionMap.optional(),
  /**
   * One-line policies per OS name, judged with the release feeds (see `engine/releases/os_policy.ts`),
   * e.g. `{"macOS": "supported; behind 2; deadline 21d; exploited 14d"}`.
   */
  OS_POLICIES: OsPolicies.optional(),
  /** `{}` is replaced by the OS and version, e.g. `"{} no longer gets security fixes."`. */
  UNSUPPORTED_MSG: z.string().optional(),
  /** The two `{}` are replaced by the OS name and the recommended version. */
  RECOMMENDED_MSG: z.string().optional(),
  /** Days a new `nudge` stays a nudge before it becomes critical (used by the status history). */
  GRACE_DAYS: z.int().min(0).optional(),
  /** Evaluator for a name the original did not know. */
  TYPE: z.enum(PRACTICE_TYPES).optional(),
});

/** One validated entry of `PRACTICES`. */
export type PracticeConfig = z.output<typeof PracticeConfigSchema>;

/** The evaluator a configured practice uses, or `undefined` when neither name nor TYPE says. */
export function practiceType(
  name: string,
  config: Pick<PracticeConfig, "TYPE">,
): PracticeType | undefined {
  return config.TYPE ?? PRACTICE_TYPE_BY_NAME[name];
}

/**
 * The whole `PRACTICES` section: `{name: PracticeConfig}`. A name outside the original's registry
 * must say which evaluator it uses with `TYPE`.
 *
 * @example A new required-software practice
 * ```ts
 * import assert from "node:assert/strict";
 * const edr = { KEY: "edr", TYPE: "installed_software", DISPLAY_TITLE: "EDR", DESCRIPTION: "…",
 *   SOFTWARE_NAMES: ["Sentinel Agent"] };
 * assert.equal(PracticesConfigSchema.parse({ edr }).edr?.TYPE, "installed_software");
 * const { TYPE: _, ...untyped } = edr;
 * // a new name must say which evaluator it uses
 * assert.equal(PracticesConfigSchema.safeParse({ edr: untyped }).success, false);
 * ```
 */
export const PracticesConfigSchema = z.record(z.string().min(1), PracticeConfigSchema)
  .superRefine((practices, ctx) => {
    for (const [name, config] of Object.entries(practices)) {
      if (practiceType(name, config) !== undefined) continue;
      ctx.addIssue({
        code: "custom",
        path: [name, "TYPE"],
        message: `unknown practice "${name}": set TYPE to one of ${PRACTICE_TYPES.join(", ")}`,
      });
    }
  });

/** The validated `PRACTICES` section. */
export type PracticesConfig = z.output<typeof PracticesConfigSchema>;
