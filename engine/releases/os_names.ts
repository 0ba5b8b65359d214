/**
 * OS names as the build decides them. Windows 11 keeps "Windows 10" in the registry's
 * `ProductName` for compatibility, so inventories that read it (LANDESK/Ivanti's OSTYPE, osquery,
 * WMI-based exports) name a Windows 11 computer "Windows 10 …". Microsoft's rule is the build:
 * 22000 (21H2) and later is Windows 11 (learn.microsoft.com, "Windows 11 release information";
 * the same rule is applied by prometheus-community/windows_exporter issue #1923, gopsutil issue
 * #1143 and mondoohq/mql PR #5238). The engine applies it to every record that enters it, from any
 * source, so practices and pages see one name.
 *
 * @module
 */
import type { DeviceFields } from "../core/types.ts";

/** The first build of Windows 11 (21H2). */
export const WINDOWS_11_FIRST_BUILD = 22000;

const WINDOWS_NAME_RE = /\bWindows 1[01]\b/;
const BUILD_RE = /^\s*(\d{4,6})(?:\.\d+)?\s*$/;
// "10.0.22631", "10.0.22631.4460", or systeminfo's "10.0.22631 N/A Build 22631".
const NT10_VERSION_RE = /^\s*10\.0\.(\d{4,6})(?:\.\d+)?(?:\s+N\/A\s+Build\s+\d+(?:\.\d+)?)?\s*$/i;
// A Windows client name without the vendor: "Windows 10 Enterprise" (windows_exporter, Intune).
const BARE_WINDOWS_RE = /^Windows (?:1[01]|8(?:\.1)?|7)\b/;

/**
 * The Windows build a record reports: its `os_build` (LANDESK's CURRENTBUILD, `22631` or
 * `22631.4460`), else the third part of an NT 10 `os_version` (`10.0.22631.4460`).
 *
 * @param record the record's version fields
 * @returns the build number, or `undefined` when neither field holds one
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(windowsBuild({ os_version: "6.3", os_build: "22631" }), 22631);
 * assert.equal(windowsBuild({ os_version: "10.0.26100.4946" }), 26100);
 * ```
 */
export function windowsBuild(
  record: Pick<DeviceFields, "os_version" | "os_build">,
): number | undefined {
  const b = record.os_build === undefined ? null : BUILD_RE.exec(record.os_build);
  const v = b ?? (record.os_version === undefined ? null : NT10_VERSION_RE.exec(record.os_version));
  return v?.[1] === undefined ? undefined : Number(v[1]);
}

/**
 * The OS name with the Windows release its build decides: "Windows 10" becomes "Windows 11" from
 * build 22000 on, and "Windows 11" becomes "Windows 10" below it. A client Windows name without
 * the vendor ("Windows 10 Enterprise", as windows_exporter and WMI captions without it spell it)
 * gets the "Microsoft " the practice tables and LANDESK use. Any other name is returned unchanged.
 *
 * @param os the OS name as the source reported it
 * @param build the build (see `windowsBuild`)
 * @returns the OS name to judge and show
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(
 *   windowsReleaseName("Microsoft Windows 10 Enterprise Edition, 64-bit", 22631),
 *   "Microsoft Windows 11 Enterprise Edition, 64-bit",
 * );
 * ```
 */
export function windowsReleaseName(os: string, build: number | undefined): string {
  const named = BARE_WINDOWS_RE.test(os) ? `Microsoft ${os}` : os;
  if (build === undefined || !WINDOWS_NAME_RE.test(named)) return named;
  return named.replace(
    WINDOWS_NAME_RE,
    build >= WINDOWS_11_FIRST_BUILD ? "Windows 11" : "Windows 10",
  );
}

/**
 * The record with its OS name normalised (see `windowsReleaseName`): the same object when nothing
 * changes, a copy otherwise.
 *
 * @param record any record with an `os`
 * @returns the record the engine works with
 */
export function withReleaseName<T extends DeviceFields>(record: T): T {
  if (typeof record.os !== "string") return record;
  const os = windowsReleaseName(record.os, windowsBuild(record));
  return os === record.os ? record : { ...record, os };
}

/**
 * Feature updates by build, as Microsoft names them ("Windows 10 release information" and
 * "Windows 11 release information", learn.microsoft.com/windows/release-health): Windows 10 from
 * 1507 (10240) to 22H2 (19045), Windows 11 from 21H2 (22000) to 26H2 (26300) and 26H1 (28000,
 * for new devices only).
 */
const FEATURE_UPDATES: Readonly<Record<number, string>> = {
  10240: "Windows 10 1507",
  10586: "Windows 10 1511",
  14393: "Windows 10 1607",
  15063: "Windows 10 1703",
  16299: "Windows 10 1709",
  17134: "Windows 10 1803",
  17763: "Windows 10 1809",
  18362: "Windows 10 1903",
  18363: "Windows 10 1909",
  19041: "Windows 10 2004",
  19042: "Windows 10 20H2",
  19043: "Windows 10 21H1",
  19044: "Windows 10 21H2",
  19045: "Windows 10 22H2",
  22000: "Windows 11 21H2",
  22621: "Windows 11 22H2",
  22631: "Windows 11 23H2",
  26100: "Windows 11 24H2",
  26200: "Windows 11 25H2",
  26300: "Windows 11 26H2",
  28000: "Windows 11 26H1",
};

/**
 * Long-term servicing releases by build, Enterprise then IoT Enterprise, as Microsoft names them
 * (release-health "Enterprise and IoT Enterprise LTSB/LTSC editions"; the lifecycle pages
 * "Windows 10 Enterprise 2016 LTSB", "Windows 10 IoT Enterprise LTSC 2021", "Windows 11 IoT
 * Enterprise LTSC 2024"...).
 */
const LONG_TERM: Readonly<Record<number, readonly [string, string]>> = {
  10240: ["Windows 10 Enterprise 2015 LTSB", "Windows 10 IoT Enterprise 2015 LTSB"],
  14393: ["Windows 10 Enterprise 2016 LTSB", "Windows 10 IoT Enterprise 2016 LTSB"],
  17763: ["Windows 10 Enterprise LTSC 2019", "Windows 10 IoT Enterprise LTSC 2019"],
  19044: ["Windows 10 Enterprise LTSC 2021", "Windows 10 IoT Enterprise LTSC 2021"],
  26100: ["Windows 11 Enterprise LTSC 2024", "Windows 11 IoT Enterprise LTSC 2024"],
};

/**
 * The release a Windows build is, in Microsoft's words: the feature update ("Windows 11 25H2")
 * or, on the long-term servicing channel, the LTSB/LTSC release ("Windows 10 Enterprise LTSC
 * 2019", "Windows 11 IoT Enterprise LTSC 2024"). Changes when Microsoft ships a release: a build
 * not in the tables (a preview, or a release newer than this code) has no name here.
 *
 * @param build the build (see `windowsBuild`), e.g. `26200`
 * @param longTerm `"enterprise"` or `"iot"` for an Enterprise or IoT Enterprise LTSB/LTSC
 *   edition; omitted for the general availability channel
 * @returns the release's name, or `undefined` for a build it does not know
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(windowsVersionName(26200), "Windows 11 25H2");
 * assert.equal(windowsVersionName(19045), "Windows 10 22H2");
 * assert.equal(windowsVersionName(17763, "enterprise"), "Windows 10 Enterprise LTSC 2019");
 * assert.equal(windowsVersionName(26100, "iot"), "Windows 11 IoT Enterprise LTSC 2024");
 * assert.equal(windowsVersionName(26120), undefined);
 * ```
 */
export function windowsVersionName(
  build: number,
  longTerm?: "enterprise" | "iot",
): string | undefined {
  if (longTerm === undefined) return FEATURE_UPDATES[build];
  return LONG_TERM[build]?.[longTerm === "iot" ? 1 : 0];
}
