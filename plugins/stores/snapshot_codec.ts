/**
 * A person's snapshot as JSON text for the stores. Every `Date` anywhere inside (device sync
 * times, practice readings, account usage, event times) is written as `{"$date": "<ISO-8601>"}`
 * and read back as a `Date`, so no string that merely looks like a date is ever converted.
 *
 * @module
 */
import type { PersonSnapshot } from "../../engine/snapshots.ts";

const DATE_TAG = "$date";

/**
 * Encodes a snapshot (any value, in fact) with tagged dates.
 *
 * @example
 * ```ts
 * encodeTagged({ at: new Date(0) }); // '{"at":{"$date":"1970-01-01T00:00:00.000Z"}}'
 * ```
 */
export function encodeTagged(value: unknown): string {
  return JSON.stringify(value, function (this: Record<string, unknown>, key, v) {
    const original = this[key];
    return original instanceof Date ? { [DATE_TAG]: original.toISOString() } : v;
  });
}

/**
 * Decodes text from {@link encodeTagged}: tagged dates become `Date`s, nothing else changes.
 *
 * @throws {SyntaxError} when the text is not JSON
 */
export function decodeTagged<T>(text: string): T {
  return JSON.parse(text, (_key, v) => {
    if (v !== null && typeof v === "object" && !Array.isArray(v)) {
      const keys = Object.keys(v);
      if (keys.length === 1 && keys[0] === DATE_TAG && typeof v[DATE_TAG] === "string") {
        return new Date(v[DATE_TAG]);
      }
    }
    return v;
  }) as T;
}

/** The parts of a snapshot a store keeps in its body (email and times have their own columns). */
export type SnapshotBody = Omit<PersonSnapshot, "email" | "collectedAt">;

/** The body of a snapshot as text. */
export function encodeSnapshotBody(snapshot: PersonSnapshot): string {
  const { email: _e, collectedAt: _c, ...body } = snapshot;
  return encodeTagged(body);
}

/**
 * A snapshot back from its columns and body text.
 *
 * @throws {SyntaxError} when the body is not JSON, or not a snapshot of records (a row written by
 * an earlier format): the caller then treats the person as having no snapshot and asks again
 */
export function decodeSnapshot(email: string, collectedAt: Date, body: string): PersonSnapshot {
  const decoded = decodeTagged<SnapshotBody>(body);
  const items: unknown = decoded?.devices?.items;
  if (
    !Array.isArray(items) ||
    !items.every((r) => typeof (r as { source?: unknown } | null)?.source === "string")
  ) {
    throw new SyntaxError(`The snapshot of "${email}" is not in this version's format`);
  }
  return { email, collectedAt, ...decoded };
}

/**
 * When the person was last seen according to a snapshot being saved: its collection, or a later
 * failed refresh (whose snapshot keeps the older collection time).
 */
export function seenOf(snapshot: PersonSnapshot): number {
  return Math.max(snapshot.collectedAt.getTime(), snapshot.failedRefresh?.at.getTime() ?? 0);
}
