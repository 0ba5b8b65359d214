/**
 * Whether a time-zone name is one this runtime knows, written once for the configuration
 * (`UI.timeZone`, `NUDGES.TIME_ZONE`) and the engine (a person's Slack `tz`).
 *
 * @module
 */

/**
 * Whether `Intl` knows the IANA time-zone name.
 *
 * @param name a candidate such as `Europe/Berlin` or `UTC`
 * @returns `true` when `Intl.DateTimeFormat` accepts it; `false` for `Mars/Olympus` or `""`
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(isTimeZone("Europe/Berlin"), true);
 * assert.equal(isTimeZone("Mars/Olympus"), false);
 * ```
 */
export function isTimeZone(name: string): boolean {
  if (name === "") return false;
  try {
    new Intl.DateTimeFormat("en", { timeZone: name });
    return true;
  } catch {
    return false;
  }
}
