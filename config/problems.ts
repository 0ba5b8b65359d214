/**
 * How a configuration problem is worded: one line per problem, `PATH: what is wrong`, naming the
 * key path (`PLUGINS.jamf.JAMF_API_HOSTADDR`, `[0]` for list items) and never the value of a
 * secret. Changes when the wording of validation messages changes.
 *
 * @module
 */
import type { z } from "zod";

/** A configuration that cannot be used; `problems` has one line per problem. */
export class ConfigError extends Error {
  override name = "ConfigError";
  readonly problems: string[];
  /**
   * The file's `PLUGINS` and `PLUGINS_ENABLED` as written (references resolved), when the file was
   * a JSON object: `check-config` checks the plugin sections too, so that one run lists every
   * problem.
   */
  readonly plugins?: { sections: Record<string, unknown>; enabled?: string[] };
  /**
   * @param problems one line each, `PATH: what is wrong`
   * @param plugins the plugin sections of the file, if it could be read as an object
   */
  constructor(problems: string[], plugins?: ConfigError["plugins"]) {
    super(problems.join("\n"));
    this.problems = problems;
    if (plugins) this.plugins = plugins;
  }
}

/**
 * Formats zod issues as `PATH: message` lines. Messages never include the offending value.
 *
 * @param issues the issues of a failed parse
 * @param prefix the path of the parsed object inside the file (e.g. `["PLUGINS", "jamf"]`)
 */
export function formatIssues(
  issues: readonly z.core.$ZodIssue[],
  prefix: readonly PropertyKey[] = [],
  input?: unknown,
): string[] {
  return issues.flatMap((issue) => {
    const path = [...prefix, ...issue.path];
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => `${pathText([...path, key])}: unknown key`);
    }
    const missing = input !== undefined && valueAt(input, issue.path) === undefined;
    return [`${pathText(path)}: ${issueText(issue, missing)}`];
  });
}

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let v = value;
  for (const key of path) {
    if (typeof v !== "object" || v === null) return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

function issueText(issue: z.core.$ZodIssue, missing: boolean): string {
  switch (issue.code) {
    case "invalid_type":
      return missing ? "required" : `expected ${article(issue.expected)}`;
    case "invalid_format":
      return issue.format === "url"
        ? "expected a URL"
        : issue.format === "regex"
        ? issue.message
        : `expected ${article(issue.format)}`;
    case "invalid_value":
      return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
    case "too_small":
      return issue.origin === "array"
        ? `expected at least ${issue.minimum} item(s)`
        : issue.origin === "string"
        ? issue.minimum === 1
          ? "must not be empty"
          : `expected at least ${issue.minimum} characters`
        : issue.inclusive === false // z.number().positive() is "greater than 0": 0 is refused
        ? `expected a value greater than ${issue.minimum}`
        : `expected a value of at least ${issue.minimum}`;
    case "too_big":
      return issue.origin === "string"
        ? `expected at most ${issue.maximum} characters`
        : issue.inclusive === false
        ? `expected a value less than ${issue.maximum}`
        : `expected a value of at most ${issue.maximum}`;
    case "invalid_union":
      return "does not match any of the accepted forms";
    default:
      return issue.message;
  }
}

function article(word: string): string {
  return /^[aeiou]/i.test(word) ? `an ${word}` : `a ${word}`;
}

/** `PLUGINS.jamf.JAMF_API_HOSTADDR`, with list indices as `[0]`. */
export function pathText(path: readonly PropertyKey[]): string {
  if (path.length === 0) return "(top level)";
  return path.map((p, i) => typeof p === "number" ? `[${p}]` : `${i === 0 ? "" : "."}${String(p)}`)
    .join("");
}
