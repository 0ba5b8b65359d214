/**
 * Text and time helpers of the LANDESK source: the screen-saver reason LANDESK concatenates into
 * one string, and naive SQL timestamps read in the inventory's time zone.
 *
 * @module
 */
import { wallClock } from "../../lib/calendar_days.ts";

const SENTENCE_START_RE = /(?=The screen saver )/;
const ENABLED_RE = /^The screen saver is not enabled for user (.+)$/;
const TIMEOUT_RE = /^The screen saver time ?out value for user (.+) is longer than (\d+) minutes$/;
const PASSWORD_RE = /^The screen saver password protection setting is not enabled for user (.+)$/;

/**
 * Rewrites LANDESK's run-together screen-saver findings as one bullet per kind of problem.
 * Sentences are split where a new "The screen saver …" begins, so user names containing dots
 * survive; a reason with no recognised sentence is returned trimmed, as is.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(
 *   formatScreenSaverReason(
 *     "The screen saver is not enabled for user b.The screen saver is not enabled for user a.",
 *   ),
 *   "  • The screen saver is not enabled for users: a, b.",
 * );
 * ```
 */
export function formatScreenSaverReason(reason: string): string {
  const enabled = new Set<string>();
  const timeout = new Set<string>();
  const password = new Set<string>();
  let minutes: string | undefined;
  for (const piece of reason.split(SENTENCE_START_RE)) {
    const sentence = piece.trim().replace(/\.$/, "").trim();
    const e = ENABLED_RE.exec(sentence);
    const t = TIMEOUT_RE.exec(sentence);
    const p = PASSWORD_RE.exec(sentence);
    if (e) enabled.add(e[1]!.trim());
    else if (t) {
      timeout.add(t[1]!.trim());
      minutes ??= t[2];
    } else if (p) password.add(p[1]!.trim());
  }
  const lines: string[] = [];
  const users = (set: Set<string>) =>
    `user${set.size === 1 ? "" : "s"}: ${[...set].sort().join(", ")}.`;
  if (enabled.size) lines.push(`The screen saver is not enabled for ${users(enabled)}`);
  if (timeout.size) {
    lines.push(
      `The screen saver timeout value is longer than ${minutes} minutes for ${users(timeout)}`,
    );
  }
  if (password.size) lines.push(`The screen saver password is not enabled for ${users(password)}`);
  return lines.length ? lines.map((l) => `  • ${l}`).join("\n") : reason.trim();
}

const NAIVE_RE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3})\d*)?)?)?$/;

/**
 * The instant a naive database timestamp denotes in `timeZone`. A `Date` from the driver carries
 * the wall-clock time in its UTC fields (`useUTC`); strings may be `YYYY-MM-DD[ HH:MM[:SS[.fff]]]`
 * (a string with an explicit offset is taken as is). Like `Temporal`'s "compatible"
 * disambiguation, a repeated hour resolves to the earlier instant and a skipped hour moves forward.
 *
 * @returns the instant, or `null` for null, empty or unreadable values
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.deepEqual(
 *   zonedTime("2024-07-01 09:00:00", "America/Los_Angeles"),
 *   new Date("2024-07-01T16:00:00.000Z"),
 * );
 * ```
 */
export function zonedTime(value: unknown, timeZone: string): Date | null {
  let wall: number;
  if (value instanceof Date) wall = value.getTime();
  else if (typeof value === "string") {
    const m = NAIVE_RE.exec(value.trim());
    if (!m) {
      const parsed = Date.parse(value);
      return /(?:Z|[+-]\d{2}:?\d{2})$/i.test(value.trim()) && !isNaN(parsed)
        ? new Date(parsed)
        : null;
    }
    const [, y, mo, d, h, mi, s, ms] = m;
    wall = Date.UTC(
      +y!,
      +mo! - 1,
      +d!,
      +(h ?? 0),
      +(mi ?? 0),
      +(s ?? 0),
      +(ms ?? "0").padEnd(3, "0"),
    );
  } else return null;
  // Outside years 100 to 275759 (less a day each side) the zone offset cannot be computed.
  if (isNaN(wall) || wall < MIN_WALL_MS || wall > MAX_WALL_MS) return null;
  const before = offsetMs(timeZone, wall - 86_400_000);
  const after = offsetMs(timeZone, wall + 86_400_000);
  const valid = [wall - before, wall - after].filter((t) => t + offsetMs(timeZone, t) === wall);
  return new Date(valid.length ? Math.min(...valid) : wall - before);
}

const MIN_WALL_MS = -59_011_286_400_000; // 0100-01-03T00:00Z (Date.UTC maps years 0–99 to 19xx)
const MAX_WALL_MS = 8.64e15 - 2 * 86_400_000;

/** `timeZone`'s offset from UTC at `instant`, in milliseconds (whole seconds). */
function offsetMs(timeZone: string, instant: number): number {
  return wallClock(instant, timeZone) - Math.floor(instant / 1000) * 1000;
}

/** Whether `value` names an IANA time zone this runtime knows (written once, in lib/). */
export { isTimeZone } from "../../lib/time_zone.ts";
