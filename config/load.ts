/**
 * Loads the configuration once at start-up: reads the file, resolves `{"env": "NAME"}` references,
 * validates every key and hands back a frozen object. A bad file yields one line per problem,
 * naming the key path, and never the value of a secret.
 *
 * @module
 */
import type { z } from "zod";
import { PracticesConfigSchema } from "../engine/practice_config.ts";
import { parseJsonc } from "./jsonc.ts";
import { keyProblems } from "./keys.ts";
import { linkProblems } from "./links.ts";
import { type Config, ConfigSchema } from "./schema.ts";
import { encodeHex } from "../lib/hex.ts";

/** A configuration that cannot be used; `problems` has one line per problem. */
export class ConfigError extends Error {
  override name = "ConfigError";
  readonly problems: string[];
  /** @param problems one line each, `PATH: what is wrong` */
  constructor(problems: string[]) {
    super(problems.join("\n"));
    this.problems = problems;
  }
}

/** Reads environment variables (injected in tests). */
export type EnvReader = (name: string) => string | undefined;

const ENV_NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Loads and validates a configuration file. Without a path, returns the demo configuration.
 *
 * @param path the file named by `--config` or `STETHOSCOPE_CONFIG`, or undefined for demo mode
 * @returns the frozen configuration
 * @throws {ConfigError} listing every problem
 * @example
 * ```ts
 * const config = await loadConfig("/etc/stethoscope/config.json");
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
  const resolved = resolveEnv(raw, [], env, problems);
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
  if (problems.length > 0 || !result.success) throw new ConfigError(problems);
  return deepFreeze({ ...result.data, demo: false });
}

/** Settings a configured (non-demo) deployment must get right, each with what to set. */
function productionProblems(config: z.infer<typeof ConfigSchema>): string[] {
  const problems: string[] = keyProblems(config);
  if (
    config.ENABLE_DEBUG_ENDPOINTS && config.PRIVILEGED_USERS.length === 0 &&
    config.PRIVILEGED_GROUPS.length === 0
  ) {
    problems.push(
      "ENABLE_DEBUG_ENDPOINTS: debug routes need PRIVILEGED_USERS or PRIVILEGED_GROUPS to say who may use them",
    );
  }
  if (config.JWT_EXPIRATION_DELTA > config.JWT_MAX_LIFETIME) {
    problems.push(
      `JWT_EXPIRATION_DELTA: ${config.JWT_EXPIRATION_DELTA} s is longer than JWT_MAX_LIFETIME (${config.JWT_MAX_LIFETIME} s); tokens minted with it would be refused`,
    );
  }
  if (config.LOGIN_MANAGER === "oidc" && !config.OIDC_CLIENT_ID) {
    problems.push('OIDC_CLIENT_ID: required when LOGIN_MANAGER is "oidc"');
  }
  if (config.LOGIN_MANAGER === "oidc" && !config.OIDC_ISSUER) {
    problems.push(
      'OIDC_ISSUER: required when LOGIN_MANAGER is "oidc"; ID tokens must carry it as "iss" (endpoints are discovered from it unless OIDC_AUTHORIZATION_URL, OIDC_TOKEN_URL and OIDC_JWKS_URL are all set)',
    );
  }
  if (config.TRUSTED_HOSTS && config.PUBLIC_ORIGIN) {
    const host = new URL(config.PUBLIC_ORIGIN).hostname.toLowerCase();
    const trusted = config.TRUSTED_HOSTS.map((h) => h.toLowerCase());
    if (
      !trusted.some((t) => t.startsWith(".") ? host === t.slice(1) || host.endsWith(t) : host === t)
    ) {
      problems.push(
        `TRUSTED_HOSTS: does not include "${host}", the host of PUBLIC_ORIGIN; add it or every request would be refused`,
      );
    }
  }
  return problems;
}

/** Environment variable that overrides `RATE_LIMITS` in demo mode (load benchmarks). */
export const DEMO_RATE_LIMITS_ENV = "STETHOSCOPE_DEMO_RATE_LIMITS";

/**
 * The `RATE_LIMITS` of demo mode: the defaults, unless `STETHOSCOPE_DEMO_RATE_LIMITS` holds the
 * same JSON a config file would (`{"API": {"REQUESTS": 1000000, "PER_SECONDS": 1}}`). Demo mode
 * has no file to set them in, and a load benchmark on loopback is one client address.
 *
 * @throws {ConfigError} naming the variable when its value is not valid
 */
function demoRateLimits(env: EnvReader | undefined): unknown {
  const text = env?.(DEMO_RATE_LIMITS_ENV);
  if (text === undefined || text === "") return {};
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new ConfigError([
      `${DEMO_RATE_LIMITS_ENV}: expected JSON such as {"API": {"REQUESTS": 1000, "PER_SECONDS": 1}}`,
    ]);
  }
  const result = ConfigSchema.shape.RATE_LIMITS.safeParse(raw);
  if (!result.success) {
    throw new ConfigError(formatIssues(result.error.issues, [DEMO_RATE_LIMITS_ENV], raw));
  }
  return result.data;
}

/**
 * The configuration used when no file is given.
 *
 * @param options `env` to read `STETHOSCOPE_DEMO_RATE_LIMITS` from (none by default)
 * @throws {ConfigError} when that variable is set but not valid
 */
export function demoConfig(options: { env?: EnvReader } = {}): Config {
  const config = ConfigSchema.parse({
    RATE_LIMITS: demoRateLimits(options.env),
    PLUGINS: { demo: {} },
    SECRET_KEY: randomSecret(),
    JWT_SECRET_KEY: randomSecret(),
    STORE: { TYPE: "sqlite", PATH: "./data/demo.db" },
    PRIVILEGED_USERS: ["admin@example.com"],
    UI: { orgName: "Planet Express", contactEmail: "security@example.com" },
  });
  return deepFreeze({ ...config, demo: true });
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

function readEnv(name: string): string | undefined {
  try {
    return Deno.env.get(name);
  } catch {
    return undefined;
  }
}

function randomSecret(): string {
  return encodeHex(crypto.getRandomValues(new Uint8Array(32)));
}

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
