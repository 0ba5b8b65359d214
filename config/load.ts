/**
 * Loads the configuration once at start-up: reads the file, resolves `{"env": "NAME"}` references,
 * validates every key and hands back a frozen object. A bad file yields one line per problem,
 * naming the key path, and never the value of a secret (worded in `problems.ts`). Environment
 * references are `env_refs.ts`, the rules between settings `deployment_checks.ts`, demo mode
 * `demo.ts`.
 *
 * @module
 */
import { PracticesConfigSchema } from "../engine/practices/practice_config.ts";
import { demoConfig } from "./demo.ts";
import { productionProblems } from "./deployment_checks.ts";
import { type EnvReader, readEnv, resolveEnvRefs } from "./env_refs.ts";
import { deepFreeze } from "./freeze.ts";
import { parseJsonc } from "./jsonc.ts";
import { linkProblems } from "./links.ts";
import { ConfigError, formatIssues } from "./problems.ts";
import { type Config, ConfigSchema } from "./schema.ts";

/**
 * Loads and validates a configuration file. Without a path, returns the demo configuration.
 *
 * @param path the file named by `--config` or `STETHOSCOPE_CONFIG`, or undefined for demo mode
 * @returns the frozen configuration
 * @throws {ConfigError} listing every problem
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const demo = await loadConfig(undefined); // no file: demo mode
 * assert.deepEqual(Object.keys(demo.PLUGINS), ["demo"]);
 * await assert.rejects(loadConfig("/nonexistent/config.json"), {
 *   message: 'Cannot read config file "/nonexistent/config.json": no such file',
 * });
 * ```
 */
export async function loadConfig(
  path: string | undefined,
  options: { env?: EnvReader } = {},
): Promise<Config> {
  if (path === undefined) return demoConfig({ env: options.env ?? readEnv });
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error: unknown) {
    const why = error instanceof Deno.errors.NotFound
      ? "no such file"
      : error instanceof Deno.errors.PermissionDenied
      ? "permission denied"
      : error instanceof Error
      ? error.message
      : String(error);
    throw new ConfigError([`Cannot read config file "${path}": ${why}`]);
  }
  let raw: unknown;
  try {
    raw = parseJsonc(text);
  } catch (error: unknown) {
    throw new ConfigError([`Cannot read config file "${path}": ${(error as Error).message}`]);
  }
  return parseConfig(raw, options);
}

/**
 * Validates an already-parsed configuration object.
 *
 * @throws {ConfigError} listing every problem
 */
export function parseConfig(raw: unknown, options: { env?: EnvReader } = {}): Config {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new ConfigError(["(top level): expected a JSON object"]);
  }
  const env = options.env ?? readEnv;
  const problems: string[] = [];
  const resolved = resolveEnvRefs(raw, { env, problems });
  const result = ConfigSchema.safeParse(resolved);
  if (!result.success) problems.push(...formatIssues(result.error.issues, [], resolved));
  else {
    problems.push(...productionProblems(result.data));
    problems.push(...linkProblems(result.data));
    if (result.data.PRACTICES) {
      const practices = PracticesConfigSchema.safeParse(result.data.PRACTICES);
      if (!practices.success) {
        problems.push(
          ...formatIssues(practices.error.issues, ["PRACTICES"], result.data.PRACTICES),
        );
      }
    }
  }
  if (problems.length > 0 || !result.success) {
    throw new ConfigError(problems, pluginSections(resolved));
  }
  return deepFreeze({ ...result.data, demo: false });
}

/** `PLUGINS` (an object of objects) and `PLUGINS_ENABLED` (strings) of a file, when so shaped. */
function pluginSections(resolved: unknown): ConfigError["plugins"] {
  const { PLUGINS, PLUGINS_ENABLED } = resolved as Record<string, unknown>;
  if (typeof PLUGINS !== "object" || PLUGINS === null || Array.isArray(PLUGINS)) return undefined;
  const enabled = Array.isArray(PLUGINS_ENABLED) &&
      PLUGINS_ENABLED.every((n) => typeof n === "string")
    ? PLUGINS_ENABLED as string[]
    : undefined;
  return { sections: PLUGINS as Record<string, unknown>, ...(enabled ? { enabled } : {}) };
}
