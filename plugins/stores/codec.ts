/**
 * What the store implementations share: stable keys, JSON encodings of records with `Date`s, and
 * the error they throw when they cannot persist.
 *
 * @module
 */
import type { BatchRunSummary } from "../../engine/core/store_ports.ts";
import type { AccessEvent, Feedback } from "../../engine/core/types.ts";

/** A store could not read or write; `message` says what was attempted and how to fix it. */
export class StoreError extends Error {
  override name = "StoreError";
}

/**
 * The key that deduplicates an event within its source: its id, else its time, address and user.
 *
 * @param event the event
 * @returns a string unique per distinct event of one source
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const signIn = {
 *   source: "duo", type: "authentication", success: true, reason: "user_approved",
 *   ip_address: "192.0.2.10", timestamp: new Date(0),
 * };
 * assert.equal(eventKey({ ...signIn, id: "e1" }), "id:e1");
 * assert.equal(eventKey(signIn), "at:0|192.0.2.10|"); // no id: time, address and user name
 * ```
 */
export function eventKey(event: AccessEvent): string {
  if (event.id !== undefined && event.id !== "") return `id:${event.id}`;
  return `at:${event.timestamp.getTime()}|${event.ip_address}|${event.username ?? ""}`;
}

/** An event as JSON text (timestamp as ISO-8601). */
export function encodeEvent(event: AccessEvent): string {
  return JSON.stringify(event);
}

/** An event back from {@link encodeEvent}. */
export function decodeEvent(text: string): AccessEvent {
  const raw = JSON.parse(text) as AccessEvent & { timestamp: string };
  return { ...raw, timestamp: new Date(raw.timestamp) };
}

/** A batch run as JSON text. */
export function encodeBatchRun(run: BatchRunSummary): string {
  return JSON.stringify(run);
}

/** A batch run back from {@link encodeBatchRun}. */
export function decodeBatchRun(text: string): BatchRunSummary {
  const raw = JSON.parse(text) as BatchRunSummary & { startedAt: string; finishedAt: string };
  return { ...raw, startedAt: new Date(raw.startedAt), finishedAt: new Date(raw.finishedAt) };
}

/** Only the three fields of a feedback, whatever else the object carries. */
export function pickFeedback(feedback: Feedback): Feedback {
  return { id: feedback.id, feedback: feedback.feedback, notes: feedback.notes };
}

/** A feedback back from its JSON text. */
export function decodeFeedback(text: string): Feedback {
  return pickFeedback(JSON.parse(text) as Feedback);
}
