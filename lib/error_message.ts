/**
 * One line of text for a caught value. Changes only if how we word an unknown error changes.
 *
 * @module
 */

/**
 * The message of an `Error`, or the caught value as a string when something else was thrown.
 *
 * @param error whatever a `catch` or a rejected promise gave
 * @returns `error.message` for an `Error` (possibly `""`), else `String(error)`
 * @example Word what was thrown
 * ```ts
 * import assert from "node:assert/strict";
 * import { errorMessage } from "./error_message.ts";
 * assert.equal(errorMessage(new TypeError("bad port")), "bad port");
 * assert.equal(errorMessage("timeout"), "timeout");
 * ```
 */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
