/**
 * The id a sign-in is answered under (`event:<source>:<id>`): the Activity page's "this wasn't
 * me", an Overview question about the sign-in (its `event_id`) and the store's answers all use it,
 * so a sign-in has one answer wherever it is shown. Changes only if that id's format does.
 *
 * Not the store's deduplication key of an event (plugins/stores/codec.ts `eventKey`), which only
 * has to be unique within a source.
 *
 * @module
 */
import type { AccessEvent } from "./types.ts";

const PREFIX = "event:";

/**
 * The id a sign-in is answered under: its source and its id, else its time (ISO-8601, UTC).
 *
 * @param e the sign-in
 * @returns `event:<source>:<id>` or `event:<source>:<ISO time>`
 * @example Answer ids of a sign-in with and without an id
 * ```ts
 * import assert from "node:assert/strict";
 * const sign = {
 *   type: "login",
 *   success: true,
 *   reason: "",
 *   ip_address: "10.0.0.1",
 *   timestamp: new Date("2026-11-30T08:00:00Z"),
 * };
 * assert.equal(eventAnswerKey({ ...sign, source: "google", id: "fry-3" }), "event:google:fry-3");
 * assert.equal(eventAnswerKey({ ...sign, source: "duo" }), "event:duo:2026-11-30T08:00:00.000Z");
 * ```
 */
export function eventAnswerKey(e: AccessEvent): string {
  return `${PREFIX}${e.source}:${e.id ?? e.timestamp.toISOString()}`;
}

/**
 * Whether an answered id names a sign-in (from {@link eventAnswerKey}) rather than a notification.
 *
 * @param id an id from a feedback form or the feedback API
 * @returns true for `event:…` ids
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(isEventAnswerKey("event:google:fry-3"), true);
 * assert.equal(isEventAnswerKey("n-42"), false);
 * ```
 */
export function isEventAnswerKey(id: string): boolean {
  return id.startsWith(PREFIX);
}
