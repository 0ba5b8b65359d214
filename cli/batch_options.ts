/**
 * The `batch` command's arguments: `--concurrency`, `--timeout`, `--shard`, `--collect-only`,
 * `--log-file`, `--per-person`, `--all-owners` and the emails file, checked with messages that name the flag and
 * the accepted range; and `--timeout` applied to every plugin's deadline. Changes when a flag is
 * added or its rules change.
 *
 * @module
 */
import type { Config } from "../config/schema.ts";
import { parseShard, type Shard } from "../engine/batch/batch_people.ts";
import { REGISTRY, type RegistryEntry } from "../plugins/registry.ts";
import type { CommandContext } from "./command.ts";

/**
 * The configuration with `--timeout` applied to every plugin: `DEFAULT_TIMEOUT` and each timeout
 * key a plugin section sets (`TIMEOUT`, `JAMF_TIMEOUT`, …) become `seconds`, so every plugin's
 * deadline is the batch's (the original's flag reached none, spec §15 item 6).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseConfig } from "../config/load.ts";
 * const config = parseConfig({
 *   SECRET_KEY: "0123456789abcdef0123456789abcdef",
 *   JWT_SECRET_KEY: "fedcba9876543210fedcba9876543210",
 *   PLUGINS: { jamf: { JAMF_TIMEOUT: 60 } },
 * });
 * assert.equal(withBatchTimeout(config, 5).PLUGINS.jamf?.JAMF_TIMEOUT, 5);
 * ```
 */
export function withBatchTimeout(
  config: Config,
  seconds: number,
  registry: Readonly<Record<string, RegistryEntry>> = REGISTRY,
): Config {
  const plugins: Record<string, Record<string, unknown>> = {};
  for (const [name, section] of Object.entries(config.PLUGINS)) {
    const copy = { ...section };
    for (const key of registry[name]?.timeoutKeys ?? ["TIMEOUT"]) {
      if (key in copy) copy[key] = seconds;
    }
    plugins[name] = copy;
  }
  return { ...config, DEFAULT_TIMEOUT: seconds, PLUGINS: plugins };
}

/** The checked arguments of one `batch` run. */
export interface BatchOptions {
  /** People looked up at once, and calls per source at once (1–1024, default 16). */
  concurrency: number;
  /** `--timeout` in seconds (0 < s ≤ 3600), or undefined to keep each plugin's own. */
  timeout: number | undefined;
  shard: Shard;
  collectOnly: boolean;
  /** The emails file, `-` for standard input, or undefined (listing sources only). */
  input: string | undefined;
  logFile: string | undefined;
  perPerson: boolean;
  /**
   * `--all-owners`: the run's people are the file's plus every owner the listings and the
   * people directory name. Without it a given file (or stdin) is exactly the run's people; with
   * no file, the owners are the people anyway.
   */
  allOwners: boolean;
  /** `--skip-nudges`: no nudges after this run, even with `NUDGES.ENABLED`. */
  skipNudges: boolean;
}

/**
 * Reads the `batch` command's flags and its emails file argument.
 *
 * @returns the options, or the problem as one line (`--concurrency: expected …, got "0"`) that
 *   the command prints after `batch: ` before exiting with 2
 */
export function parseBatchOptions(
  ctx: Pick<CommandContext, "values" | "positionals">,
): BatchOptions | string {
  const v = ctx.values;
  const concurrency = v.concurrency === undefined ? 16 : Number(v.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 1024) {
    return `--concurrency: expected a whole number from 1 to 1024, got "${v.concurrency}"`;
  }
  const timeout = v.timeout === undefined ? undefined : Number(v.timeout);
  if (timeout !== undefined && !(timeout > 0 && timeout <= 3600)) {
    return `--timeout: expected seconds between 0 and 3600, got "${v.timeout}"`;
  }
  let shard: Shard = { index: 1, count: 1 };
  if (typeof v.shard === "string") {
    try {
      shard = parseShard(v.shard);
    } catch (error: unknown) {
      return `--shard: ${(error as Error).message}`;
    }
  }
  return {
    concurrency,
    timeout,
    shard,
    collectOnly: v["collect-only"] === true,
    input: ctx.positionals[1],
    logFile: typeof v["log-file"] === "string" ? v["log-file"] : undefined,
    perPerson: v["per-person"] === true,
    allOwners: v["all-owners"] === true,
    skipNudges: v["skip-nudges"] === true,
  };
}
