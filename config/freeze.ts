/**
 * Freezing the configuration: it is handed out once and never changed afterwards (both a loaded
 * file and demo mode's). Changes only if what is frozen changes.
 *
 * @module
 */

/**
 * Freezes `value` and everything reachable from it, in place.
 *
 * @returns `value`, now frozen
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const c = deepFreeze({ PLUGINS: { demo: {} } });
 * assert.equal(Object.isFrozen(c.PLUGINS.demo), true);
 * ```
 */
export function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
