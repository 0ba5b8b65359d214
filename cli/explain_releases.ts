/**
 * The "OS up to date" part of `explain`: for each device of the person's view (merged, with
 * merged-platform rules, grace deadlines and exemptions applied — what their Devices page shows),
 * the verdict of the up-to-date practice(s) and the evidence it cites (static versions and OS
 * policies judged with the release data), so an operator can see why a device is critical.
 * Nothing here evaluates: the statuses come from the view (`Engine.viewOf()`).
 *
 * @module
 */
import type { PracticeSet } from "../engine/practices/practices.ts";
import { SEVERITY_WORDS, severityOfStatus } from "../engine/core/severity.ts";
import type { MergedDevice, PracticeData } from "../engine/core/types.ts";
import { calendarDay, dayOf } from "../views/format.ts";

/**
 * One line per device with an OS, in the view's order: `name (sources, os version): verdict.
 * details`. The verdict is the operator's word for the status the page shows (`SEVERITY_WORDS`),
 * then, as the page says them, "Required by <day>." (a grace deadline) and "Exempt until <last
 * day> — <reason>." (an exemption in force; the status stays as evaluated).
 *
 * @param devices the person's view's devices (`PersonView.devices`), most urgent first
 * @param practices the configured practices; only those of type `uptodate` are shown, each
 *   read from `device.practices[key]` (a practice the view did not judge reads `unknown`)
 * @param now the clock, to say a date with its year when it is not this year's (as the page)
 * @returns the section text, or `""` when no device names an OS or no such practice is enabled
 * @example A Mac below the required version
 * ```ts
 * import assert from "node:assert/strict";
 * import { DEFAULT_PRACTICES } from "../engine/practices/default_practices.ts";
 * import { buildPracticeSet } from "../engine/practices/practices.ts";
 * import { createEngine } from "../engine/engine.ts";
 * const practices = buildPracticeSet(DEFAULT_PRACTICES, ["uptodate"]);
 * const engine = createEngine({
 *   deviceSources: [], ownershipSources: [], accountSources: [], eventSources: [],
 *   notificationSources: [], deviceTransforms: [], eventTransforms: [], practices,
 * });
 * const mac = { source: "jamf", name: "fry-mbp", os: "macOS", os_version: "15.6" };
 * const view = await engine.viewOf("fry@example.com", { items: [mac], errors: [] });
 * const text = explainUpToDate(view.devices, practices, new Date("2026-12-07T09:00:00Z"));
 * assert.deepEqual(text.split("\n"), [
 *   "OS up to date:",
 *   "  fry-mbp (jamf, macOS 15.6): critical. Install macOS 15.7. " +
 *   "macOS 15.6 is older than the version we require.",
 * ]);
 * ```
 */
export function explainUpToDate(
  devices: readonly MergedDevice[],
  practices: PracticeSet,
  now: Date,
): string {
  const uptodate = practices.filter((p) => p.type === "uptodate");
  const lines: string[] = [];
  for (const device of devices) {
    if (!device.os) continue;
    const label = device.name ?? device.model ?? device.identifiers.serial ?? "(unnamed)";
    const os = [device.os, device.os_version].filter(Boolean).join(" ");
    for (const p of uptodate) {
      const which = uptodate.length > 1 ? ` [${p.name}]` : "";
      const verdict = verdictOf(device.practices[p.key] ?? {}, now);
      lines.push(`  ${label} (${device.sources.join(", ")}, ${os})${which}: ${verdict}`);
    }
  }
  return lines.length === 0 ? "" : `OS up to date:\n${lines.join("\n")}`;
}

/** A reason as a sentence: a full stop added unless it ends with one (or `!`, `?`). */
function sentence(text: string): string {
  return /[.!?]$/.test(text.trim()) ? text.trim() : `${text.trim()}.`;
}

/** `critical. Required by 21 December. Exempt until 1 March 2027 — why. details` */
function verdictOf(judged: PracticeData, now: Date): string {
  const words = [`${SEVERITY_WORDS[severityOfStatus(judged.status ?? "unknown")].operator}.`];
  if (judged.deadline) words.push(`Required by ${dayOf(judged.deadline, now)}.`);
  if (judged.exempt) {
    const { lastDay, reason } = judged.exempt;
    words.push(`Exempt until ${calendarDay(lastDay, now)} — ${sentence(reason)}`);
  }
  if (judged.details) words.push(judged.details);
  return words.join(" ");
}
