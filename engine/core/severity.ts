/**
 * The one severity vocabulary: how urgent something is for a person, with its words, and the
 * functions from the two wire spellings to it. Practice statuses (spec §2.2) say `warn` for
 * critical and `nudge` for suggested; notification severities (decision 13) say `warning` for
 * suggested — the opposite end from `warn`. Both stay on the wire exactly as they are (JSON API,
 * configuration, the notification index); everything past them speaks {@link Severity}. Changes
 * when the scale or its words change.
 *
 * @module
 */
import type { NotificationSeverity, Status } from "./types.ts";

/**
 * How urgent something is: `critical` (fix now), `suggested`, `unknown` (can't be checked), `ok`
 * (done), `info` (for your information: notifications only) and `na` (does not apply: practices
 * only).
 */
export type Severity = "critical" | "suggested" | "unknown" | "ok" | "info" | "na";

/** Every severity, in the order a person acts on them (most urgent first). */
export const SEVERITIES: readonly Severity[] = [
  "critical",
  "suggested",
  "unknown",
  "info",
  "ok",
  "na",
];

/** The severities a practice status can have (never `info`). */
export type StatusSeverity = Exclude<Severity, "info">;

/**
 * How urgent a whole device is (spec §12.2): the worst of its practices, `unknown` when nothing
 * is known. Also the keys of a batch run's rating counts.
 */
export type Rating = Extract<Severity, "critical" | "suggested" | "ok" | "unknown">;

/** Every rating, in the order the dashboard stacks them (the batch summary's keys). */
export const RATINGS: readonly Rating[] = ["critical", "suggested", "ok", "unknown"];

/**
 * What a device counts as in a run's headline (issue 26: "OK" means checked and passing), as
 * `ratingKey` (`engine/batch/batch_stats.ts`) counts it: `critical` and `suggested` as rated; `ok`
 * only when every practice shown was checked and passes; `partial` when nothing fails but some
 * practice cannot be checked (the person's card says "Nothing to fix · 3 can't be checked");
 * `unknown` when nothing is known; `exempt` (issue 26, exemptions) when the only failing practices
 * are waived.
 */
export type Headline = "critical" | "suggested" | "ok" | "partial" | "unknown" | "exempt";

/** Every headline, in the order the dashboard stacks and lists them. */
export const HEADLINES: readonly Headline[] = [
  "critical",
  "suggested",
  "ok",
  "partial",
  "unknown",
  "exempt",
];

/** The severities a notification can have. */
export type AlertSeverity = Extract<Severity, "critical" | "suggested" | "info">;

/** What each severity is called, by who reads it. */
export interface SeverityWords {
  /** The employee's words: group headings and screen-reader labels ("Fix now"). */
  employee: string;
  /** The operator's word in running text: `explain`, the batch summary ("critical"). */
  operator: string;
  /** The operator's column heading: the dashboard's legend and tables ("Critical"). */
  heading: string;
}

/** The words of every severity, in one place. */
export const SEVERITY_WORDS: Readonly<Record<Severity, SeverityWords>> = {
  critical: { employee: "Fix now", operator: "critical", heading: "Critical" },
  suggested: { employee: "Suggested", operator: "suggested", heading: "Suggested" },
  unknown: { employee: "Can't check", operator: "unknown", heading: "Unknown" },
  info: { employee: "For your information", operator: "information", heading: "Information" },
  ok: { employee: "Done", operator: "ok", heading: "OK" },
  na: { employee: "Does not apply", operator: "not applicable", heading: "Not applicable" },
};

const OF_STATUS: Readonly<Record<Status, StatusSeverity>> = {
  warn: "critical",
  nudge: "suggested",
  ok: "ok",
  unknown: "unknown",
  na: "na",
};

/**
 * The severity of a practice status (the wire's `warn` is critical, `nudge` suggested).
 *
 * @param status a status as evaluation writes it (`PracticeData.status`)
 * @returns its severity; `undefined` for a string that is not a status (e.g. a stored count key
 *   written by a newer version)
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(severityOfStatus("warn"), "critical");
 * assert.equal(severityOfStatus("nudge"), "suggested");
 * ```
 */
export function severityOfStatus(status: Status): StatusSeverity;
export function severityOfStatus(status: string): StatusSeverity | undefined;
export function severityOfStatus(status: string): StatusSeverity | undefined {
  return Object.hasOwn(OF_STATUS, status) ? OF_STATUS[status as Status] : undefined;
}

/**
 * How urgent each severity of a practice or device is, to pick the worse of two or to sort:
 * critical 3, suggested 2, ok 1, unknown 0, na -1 (does not apply: never the worse).
 */
export const URGENCY: Readonly<Record<StatusSeverity, number>> = {
  critical: 3,
  suggested: 2,
  ok: 1,
  unknown: 0,
  na: -1,
};

/**
 * How urgent a practice status is ({@link URGENCY} of its severity): `warn` 3, `nudge` 2, `ok` 1,
 * `unknown` 0, `na` -1.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.ok(statusUrgency("warn") > statusUrgency("nudge"));
 * ```
 */
export function statusUrgency(status: Status): number {
  return URGENCY[severityOfStatus(status)];
}

/**
 * The severity of a notification: its `severity` field (`critical`; `warning` is suggested;
 * `info`), a question without one is suggested, anything else is for information.
 *
 * @param n the notification's `severity` and `type` as its source gave them
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(severityOfNotification({ severity: "warning", type: "simple" }), "suggested");
 * assert.equal(severityOfNotification({ type: "question" }), "suggested");
 * ```
 */
export function severityOfNotification(
  n: { severity?: NotificationSeverity; type: string },
): AlertSeverity {
  if (n.severity === "critical") return "critical";
  if (n.severity === "warning" || (n.type === "question" && n.severity === undefined)) {
    return "suggested";
  }
  return "info";
}
