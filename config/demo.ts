/**
 * Demo mode's configuration, used when no file is given: the demo plugin, random keys, a SQLite
 * file under `./data`, and rate limits an operator may raise through one environment variable for
 * load benchmarks. Changes when what demo mode shows changes.
 *
 * @module
 */
import { encodeHex } from "../lib/hex.ts";
import type { EnvReader } from "./env_refs.ts";
import { deepFreeze } from "./freeze.ts";
import { ConfigError, formatIssues } from "./problems.ts";
import { type Config, ConfigSchema } from "./schema.ts";

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
    EXEMPTION_GRANTERS: ["admin@example.com"],
    UI: { orgName: "Planet Express", contactEmail: "security@example.com" },
  });
  return deepFreeze({ ...config, demo: true });
}

function randomSecret(): string {
  return encodeHex(crypto.getRandomValues(new Uint8Array(32)));
}
