/**
 * The OS versions and OS policies the default up-to-date practice judges with: the required and
 * recommended versions per OS and the one-line policies. Changes when vendors ship releases or
 * end support (check the dates below against `plugins/releases/shipped.json`).
 *
 * @module
 */

/** Both names JAMF has used for macOS. */
export const MAC = ["Mac OS X", "macOS"] as const;
/** iPhone and iPad. */
export const APPLE_MOBILE = ["iOS", "iPadOS"] as const;
/** The prefix every Windows name starts with (`Microsoft Windows 11 Pro`…). */
export const WINDOWS = "Microsoft Windows";

/** The same text for several OS names (e.g. both names JAMF has used for macOS). */
export function forEach(names: readonly string[], text: string): Record<string, string> {
  return Object.fromEntries(names.map((n) => [n, text]));
}

/**
 * Minimum (below: critical) and recommended (below: suggested) OS versions, the original's static
 * tables. The OS policies below judge with current release data; these stay as a floor. Checked on
 * 30 November 2026 against what public sources show (see `plugins/releases/shipped.json`):
 * - macOS 15.7 (15 September 2025) is Sequoia's security line (15.7.7 on 11 May 2026); macOS 26
 *   Tahoe reached 26.5 on 11 May 2026 and 26.6 was in beta in June 2026 (its release, and
 *   macOS 27's, could not be confirmed).
 * - iOS/iPadOS 27 shipped on 14 September 2026; 26.6 on 27 July 2026, 26.7.1 on 28 September
 *   2026; iOS 18 got 18.7.9 on 11 May 2026.
 * - Android 13 stopped getting security patches in March 2026, so 14 is the floor; 16 is current.
 * - ChromeOS milestones 144/150 were not checked against a public source.
 * - Windows 11 24H2 (build 26100): Home/Pro serviced until 13 October 2026, Enterprise/Education
 *   until 12 October 2027; 25H2 (26200) is current; Windows 10 22H2 (19045) ended on 14 October
 *   2025 and gets only Extended Security Updates.
 */
export const REQUIRED_OS_VERSIONS: Readonly<Record<string, string>> = {
  ...forEach(MAC, "15.7"),
  ...forEach(APPLE_MOBILE, "18.7"),
  Android: "14.0.0",
  ChromeOS: "144.0.0",
  "Microsoft Windows 11": "10.0.26100",
  "Microsoft Windows 10": "10.0.19045",
};

/** Recommended OS versions, checked on 30 November 2026 (see `REQUIRED_OS_VERSIONS`). */
export const RECOMMENDED_OS_VERSIONS: Readonly<Record<string, string>> = {
  ...forEach(MAC, "26.6"),
  ...forEach(APPLE_MOBILE, "26.6"),
  Android: "16.0.0",
  ChromeOS: "150.0.0",
  "Microsoft Windows 11": "10.0.26200",
};

/**
 * One-line OS policies judged with the release feeds (see `engine/releases/os_policy.ts` and the README,
 * "OS release policies"): Apple deadlines as Nudge's defaults (14 days when the release fixes
 * actively exploited issues, 21 otherwise), at most two majors behind (Apple patches three), Android
 * patches older than 60 days suggested and 90 days critical (three missed monthly bulletins).
 */
export const DEFAULT_OS_POLICIES: Readonly<Record<string, string>> = {
  ...forEach([...MAC, ...APPLE_MOBILE], "supported; behind 2; deadline 21d; exploited 14d"),
  Android: "supported; patch-suggested 60d; patch-critical 90d",
  ChromeOS: "supported",
  [WINDOWS]: "supported",
};
