/**
 * `{"env": "NAME"}` references in a configuration file: each is replaced by the value of that
 * environment variable, or reported as a problem naming the key path and the variable. Changes
 * when the way a file points at secrets changes.
 *
 * @module
 */
import { pathText } from "./problems.ts";

/** Reads environment variables (injected in tests). */
export type EnvReader = (name: string) => string | undefined;

const ENV_NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * A copy of `value` (parsed JSON) with every `{"env": "NAME"}` object replaced by the variable's
 * value. A reference that is malformed, or names a variable that is unset or empty, becomes
 * `undefined` and one line in `options.problems`
 * (`PLUGINS.jamf.JAMF_PASSWORD: environment variable "JAMF_PASSWORD" is not set`).
 *
 * @param value the parsed file
 * @param options `env` reads a variable; `problems` collects the lines
 * @returns the copy (the input is not changed)
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const problems: string[] = [];
 * const env = (name: string) => (name === "KEY" ? "s3cret" : undefined);
 * assert.deepEqual(resolveEnvRefs({ SECRET_KEY: { env: "KEY" } }, { env, problems }), {
 *   SECRET_KEY: "s3cret",
 * });
 * resolveEnvRefs({ JWT_SECRET_KEY: { env: "UNSET" } }, { env, problems });
 * assert.deepEqual(problems, ['JWT_SECRET_KEY: environment variable "UNSET" is not set']);
 * ```
 */
export function resolveEnvRefs(
  value: unknown,
  options: { env: EnvReader; problems: string[] },
): unknown {
  return resolveEnv(value, [], options.env, options.problems);
}

function resolveEnv(
  value: unknown,
  path: PropertyKey[],
  env: EnvReader,
  problems: string[],
): unknown {
  if (Array.isArray(value)) return value.map((v, i) => resolveEnv(v, [...path, i], env, problems));
  if (typeof value !== "object" || value === null) return value;
  const entries = Object.entries(value);
  if (entries.length === 1 && entries[0]![0] === "env") {
    const name = entries[0]![1];
    if (typeof name !== "string" || !ENV_NAME_RE.test(name)) {
      problems.push(`${pathText(path)}: "env" must name an environment variable`);
      return undefined;
    }
    const found = env(name);
    if (found === undefined || found === "") {
      problems.push(`${pathText(path)}: environment variable "${name}" is not set`);
      return undefined;
    }
    return found;
  }
  return Object.fromEntries(
    entries.map(([k, v]) => [k, resolveEnv(v, [...path, k], env, problems)]),
  );
}

/** `Deno.env.get`, or `undefined` without the permission to read the environment. */
export function readEnv(name: string): string | undefined {
  try {
    return Deno.env.get(name);
  } catch {
    return undefined;
  }
}
