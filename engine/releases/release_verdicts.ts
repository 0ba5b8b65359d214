/**
 * Judges one device's OS against an operator's one-line policy ({@link OsPolicy}) and the release
 * data, and says why in words (the sentences go into the up-to-date practice's `details`, which
 * the devices page, the API and `explain` show). Pure: the clock and the data are arguments.
 * Which OS a record is, is `os_family.ts`'s.
 *
 * @module
 */
import { LIFECYCLE_PRODUCT, type OsFamily, osFamily } from "./os_family.ts";
import { windowsBuild, windowsVersionName } from "./os_names.ts";
import type { OsPolicy } from "./os_policy.ts";
import {
  addDays,
  type AppleMajor,
  daysBetween,
  formatDay,
  formatMonth,
  hasEnded,
  type LifecycleCycle,
  majorOf,
  monthsBetween,
  newestSecurityRelease,
  type ReleaseData,
} from "./releases.ts";
import { statusUrgency } from "../core/severity.ts";
import type { DeviceRecord, Status } from "../core/types.ts";
import type { TargetCandidate } from "./update_target.ts";
import { isOlder } from "./versions.ts";

/**
 * A policy's verdict: the worst status any clause gave, one sentence per clause, and the release
 * each failing clause asks for (`update_target.ts` picks one).
 */
export interface PolicyVerdict {
  status: Extract<Status, "ok" | "nudge" | "warn">;
  sentences: string[];
  targets: TargetCandidate[];
}

class Verdict {
  status: PolicyVerdict["status"] = "ok";
  sentences: string[] = [];
  targets: TargetCandidate[] = [];
  add(
    status: PolicyVerdict["status"],
    sentence: string,
    target?: Omit<TargetCandidate, "status">,
  ): void {
    if (statusUrgency(status) > statusUrgency(this.status)) this.status = status;
    this.sentences.push(sentence);
    if (target && status !== "ok") this.targets.push({ status, ...target });
  }
  result(): PolicyVerdict | null {
    return this.sentences.length === 0
      ? null
      : { status: this.status, sentences: this.sentences, targets: this.targets };
  }
}

/** A target (when known) with its deadline (when it is a date). */
function target(
  name: string,
  version: string | undefined,
  by: Date | boolean | undefined,
): Omit<TargetCandidate, "status"> {
  const t: Omit<TargetCandidate, "status"> = { name };
  if (version !== undefined) t.version = version;
  if (by instanceof Date) t.by = by;
  return t;
}

/**
 * Judges a record with a policy.
 *
 * @param record the source record (`os`, `os_version`, `os_build`, `security_patch_level`,
 *   `auto_update_expiration`)
 * @param options the policy, the release data (SOFA and endoflife.date, see `releases.ts`), now
 * @returns the verdict with its sentences, or `null` when nothing could be judged (unknown OS,
 *   no version, no data for it)
 * @example A release whose security updates ended
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseOsPolicy } from "./os_policy.ts";
 * const macos13 = {
 *   cycle: "13", label: "13", released: null, eol: new Date("2025-09-15"), latest: null,
 *   latestReleased: null,
 * };
 * const mac = { source: "jamf", os: "macOS", os_version: "13.7.8" };
 * const data = { apple: {}, lifecycles: { macos: [macos13] } };
 * const now = new Date("2026-11-30");
 * assert.deepEqual(judgeWithPolicy(mac, { policy: parseOsPolicy("supported"), data, now }), {
 *   status: "warn",
 *   sentences: ["macOS 13 no longer gets security updates (they ended on 15 September 2025)."],
 *   targets: [], // no newer release in this data to name
 * });
 * ```
 */
export function judgeWithPolicy(
  record: DeviceRecord,
  options: { policy: OsPolicy; data: ReleaseData; now: Date },
): PolicyVerdict | null {
  const os = record.os;
  const family = os ? osFamily(os) : undefined;
  if (!os || !family) return null;
  const v = new Verdict();
  if (family === "ChromeOS") chromeOs(record, options, v);
  else if (family === "Windows") windows(record, os, options, v);
  else {
    // Kept whole: an RSR letter ("26.3.1 (a)") is itself a security release SOFA lists.
    const version = record.os_version?.trim();
    if (!version) return null;
    lifecycle(family, version, options, v);
    if (family === "Android") androidPatch(record, options, v);
    else appleDeadline(family, version, options, v);
  }
  return v.result();
}

type Options = { policy: OsPolicy; data: ReleaseData; now: Date };

function cycleFor(cycles: LifecycleCycle[] | undefined, version: string) {
  const major = majorOf(version);
  const minor = /^\d+\.(\d+)/.exec(version)?.[1];
  return cycles?.find((c) => c.cycle === String(major)) ??
    cycles?.find((c) => minor !== undefined && c.cycle === `${major}.${minor}`);
}

function lifecycle(family: OsFamily, version: string, o: Options, v: Verdict): void {
  const product = LIFECYCLE_PRODUCT[family];
  const cycles = product ? o.data.lifecycles[product] : undefined;
  const major = majorOf(version);
  if (o.policy.supported) {
    const cycle = cycleFor(cycles, version);
    if (cycle && hasEnded(cycle, o.now)) {
      const when = cycle.eol instanceof Date
        ? ` (they ended on ${formatDay(cycle.eol, o.now)})`
        : "";
      const next = oldestServiced(cycles, family, major, o);
      v.add(
        "warn",
        `${family} ${cycle.cycle} no longer gets security updates${when}.`,
        next && target(next.name, next.version, cycle.eol),
      );
    }
  }
  if (o.policy.behind !== undefined && Number.isFinite(major)) {
    // Count the known majors newer than the device's (macOS went from 15 to 26: numbers lie).
    const known = new Set(
      [
        ...(cycles ?? []).map((c) => majorOf(c.cycle)),
        ...(appleMajors(family, o.data) ?? []).map((m) => m.major),
      ].filter((n) => Number.isFinite(n)),
    );
    const newer = [...known].filter((n) => n > major);
    if (newer.length > o.policy.behind) {
      const newest = Math.max(...newer);
      // Before macOS 11, each 10.x was a major release of its own (10.15 Catalina).
      const shown = family === "macOS" && major === 10
        ? /^\d+\.\d+/.exec(version)?.[0] ?? "10"
        : String(major);
      // The oldest major within `behind` of the newest.
      const within = newer.sort((a, b) => b - a)[o.policy.behind] ?? newest;
      const next = oldestServiced(cycles, family, within - 1, o);
      v.add(
        "warn",
        `${family} ${shown} is ${newer.length} major releases behind ${family} ${newest}.`,
        next && target(next.name, next.version, undefined),
      );
    }
  }
}

/**
 * The oldest release newer than `major` still serviced, by its newest version: what a device on an
 * ended or too old major upgrades to (macOS 13 → "macOS 14.8.7"; Android 13 → "Android 14").
 */
function oldestServiced(
  cycles: LifecycleCycle[] | undefined,
  family: OsFamily,
  major: number,
  o: Options,
): { name: string; version: string } | undefined {
  const apple = appleMajors(family, o.data);
  let best: { major: number; version: string } | undefined;
  for (const c of cycles ?? []) {
    const m = majorOf(c.cycle);
    if (!(m > major) || hasEnded(c, o.now) || (best && best.major <= m)) continue;
    const latest = c.latest ?? apple?.find((a) => a.major === m)?.latest;
    best = { major: m, version: latest ?? String(m) };
  }
  return best && { name: `${family} ${best.version}`, version: best.version };
}

function appleMajors(family: OsFamily, data: ReleaseData): AppleMajor[] | undefined {
  if (family === "macOS") return data.apple.macOS;
  if (family === "iOS" || family === "iPadOS") return data.apple.iOS;
  return undefined;
}

function appleDeadline(family: OsFamily, version: string, o: Options, v: Verdict): void {
  const { deadlineDays, exploitedDays } = o.policy;
  if (deadlineDays === undefined && exploitedDays === undefined) return;
  const entry = appleMajors(family, o.data)?.find((m) => m.major === majorOf(version));
  const newest = entry ? newestSecurityRelease(entry) : undefined;
  if (!entry || !newest) return;
  const age = daysBetween(newest.released, o.now);
  if (!isOlder(version, newest.version)) {
    v.add(
      "ok",
      `${family} ${version} has every security release for ${family} ${entry.major} (newest: ${newest.version}, out since ${
        formatDay(newest.released, o.now)
      }).`,
    );
    return;
  }
  const exploited = newest.exploited.length > 0;
  const days = exploited ? exploitedDays ?? deadlineDays : deadlineDays;
  if (days === undefined) return;
  const due = addDays(newest.released, days);
  const what = exploited ? "fixes actively exploited issues" : "fixes security issues";
  const out = `has been out ${age} ${age === 1 ? "day" : "days"}`;
  const overdue = daysBetween(due, o.now) > 0;
  const tail = overdue
    ? `it was due by ${formatDay(due, o.now)}`
    : `install it by ${formatDay(due, o.now)}`;
  v.add(
    overdue ? "warn" : "nudge",
    `${family} ${version} — ${newest.version} ${what} and ${out}; ${tail}.`,
    target(`${family} ${newest.version}`, newest.version, due),
  );
}

function androidPatch(record: DeviceRecord, o: Options, v: Verdict): void {
  const { patchSuggestedDays: suggested, patchCriticalDays: critical } = o.policy;
  const patch = record.security_patch_level;
  if (
    !(patch instanceof Date) || Number.isNaN(patch.getTime()) ||
    (suggested === undefined && critical === undefined)
  ) return;
  const days = daysBetween(patch, o.now);
  const months = monthsBetween(patch, o.now);
  // A level dated today or later (the bulletin reached the phone on its date in a time zone ahead
  // of UTC, or the phone's clock) has no age to speak of.
  const age = months >= 1
    ? ` — ${months} ${months === 1 ? "month" : "months"} old`
    : days >= 1
    ? ` — ${days} ${days === 1 ? "day" : "days"} old`
    : "";
  const status = critical !== undefined && days > critical
    ? "warn"
    : suggested !== undefined && days > suggested
    ? "nudge"
    : "ok";
  const limit = critical ?? suggested!;
  v.add(
    status,
    `Android security patch from ${formatMonth(patch)}${age}.`,
    target("the latest Android security patch", undefined, addDays(patch, limit)),
  );
}

function chromeOs(record: DeviceRecord, o: Options, v: Verdict): void {
  const aue = record.auto_update_expiration;
  if (!o.policy.supported || !(aue instanceof Date) || Number.isNaN(aue.getTime())) return;
  const when = formatDay(aue, o.now);
  if (aue.getTime() <= o.now.getTime()) {
    v.add(
      "warn",
      `This Chromebook stopped getting updates on ${when} (its auto-update expiration).`,
    );
  } else {
    v.add("ok", `This Chromebook gets updates until ${when} (its auto-update expiration).`);
  }
}

const EDITIONS = {
  e: "Enterprise and Education",
  w: "Home and Pro",
  "e-lts": "Enterprise LTSC",
  "iot-lts": "IoT Enterprise LTSC",
} as const;

/** A Windows edition's servicing channel, as endoflife.date's cycle suffixes name them. */
export type WindowsChannel = keyof typeof EDITIONS;

/**
 * The servicing channel of a Windows edition, from its name (WMI `Caption`, Intune
 * `operatingSystem` + SKU, LANDESK's OS name). endoflife.date's windows.md: "(E) Enterprise,
 * Education and IoT Enterprise; (W) Home, Pro, Pro Education, Pro for Workstations"; on the
 * long-term channel, Enterprise LTSC/LTSB (`e-lts`) and IoT Enterprise LTSC (`iot-lts`).
 *
 * @param os the OS name, e.g. `Microsoft Windows 10 IoT Enterprise LTSC`
 * @returns `e`, `w`, `e-lts` or `iot-lts`
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(windowsChannel("Microsoft Windows 11 Pro Education"), "w");
 * assert.equal(windowsChannel("Microsoft Windows 11 Education"), "e");
 * assert.equal(windowsChannel("Microsoft Windows 10 IoT Enterprise LTSC 2021"), "iot-lts");
 * ```
 */
export function windowsChannel(os: string): WindowsChannel {
  if (/\bLTS[BC]\b/i.test(os)) return /\bIoT\b/i.test(os) ? "iot-lts" : "e-lts";
  // "Pro Education" and "Pro for Workstations" are Pro editions, serviced as Home and Pro.
  if (/\b(Home|Pro|Professional|Core|SE)\b/i.test(os)) return "w";
  return /\b(Enterprise|Education|IoT)\b/i.test(os) ? "e" : "w";
}

/**
 * Whether a Windows OS name (WMI `Caption`, Intune `operatingSystem`, LANDESK's OS name) is a
 * Windows Server edition: the word `Server`, in any letter case. Windows Server shares its builds
 * with client releases (Server 2025 is build 26100, as is Windows 11 24H2) but has its own
 * servicing, so neither a client cycle ({@link windowsChannel}) nor a client release name applies.
 *
 * @param os the OS name, e.g. `Microsoft Windows Server 2022 Standard`
 * @returns `true` for a server edition
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(isWindowsServer("Microsoft Windows Server 2022 Standard"), true);
 * assert.equal(isWindowsServer("Windows server 2025 Datacenter"), true);
 * assert.equal(isWindowsServer("Microsoft Windows 11 Enterprise"), false);
 * ```
 */
export function isWindowsServer(os: string): boolean {
  return /\bServer\b/i.test(os);
}

/**
 * Windows: the build (`windowsBuild` of os_names.ts) → the endoflife.date cycle whose `latest` has
 * it, for the edition's servicing channel ({@link windowsChannel}): `-w` Home/Pro, `-e`
 * Enterprise/Education/IoT Enterprise, and on the long-term channel `-e-lts` Enterprise LTSC or
 * `-iot-lts` IoT Enterprise LTSC, which endoflife.date lists with later ends (10 vs 5 years).
 */
function windows(record: DeviceRecord, os: string, o: Options, v: Verdict): void {
  const build = windowsBuild(record);
  const cycles = o.data.lifecycles.windows;
  if (!o.policy.supported || build === undefined || !cycles) return;
  // Windows Server has its own servicing: never judge it by a client cycle.
  if (isWindowsServer(os)) return;
  const edition = windowsChannel(os);
  const lts = edition.endsWith("-lts");
  const sameBuild = cycles.filter((c) =>
    c.latest !== null && Number(c.latest.split(".")[2]) === build && /-lts/.test(c.cycle) === lts
  );
  // IoT Enterprise LTSC is serviced at least as long as Enterprise LTSC of the same build.
  const cycle = sameBuild.find((c) => c.cycle.endsWith(`-${edition}`)) ??
    (edition === "iot-lts" ? sameBuild.find((c) => c.cycle.endsWith("-e-lts")) : undefined) ??
    sameBuild.find((c) => !/-(e|w|iot)(-|$)/.test(c.cycle));
  if (!cycle) return;
  const known = windowsVersionName(build, longTermOf(edition));
  const name = lts && known !== undefined
    ? known
    : `${windowsRelease(cycle, edition)} (${EDITIONS[edition]})`;
  if (hasEnded(cycle, o.now)) {
    const when = cycle.eol instanceof Date ? ` on ${formatDay(cycle.eol, o.now)}` : "";
    let sentence = `${name} reached end of servicing${when}.`;
    const esu = cycle.extendedSupport;
    if (esu instanceof Date && esu.getTime() > o.now.getTime()) {
      sentence += ` Extended Security Updates continue until ${
        formatDay(esu, o.now)
      } for enrolled devices only.`;
    }
    // The upgrade: the oldest release for the edition's servicing channel still serviced
    // (Windows 10 22H2 Enterprise → Windows 11 24H2 while its Enterprise servicing lasts).
    const next = cycles
      .filter((c) =>
        c.latest !== null && Number(c.latest.split(".")[2]) > build && !hasEnded(c, o.now) &&
        c.cycle.endsWith(`-${edition}`)
      )
      .sort((a, b) => Number(a.latest!.split(".")[2]) - Number(b.latest!.split(".")[2]))[0];
    const upgrade = next === undefined
      ? undefined
      : target(windowsRelease(next, edition), next.latest!, cycle.eol);
    v.add("warn", sentence, upgrade);
  } else if (cycle.eol instanceof Date) {
    v.add("ok", `${name} is serviced until ${formatDay(cycle.eol, o.now)}.`);
  } else {
    v.add("ok", `${name} is still serviced.`);
  }
}

/** The LTSB/LTSC edition `windowsVersionName` names, for a long-term channel. */
function longTermOf(edition: WindowsChannel): "enterprise" | "iot" | undefined {
  return edition === "e-lts" ? "enterprise" : edition === "iot-lts" ? "iot" : undefined;
}

/**
 * A cycle's release as Microsoft names it for the edition's channel, from the build of its
 * `latest` ("Windows 11 24H2", "Windows 10 Enterprise LTSC 2019"); for a build `os_names.ts`
 * does not know, from the cycle's label (`11 24H2 (E)` → "Windows 11 24H2", edition words left
 * out, " LTSC" added on the long-term channel).
 */
function windowsRelease(cycle: LifecycleCycle, edition: WindowsChannel): string {
  const build = Number(cycle.latest?.split(".")[2]);
  const known = windowsVersionName(build, longTermOf(edition));
  if (known !== undefined) return known;
  const label = cycle.label.replace(/\s*\((E|W|LTS|IoT)[^)]*\)|\s+IoT\b/gi, "").trim();
  return `Windows ${label}${edition.endsWith("-lts") ? " LTSC" : ""}`;
}
