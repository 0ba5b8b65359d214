/**
 * A person's snapshot as JSON text for the stores. Every `Date` anywhere inside (device sync
 * times, practice readings, account usage, event times) is written tagged and read back as a
 * `Date`, so no string that merely looks like a date is ever converted.
 *
 * Two encodings, both read: **version 2** (written since issue 24), the text `2` then JSON in
 * which a `Date` is the string U+0001 `d` and its milliseconds since the epoch, and a string that
 * itself begins with U+0001 is written with U+0001 `s` before it ({@link encodeMarked}); and
 * **version 1**, JSON in which a `Date` is `{"$date": "<ISO-8601>"}` ({@link encodeTagged}), as
 * every snapshot stored before. A page view decodes its person's snapshot: version 2 is a tenth
 * shorter and makes no object per date, so it parses and revives in about three quarters of the
 * time (bench/README.md, issue 24).
 *
 * @module
 */
import type { PersonSnapshot, SnapshotStamp, StoredSnapshot } from "../../engine/view/snapshots.ts";

const DATE_TAG = "$date";

/**
 * Encodes a value with tagged dates (version 1 of the snapshot body: what snapshots stored before
 * issue 24 hold; still read, no longer written).
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
    if (out !== item) setOwn(o, key, out);
  }
  return v;
}

/** What begins a string that is a date or an escaped string in {@link encodeMarked}'s JSON. */
const MARK = "\u0001";
const MARK_CODE = 1;
const DATE_CODE = 100; // "d"

/**
 * Encodes a value as JSON with marked dates (version 2 of the snapshot body): a `Date` becomes
 * the string U+0001 `d` followed by its milliseconds since the epoch (`NaN` for an invalid one);
 * a string that begins with U+0001 gets U+0001 `s` before it, so no string is ever read as a
 * date. Object keys are written as they are.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(encodeMarked({ at: new Date(0), s: "\u0001d5" }), '{"at":"\\u0001d0","s":"\\u0001s\\u0001d5"}');
 * ```
 */
export function encodeMarked(value: unknown): string {
  return JSON.stringify(value, function (this: Record<string, unknown>, key, v) {
    const original = this[key];
    if (original instanceof Date) return `${MARK}d${original.getTime()}`;
    return typeof v === "string" && v.charCodeAt(0) === MARK_CODE ? `${MARK}s${v}` : v;
  });
}

/**
 * Decodes text from {@link encodeMarked}: marked dates become `Date`s, escaped strings lose their
 * escape, nothing else changes.
 *
 * @throws {SyntaxError} when the text is not JSON
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const value = { at: new Date(0), list: ["\u0001x", new Date(86_400_000)] };
 * assert.deepEqual(decodeMarked(encodeMarked(value)), value);
 * ```
 */
export function decodeMarked<T>(text: string): T {
  const parsed: unknown = JSON.parse(text);
  // JSON.stringify writes U+0001 as "\u0001": text without it has nothing marked
  return (text.includes("\\u0001") ? unmark(parsed) : parsed) as T;
}

/** Whether a parsed value needs {@link unmark}: an object, an array or a marked string. */
function marked(v: unknown): boolean {
  return typeof v === "object"
    ? v !== null
    : typeof v === "string" && v.charCodeAt(0) === MARK_CODE;
}

/** Replaces marked strings inside `v` (in place) and returns it, or what `v` stands for. */
function unmark(v: unknown): unknown {
  if (typeof v === "string") {
    if (v.charCodeAt(0) !== MARK_CODE) return v;
    return v.charCodeAt(1) === DATE_CODE ? new Date(Number(v.slice(2))) : v.slice(2);
  }
  if (v === null || typeof v !== "object") return v;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) if (marked(v[i])) v[i] = unmark(v[i]);
    return v;
  }
  const o = v as Record<string, unknown>;
  for (const key in o) {
    const item = o[key];
    if (!marked(item)) continue;
    const out = unmark(item);
    if (out !== item) setOwn(o, key, out);
  }
  return v;
}

/**
 * `o[key] = value`, except that a "__proto__" key from JSON (an own property) stays one, never a
 * prototype (a plain assignment elsewhere: defining every revived date's property cost as much as
 * the parse).
 */
function setOwn(o: Record<string, unknown>, key: string, value: unknown): void {
  if (key === "__proto__") {
    Object.defineProperty(o, key, { value, writable: true, enumerable: true, configurable: true });
  } else o[key] = value;
}

/** The parts of a snapshot a store keeps in its body (email and times have their own columns). */
export type SnapshotBody = Omit<PersonSnapshot, "email" | "collectedAt">;

/** What begins a version 2 body (a version 1 body is a JSON object: it begins with `{`). */
const VERSION_2 = "2";

/**
 * The body of a snapshot as text (version 2, see the module documentation), ASCII only: every
 * character above U+007F is written as its JSON `\uXXXX` escape ({@link asciiJson}).
 *
 * Why ASCII (issue 24): every page view reads and parses its person's body. A body with a single
 * character above U+007F (a bullet in a source's details, an accented name) comes out of SQLite as
 * a two-byte string, and both making it and `JSON.parse` of it take the slower path: for
 * user@example.com's 4.9 KB body with one "•", reading it 3.5 → 2.0 µs and reading plus parsing it
 * 24.5 → 20.5 µs (bench/README.md, seventh round). The same JSON value, so every reader of version
 * 2 reads it as before (no new version; bodies written unescaped still read).
 *
 * @param snapshot the person's snapshot
 * @returns `2` followed by the JSON of everything but `email` and `collectedAt`
 * @example An ASCII body that reads back as written
 * ```ts
 * import assert from "node:assert/strict";
 * const at = new Date(0);
 * const snapshot = {
 *   email: "fry@example.com",
 *   collectedAt: at,
 *   devices: { items: [{ source: "jamf", name: "Frý’s Mac", last_sync: at }], errors: [] },
 *   accounts: null,
 *   events: null,
 * };
 * const body = encodeSnapshotBody(snapshot);
 * assert.match(body, /^2[ -\u007f]*$/);
 * assert.deepEqual(decodeSnapshot("fry@example.com", at, body), snapshot);
 * ```
 */
export function encodeSnapshotBody(snapshot: PersonSnapshot): string {
  const { email: _e, collectedAt: _c, ...body } = snapshot;
  return VERSION_2 + asciiJson(encodeMarked(body));
}

/** A character JSON text may hold unescaped that is not ASCII. */
const NOT_ASCII = /[\u0080-\uffff]/g;

/**
 * JSON text with every character above U+007F written as its `\uXXXX` escape (a character beyond
 * U+FFFF as the escapes of its two UTF-16 halves): the same JSON value in ASCII only.
 *
 * @param json JSON text
 * @returns the same text when it is ASCII already, else the escaped copy
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(asciiJson('["• 😀"]'), '["\\u2022 \\ud83d\\ude00"]');
 * assert.deepEqual(JSON.parse(asciiJson('["• 😀"]')), ["• 😀"]);
 * ```
 */
export function asciiJson(json: string): string {
  NOT_ASCII.lastIndex = 0;
  if (!NOT_ASCII.test(json)) return json;
  return json.replace(NOT_ASCII, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** A body of either version back as an object (`SyntaxError` when it is not JSON). */
function decodeBody(body: string): SnapshotBody {
  return body.startsWith(VERSION_2)
    ? decodeMarked<SnapshotBody>(body.slice(VERSION_2.length))
    : decodeTagged<SnapshotBody>(body);
}

/**
 * A snapshot back from its columns and body text (either version).
 *
 * @throws {SyntaxError} when the body is not JSON, or not a snapshot of records (a row written by
 * an earlier format): the caller then treats the person as having no snapshot and asks again
 */
export function decodeSnapshot(email: string, collectedAt: Date, body: string): PersonSnapshot {
  const decoded = decodeBody(body);
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
