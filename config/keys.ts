/**
 * Rules for the signing keys of a configured deployment: `SECRET_KEY` (session cookies),
 * `SECRET_KEY_PREVIOUS` (cookies signed before a rotation, still accepted — so it must be as
 * strong as the current key) and `JWT_SECRET_KEY` (API tokens).
 *
 * A key must be at least 32 bytes, must not be one character repeated or be made of fewer than 8
 * distinct bytes (`aaaa…`, `abab…`, `00000000…` can be guessed whatever their length), and the
 * session and token keys must differ (one leaked key must not give both). Problems name the key,
 * never its value.
 *
 * @module
 */

/** The fewest bytes a signing key may have. */
export const MIN_SECRET_BYTES = 32;

/** The fewest distinct byte values a signing key may have. */
export const MIN_DISTINCT_BYTES = 8;

/** The keys and whether a configured deployment must set them. */
const KEYS = [
  { key: "SECRET_KEY", required: true },
  { key: "SECRET_KEY_PREVIOUS", required: false },
  { key: "JWT_SECRET_KEY", required: true },
] as const;

type KeyName = (typeof KEYS)[number]["key"];

/** What is wrong with one key's value, or `undefined` when it is strong enough. */
function weakness(value: string): string | undefined {
  const bytes = new TextEncoder().encode(value);
  if (bytes.length < MIN_SECRET_BYTES) {
    return `too short; use at least ${MIN_SECRET_BYTES} random bytes`;
  }
  const distinct = new Set(bytes).size;
  const hint = 'use random bytes (e.g. the output of "openssl rand -hex 32")';
  if (distinct === 1) return `one character repeated; ${hint}`;
  if (distinct < MIN_DISTINCT_BYTES) return `only ${distinct} distinct characters; ${hint}`;
  return undefined;
}

/**
 * The problems with the configured signing keys, one line each, naming the key.
 *
 * @param config the parsed configuration (values already read from the environment)
 * @returns lines such as `SECRET_KEY_PREVIOUS: too short; use at least 32 random bytes`; empty
 *   when every key is fine
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { keyProblems } from "./keys.ts";
 * const problems = keyProblems({ SECRET_KEY: "a".repeat(40), JWT_SECRET_KEY: "a".repeat(40) });
 * assert.deepEqual(problems.map((p) => p.split(";")[0]), [
 *   "SECRET_KEY: one character repeated",
 *   "JWT_SECRET_KEY: one character repeated",
 *   "JWT_SECRET_KEY: must differ from SECRET_KEY",
 * ]);
 * ```
 */
export function keyProblems(config: { [K in KeyName]?: string | undefined }): string[] {
  const problems: string[] = [];
  for (const { key, required } of KEYS) {
    const value = config[key];
    if (value === undefined) {
      if (required) {
        problems.push(
          `${key}: required; set it to at least ${MIN_SECRET_BYTES} random bytes (e.g. the output of "openssl rand -hex 32"), ideally as {"env": "NAME"}`,
        );
      }
      continue;
    }
    const problem = weakness(value);
    if (problem) problems.push(`${key}: ${problem}`);
  }
  const jwt = config.JWT_SECRET_KEY;
  for (const key of ["SECRET_KEY", "SECRET_KEY_PREVIOUS"] as const) {
    if (jwt !== undefined && config[key] === jwt) {
      problems.push(
        `JWT_SECRET_KEY: must differ from ${key}; use a separate random key for API tokens, so one leaked key cannot forge both sessions and tokens`,
      );
    }
  }
  return problems;
}
