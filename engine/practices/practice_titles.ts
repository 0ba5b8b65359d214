/**
 * Practice titles that say the state of one device: `DISPLAY_TITLE` may be one text per status
 * (`{"ok": "Firewall is on", "warn": "Firewall is off"}`) and may name the device's own
 * operating system with placeholders, filled from the record the practice judged:
 *
 * | placeholder | filled with | example |
 * | --- | --- | --- |
 * | `{os}` | the OS name, vendor and edition words left out | `macOS`, `Windows 11`, `Android` |
 * | `{version}` | the OS version (Windows: its build) | `15.6`, `build 19045` |
 * | `{recommended}` | the recommended version for this OS, trailing `.0`s left out | `26.6`, `16` |
 * | `{device}` | what kind of device it is, in everyday words | `Mac`, `PC`, `phone`, `tablet` |
 *
 * A parenthesised part whose placeholders cannot all be filled is left out, so
 * `"{os} {version} needs an update ({recommended} is current)"` reads
 * `"Android 13 needs an update"` when no recommended version is configured.
 *
 * @module
 */
import type { DeviceFields, Status } from "../core/types.ts";

/** What a title may name about the device (fields of the judged record). */
export type TitleFacts = Pick<DeviceFields, "os" | "os_version" | "platform" | "type" | "model"> & {
  /** The recommended OS version, when a rule gives one. */
  recommended?: string | undefined;
};

const PLACEHOLDER_RE = /\{(os|version|recommended|device)\}/g;
const GROUP_RE = /\s*\(([^()]*)\)/g;
const EDITION_RE = /\s+(Enterprise|Pro|Professional|Home|Education|Business|LTSC)\b.*$/i;
const WINDOWS_BUILD_RE = /^10\.0\.(\d+)/;

/** Friendly OS names by name as reported (a company's devices report a few dozen names). */
const friendlyNames = new Map<string, string | undefined>();
const FRIENDLY_NAMES_LIMIT = 1000;

/**
 * The OS name a person knows: `Microsoft Windows 11 Enterprise, 64-bit` → `Windows 11`,
 * `Mac OS X` → `macOS`; other names unchanged. `undefined` for a missing or blank name.
 * Remembered per name (the first 1,000 names): every page names every device's OS, with three
 * regular expressions each (issue 24).
 */
export function friendlyOsName(os: string | undefined): string | undefined {
  if (typeof os !== "string") return undefined;
  let friendly = friendlyNames.get(os);
  if (friendly === undefined && !friendlyNames.has(os)) {
    friendly = friendlyOf(os.trim());
    if (friendlyNames.size < FRIENDLY_NAMES_LIMIT) friendlyNames.set(os, friendly);
  }
  return friendly;
}

function friendlyOf(name: string): string | undefined {
  if (!name) return undefined;
  if (/^mac ?os( x)?$/i.test(name)) return "macOS";
  return name.replace(/^Microsoft\s+/, "").replace(/,.*$/, "").replace(EDITION_RE, "");
}

/** The OS version as a person reads it: Windows `10.0.19045` → `build 19045`. */
export function friendlyOsVersion(
  os: string | undefined,
  version: string | undefined,
): string | undefined {
  const v = typeof version === "string" ? version.trim() : "";
  if (!v) return undefined;
  const build = WINDOWS_BUILD_RE.exec(v);
  return build && /windows/i.test(String(os ?? "")) ? `build ${build[1]}` : v;
}

/**
 * The kind of device in everyday words, from the platform, OS, source type and model:
 * `Mac`, `PC`, `iPhone`, `iPad`, `phone`, `tablet`, `Chromebook`, else `device`.
 */
export function deviceNoun(facts: TitleFacts): string {
  const os = `${facts.platform ?? ""} ${facts.os ?? ""}`.toLowerCase();
  const model = String(facts.model ?? "").toLowerCase();
  if (/ipad/.test(os) || model.startsWith("ipad")) return "iPad";
  if (/\bios\b/.test(os)) return "iPhone";
  if (/\bmac/.test(os)) return "Mac";
  if (/windows/.test(os)) return "PC";
  if (/chrome/.test(os)) return "Chromebook";
  if (/android/.test(os)) return /tablet/i.test(String(facts.type ?? model)) ? "tablet" : "phone";
  return "device";
}

function values(facts: TitleFacts): Record<string, string | undefined> {
  return {
    os: friendlyOsName(facts.os),
    version: friendlyOsVersion(facts.os, facts.os_version),
    recommended: facts.recommended === undefined
      ? undefined
      : friendlyOsVersion(facts.os, facts.recommended)?.replace(/(\.0)+$/, ""),
    device: deviceNoun(facts),
  };
}

/**
 * Fills a title template's placeholders (see the module doc). An unfillable `{os}` becomes
 * "The operating system" at the start and "the operating system" elsewhere; an unfillable
 * `{version}` or `{recommended}` is left out with its parenthesised part.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(
 *   fillTitle("{os} {version} needs an update ({recommended} is current)",
 *     { os: "macOS", os_version: "15.6", recommended: "26.6" }),
 *   "macOS 15.6 needs an update (26.6 is current)",
 * );
 * ```
 */
export function fillTitle(template: string, facts: TitleFacts): string {
  if (!template.includes("{")) return template;
  const v = values(facts);
  const withoutGroups = template.replace(GROUP_RE, (group, inner: string) => {
    const names = [...inner.matchAll(PLACEHOLDER_RE)].map((m) => m[1]!);
    return names.every((n) => v[n] !== undefined) ? group : "";
  });
  const filled = withoutGroups.replace(PLACEHOLDER_RE, (_, name: string, offset: number) => {
    const value = v[name];
    if (value !== undefined) return value;
    return name === "os" ? (offset === 0 ? "The operating system" : "the operating system") : "";
  });
  return filled.replace(/\s{2,}/g, " ").replace(/\s+([,.:)])/g, "$1").trim();
}

/**
 * A practice's name for lists of practices (the dashboard): its single title, else its `ok`
 * title with no device named ("Firewall is on", "The operating system is up to date").
 */
export function practiceName(
  title: string | Partial<Record<Status, string>>,
): string | undefined {
  const t = typeof title === "string" ? title : title.ok ?? Object.values(title)[0];
  return t === undefined ? undefined : fillTitle(t, {});
}

/**
 * The title template for a status: the single title, or the status's own; `undefined` when
 * `DISPLAY_TITLE` gives none for this status (never another status's title, which could say the
 * opposite of the truth).
 */
export function titleTemplate(
  title: string | Partial<Record<Status, string>>,
  status: Status,
): string | undefined {
  return typeof title === "string" ? title : title[status];
}
