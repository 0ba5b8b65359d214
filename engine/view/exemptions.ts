/**
 * Exemptions (issue 26): the security team waives one practice for one device, or for every
 * device of one person, with a reason and an expiry. While one is in force the practice carries
 * `exempt` in the person's view (`personView()`): the status stays as evaluated, but the item is
 * off the to-do list, the badge and the device's rating; the batch counts it as exempt. When it
 * ends (expired or revoked) the practice comes back; an exemption pauses its grace clock, never
 * restarts it (`exemptionSpans()`, `since.ts` `pausedDeadline()`).
 *
 * @module
 */
import { addDays, dayIn, dayStart, lastDayBefore, parseDay } from "../../lib/calendar_days.ts";
import { deviceKey } from "../identity/device_key.ts";
import type { MergedDevice, PracticeData, PracticeExemption, Span } from "../core/types.ts";

/** A revocation: who ended an exemption early, when, and why. */
export interface ExemptionRevocation {
  by: string;
  at: Date;
  reason: string;
}

/** One exemption as the store keeps it: granted, and perhaps revoked (never deleted). */
export interface Exemption {
  /** A random id (UUID). */
  id: string;
  /** The person it was granted for (folded email); a device exemption is read through them. */
  email: string;
  /** The device's key (`deviceKey()`, e.g. `serial:C02X`); absent: every device of the person. */
  device?: string;
  /** The practice's key (e.g. `firewall`). */
  practice: string;
  /** Why, in the granter's words (shown to the person). */
  reason: string;
  /** Who granted it (the granter's email; never shown to the person). */
  grantedBy: string;
  grantedAt: Date;
  /**
   * When it ends by itself: the first instant after the last day chosen, in `UI.timeZone`
   * ({@link endOfDay}) — "until 1 March" in UTC is `2027-03-02T00:00:00Z`.
   */
  expiresAt: Date;
  revoked?: ExemptionRevocation;
}

/**
 * Where exemptions live: both stores implement it (SQLite `exemptions` table, Elasticsearch
 * `*-exemptions` index); granting and revoking are the audit trail (who, when, why).
 */
export interface ExemptionStore {
  /** Saves a new exemption. */
  grantExemption(exemption: Exemption): Promise<void>;
  /**
   * Ends an exemption now.
   *
   * @returns the exemption as revoked; `null` when there is no such id or it was already revoked
   */
  revokeExemption(id: string, revocation: ExemptionRevocation): Promise<Exemption | null>;
  /** One exemption by id, or `null`. */
  exemption(id: string): Promise<Exemption | null>;
  /** Every exemption granted for the person (folded email), in force or ended, oldest first. */
  exemptionsFor(email: string): Promise<Exemption[]>;
  /**
   * One page of the exemptions in force at `at` — not revoked, their stored `expiresAt` after it,
   * and granted at or after `grantedFrom` when given (the earliest grant the maximum length still
   * covers) — and how many there are. `order` `end` (default): soonest stored expiry first, then
   * oldest grant; `granted`: oldest grant first, then soonest stored expiry; records equal on both
   * in an order of the store's own, the same on every page. The two orders together find the
   * exemptions that end first as honoured (`exemptions_in_force.ts` `honouredPage()`). Every one
   * is on some page: a store that cannot answer the page its total promises throws.
   *
   * @param options `offset` skipped; `limit` at most this many (0: only the total)
   */
  activeExemptions(
    options: ActiveExemptionQuery,
  ): Promise<{ exemptions: Exemption[]; total: number }>;
}

/** What {@link ExemptionStore.activeExemptions} is asked. */
export interface ActiveExemptionQuery {
  at: Date;
  /** Only exemptions granted at or after this instant. */
  grantedFrom?: Date | undefined;
  /** `end` (default): soonest stored expiry first; `granted`: oldest grant first. */
  order?: "end" | "granted" | undefined;
  offset: number;
  limit: number;
}

/** The reader a person's view needs. */
export type ExemptionReader = Pick<ExemptionStore, "exemptionsFor">;

/**
 * Default and maximum length of an exemption, in days (`EXEMPTIONS` in the configuration), and
 * the time zone whose days they count (`UI.timeZone`, UTC unless configured).
 */
export interface ExemptionSettings {
  defaultDays: number;
  maxDays: number;
  /** An IANA name; default `UTC`. */
  timeZone?: string;
}

/** 90 days unless said otherwise, one year at most, days of UTC. */
export const DEFAULT_EXEMPTION_SETTINGS: Readonly<Required<ExemptionSettings>> = {
  defaultDays: 90,
  maxDays: 365,
  timeZone: "UTC",
};

/**
 * When an exemption whose last day is `day` ends: the first instant of the next day in
 * `timeZone`, so the whole chosen day is included.
 *
 * @param day `YYYY-MM-DD`, the last day in force
 * @param timeZone `UI.timeZone` (an IANA name) or `UTC`
 * @returns the end, exclusive
 * @example "Until 1 March" in Berlin ends at midnight there, 23:00 UTC
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(endOfDay("2027-03-01", "Europe/Berlin").toISOString(), "2027-03-01T23:00:00.000Z");
 * assert.equal(endOfDay("2027-03-01", "UTC").toISOString(), "2027-03-02T00:00:00.000Z");
 * ```
 */
export function endOfDay(day: string, timeZone: string): Date {
  return dayStart(addDays(day, 1), timeZone);
}

/**
 * The last day an exemption is in force, as every page names it ("until 1 March"): the day
 * before its end, in `timeZone`.
 *
 * @param end the exemption's `expiresAt` (or a revocation's time)
 * @param timeZone `UI.timeZone` or `UTC`
 * @returns `YYYY-MM-DD`
 */
export function lastDay(end: Date, timeZone: string): string {
  return lastDayBefore(end, timeZone);
}

/**
 * The exemption as the engine honours it: in force at most until the end of the day `maxDays`
 * days after the day it was granted (days of `timeZone`), whatever expiry the store holds (the
 * grant form checks the same maximum, but a record written another way — an older version, a
 * store edited by hand, a `MAX_DAYS` lowered since — must not waive a check for longer). The
 * same object when its expiry is within the maximum.
 *
 * @param e an exemption as the store keeps it
 * @param maxDays the longest an exemption may last, in days (`EXEMPTIONS.MAX_DAYS`)
 * @param timeZone whose days count (`UI.timeZone`; default `UTC`)
 * @returns `e`, or a copy whose `expiresAt` is the end of that last day ({@link maximumEnd})
 * @example Granted on 1 December 2026 "until 2030": honoured to the end of 1 December 2027
 * ```ts
 * import assert from "node:assert/strict";
 * const e = withinMaximum({
 *   id: "e1",
 *   email: "fry@example.com",
 *   practice: "firewall",
 *   reason: "Lab machine",
 *   grantedBy: "sec@example.com",
 *   grantedAt: new Date("2026-12-01T00:00:00Z"),
 *   expiresAt: new Date("2030-01-01T00:00:00Z"),
 * }, 365);
 * assert.equal(e.expiresAt.toISOString(), "2027-12-02T00:00:00.000Z");
 * ```
 */
export function withinMaximum(e: Exemption, maxDays: number, timeZone = "UTC"): Exemption {
  const latest = maximumEnd(e.grantedAt, maxDays, timeZone);
  return e.expiresAt <= latest ? e : { ...e, expiresAt: latest };
}

/**
 * The latest end of an exemption granted at `grantedAt`: the end of the day `maxDays` days after
 * the day of the grant, in `timeZone`.
 */
export function maximumEnd(grantedAt: Date, maxDays: number, timeZone: string): Date {
  return endOfDay(addDays(dayIn(grantedAt, timeZone), maxDays), timeZone);
}

/** When an exemption ended or ends: its expiry, or its revocation when that came first. */
export function exemptionEnd(e: Pick<Exemption, "expiresAt" | "revoked">): Date {
  return e.revoked && e.revoked.at < e.expiresAt ? e.revoked.at : e.expiresAt;
}

/** Whether the exemption is in force at `now` (granted, not yet ended). */
export function inForce(e: Exemption, now: Date): boolean {
  return e.grantedAt <= now && now < exemptionEnd(e);
}

/** Whether `e` waives `practice` on the device with key `device` (`null`: a device without). */
function covers(e: Exemption, device: string | null, practice: string): boolean {
  return e.practice === practice && (e.device === undefined || e.device === device);
}

/** Statuses an exemption applies to: there is nothing to waive in `ok` or `na`. */
const WAIVABLE = new Set(["warn", "nudge", "unknown"]);

/**
 * The person's devices with `exempt` on each practice an exemption in force waives (a device
 * exemption wins over a person's one, then the one ending last). Practices that are `ok` or
 * `na` are left as they are.
 *
 * @param devices the person's merged devices (after "since" and grace)
 * @param exemptions the person's exemptions, in force or not
 * @param now the view's time
 * @param timeZone whose days `PracticeExemption.lastDay` names (`UI.timeZone`; default `UTC`)
 * @returns new device objects where something changed, in the same order
 * @example A firewall waived on one Mac until 1 March
 * ```ts
 * import assert from "node:assert/strict";
 * const until = new Date("2027-03-02T00:00:00Z"); // the end of 1 March (UTC)
 * const firewall = { status: "warn" as const };
 * const mac = { sources: ["jamf"], identifiers: { serial: "C02X" }, practices: { firewall } };
 * const [shown] = applyExemptions([mac], [{
 *   id: "e1", email: "fry@example.com", device: "serial:C02X", practice: "firewall",
 *   reason: "Lab machine", grantedBy: "sec@example.com",
 *   grantedAt: new Date("2026-12-01T00:00:00Z"), expiresAt: until,
 * }], new Date("2026-12-07T00:00:00Z"));
 * assert.deepEqual(shown?.practices.firewall?.exempt, {
 *   id: "e1", until, lastDay: "2027-03-01", reason: "Lab machine", scope: "device",
 * });
 * ```
 */
export function applyExemptions(
  devices: MergedDevice[],
  exemptions: readonly Exemption[],
  now: Date,
  timeZone = "UTC",
): MergedDevice[] {
  const active = exemptions.filter((e) => inForce(e, now));
  if (active.length === 0) return devices;
  return devices.map((d) => {
    const key = deviceKey(d);
    let changed = false;
    const practices: Record<string, PracticeData> = {};
    for (const [name, p] of Object.entries(d.practices)) {
      const e = p.status !== undefined && WAIVABLE.has(p.status)
        ? pick(active.filter((x) => covers(x, key, name)))
        : undefined;
      if (e === undefined) practices[name] = p;
      else {
        changed = true;
        practices[name] = { ...p, exempt: mark(e, timeZone) };
      }
    }
    return changed ? { ...d, practices } : d;
  });
}

/** The exemption that speaks for a practice: a device's own first, then the one ending last. */
function pick(list: Exemption[]): Exemption | undefined {
  return list.sort((a, b) =>
    Number(b.device !== undefined) - Number(a.device !== undefined) ||
    b.expiresAt.getTime() - a.expiresAt.getTime()
  )[0];
}

function mark(e: Exemption, timeZone: string): PracticeExemption {
  return {
    id: e.id,
    until: e.expiresAt,
    lastDay: lastDay(e.expiresAt, timeZone),
    reason: e.reason,
    scope: e.device === undefined ? "person" : "device",
  };
}

/**
 * For `withSince()`'s `exempted`: the time each exemption of a device's practice covered up to
 * `now` — from its grant to its end (expiry or revocation), or to `now` while in force. These
 * pause the practice's grace clock (`since.ts` `pausedDeadline()`): after an exemption the
 * deadline is the old one moved by the time it covered, so a grant revoked at once changes
 * nothing.
 *
 * @param exemptions the person's exemptions (as honoured: `withinMaximum()`)
 * @param now the view's time
 * @returns `(deviceKey, practice) → spans`, empty when no exemption covered it
 */
export function exemptionSpans(
  exemptions: readonly Exemption[],
  now: Date,
): (device: string, practice: string) => Span[] {
  const begun = exemptions.filter((e) => e.grantedAt < now);
  return (device, practice) =>
    begun.filter((e) => covers(e, device, practice)).map((e) => {
      const end = exemptionEnd(e);
      return { from: e.grantedAt, to: end < now ? end : now };
    });
}

/** Why an exemption cannot be granted as asked (the granter is told, nothing is saved). */
export class ExemptionRefused extends RangeError {
  override name = "ExemptionRefused";
}

/** What a granter asks for; {@link newExemption} checks it. */
export interface ExemptionRequest {
  email: string;
  device?: string | undefined;
  practice: string;
  reason: string;
  /**
   * The last day in force, `YYYY-MM-DD` as typed (the whole day is included, in the settings'
   * time zone); default `settings.defaultDays` days from today.
   */
  until?: string | undefined;
}

/** The longest reason kept, in characters. */
export const MAX_REASON = 500;

/**
 * A new exemption from a granter's request: a reason is required; the last day must exist in the
 * calendar (`2027-02-31` is refused, not read as 3 March), be today or later and at most
 * `settings.maxDays` days from today (default `settings.defaultDays`) — days of
 * `settings.timeZone`. The exemption ends at the end of that day ({@link endOfDay}).
 *
 * @param request who, which device (or all), which practice, why, until which day
 * @param options the granter, the time, the settings and a new id
 * @returns the exemption to save
 * @throws {ExemptionRefused} naming what to change
 * @example "Until 1 March" includes 1 March
 * ```ts
 * import assert from "node:assert/strict";
 * const e = newExemption(
 *   { email: "fry@example.com", practice: "firewall", reason: "Lab machine", until: "2027-03-01" },
 *   { by: "sec@example.com", now: new Date("2026-12-01T09:00:00Z"), id: "e1" },
 * );
 * assert.equal(e.expiresAt.toISOString(), "2027-03-02T00:00:00.000Z");
 * ```
 */
export function newExemption(
  request: ExemptionRequest,
  options: { by: string; now: Date; id: string; settings?: ExemptionSettings },
): Exemption {
  const settings = { ...DEFAULT_EXEMPTION_SETTINGS, ...options.settings };
  const { now } = options;
  const reason = request.reason.trim();
  if (reason === "") throw new ExemptionRefused("Give a reason: the person is shown it");
  if (reason.length > MAX_REASON) {
    throw new ExemptionRefused(`Shorten the reason to ${MAX_REASON} characters or fewer`);
  }
  const today = dayIn(now, settings.timeZone);
  const day = request.until === undefined
    ? addDays(today, settings.defaultDays)
    : parseDay(request.until);
  if (day === null) {
    throw new ExemptionRefused(
      `“${
        request.until?.slice(0, 40)
      }” is not a day in the calendar: choose the last day as YYYY-MM-DD`,
    );
  }
  if (day < today) throw new ExemptionRefused("Choose a last day from today on");
  if (day > addDays(today, settings.maxDays)) {
    throw new ExemptionRefused(
      `Choose an expiry at most ${settings.maxDays} days from today (EXEMPTIONS.MAX_DAYS)`,
    );
  }
  return {
    id: options.id,
    email: request.email,
    ...(request.device !== undefined ? { device: request.device } : {}),
    practice: request.practice,
    reason,
    grantedBy: options.by,
    grantedAt: now,
    expiresAt: endOfDay(day, settings.timeZone),
  };
}
