/**
 * A person's snapshot as JSON text for the stores. Every `Date` anywhere inside (device sync
 * times, practice readings, account usage, event times) is written as `{"$date": "<ISO-8601>"}`
 * and read back as a `Date`, so no string that merely looks like a date is ever converted.
 *
 * @module
 */
import type { PersonSnapshot, SnapshotStamp, StoredSnapshot } from "../../engine/view/snapshots.ts";

const DATE_TAG = "$date";

/**
 * Encodes a snapshot (any value, in fact) with tagged dates.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(encodeTagged({ at: new Date(0) }), '{"at":{"$date":"1970-01-01T00:00:00.000Z"}}');
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
 * Parses without a reviver and then walks the result once: a reviver is called for every value
 * (and `Object.keys` for every object) and made decoding 7 % of a Devices page served from a
 * snapshot (bench/README.md, `bench:http`). The outcome is the same as the reviver's.
 *
 * @throws {SyntaxError} when the text is not JSON
 */
export function decodeTagged<T>(text: string): T {
  const parsed: unknown = JSON.parse(text);
  // text without the tag's key (written plainly, or with a \u escape) has no date to revive
  const tagged = text.includes(`"${DATE_TAG}"`) || text.includes("\\u");
  return (tagged ? revive(parsed) : parsed) as T;
}

/** `{"$date": "<string>"}` and nothing else. */
function isDateTag(v: object): v is { [DATE_TAG]: string } {
  if (typeof (v as Record<string, unknown>)[DATE_TAG] !== "string") return false;
  let n = 0;
  for (const _ in v) if (++n > 1) return false;
  return Object.hasOwn(v, DATE_TAG);
}

/** Replaces date tags inside `v` (in place) and returns it, or the `Date` when `v` is one. */
function revive(v: unknown): unknown {
  if (v === null || typeof v !== "object") return v;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const item: unknown = v[i];
      if (item !== null && typeof item === "object") v[i] = revive(item);
    }
    return v;
  }
  if (isDateTag(v)) return new Date(v[DATE_TAG]);
  const o = v as Record<string, unknown>;
  for (const key in o) {
    const item = o[key];
    if (item === null || typeof item !== "object") continue;
    const out = revive(item);
    if (out === item) continue;
    // a "__proto__" key from JSON is an own property: keep it one, never a prototype (a plain
    // assignment elsewhere: defining every revived date's property cost as much as the parse)
    if (key === "__proto__") {
      Object.defineProperty(o, key, {
        value: out,
        writable: true,
        enumerable: true,
        configurable: true,
      });
    } else o[key] = out;
  }
  return v;
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

/**
 * A person's snapshot as both stores keep it: a SQLite row or an Elasticsearch document with
 * `collected_at` and `seen_at` (ms since epoch) and `body` (the text of {@link encodeSnapshotBody}).
 */
export type SnapshotRecord = Record<string, unknown>;

/**
 * The snapshot of a stored record.
 *
 * @param email the person, as the store keys it (lower-cased)
 * @param record the stored `collected_at`, `seen_at` and `body`
 * @returns the snapshot with `seenAt`
 * @throws {SyntaxError} as {@link decodeSnapshot}: the body is not JSON, or of an earlier format
 */
export function storedSnapshotOf(email: string, record: SnapshotRecord): StoredSnapshot {
  const s = decodeSnapshot(email, new Date(Number(record.collected_at)), String(record.body));
  return { ...s, seenAt: new Date(Number(record.seen_at)) };
}

/**
 * The stamp of a stored record without decoding its body: the collection time and the stored
 * text are the version (every page view reads this).
 *
 * @param record the stored `collected_at`, `seen_at` and `body`
 * @param email the person, as the store keys it (lower-cased), for decoding on demand
 * @returns its times, `version` = `"<collected_at> <body>"`, and the snapshot decoded on demand
 * @example The stamp of a row
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(stampOf({ collected_at: 0, seen_at: 60_000, body: "{}" }).version, "0 {}");
 * ```
 */
export function stampOf(record: SnapshotRecord, email = ""): SnapshotStamp {
  return {
    collectedAt: new Date(Number(record.collected_at)),
    seenAt: new Date(Number(record.seen_at)),
    version: `${record.collected_at} ${record.body}`,
    snapshot: () => storedSnapshotOf(email, record),
  };
}
