/**
 * The OS families a release policy can judge, and the OS names (as inventories report them) that
 * belong to each: which family a record is, which endoflife.date product its lifecycle comes from,
 * and whether an `OS_POLICIES` key can ever apply. Changes when a family is added or an inventory
 * spells an OS another way.
 *
 * @module
 */

/** The OS families a policy can judge. */
export type OsFamily = "macOS" | "iOS" | "iPadOS" | "Android" | "ChromeOS" | "Windows";

/** The endoflife.date product each family's lifecycle comes from. */
export const LIFECYCLE_PRODUCT: Readonly<Record<OsFamily, string | undefined>> = {
  macOS: "macos",
  iOS: "ios",
  iPadOS: "ipados",
  Android: "android",
  ChromeOS: undefined,
  Windows: "windows",
};

/** The family of an OS name as sources report it (`Mac OS X`, `Microsoft Windows 11 Pro`…). */
export function osFamily(os: string): OsFamily | undefined {
  if (/^(mac ?os|Mac OS X)\b/i.test(os)) return "macOS";
  if (/^iPadOS\b/i.test(os)) return "iPadOS";
  if (/^iOS\b/i.test(os)) return "iOS";
  if (/^Android\b/i.test(os)) return "Android";
  if (/^Chrome ?OS\b/i.test(os)) return "ChromeOS";
  if (/^(Microsoft )?Windows\b/i.test(os)) return "Windows";
  return undefined;
}

/** OS names as inventories report them that a policy can judge (see {@link osFamily}). */
const POLICY_OS_NAMES = [
  "macOS",
  "Mac OS X",
  "iOS",
  "iPadOS",
  "Android",
  "ChromeOS",
  "Chrome OS",
  "Windows",
  "Microsoft Windows",
] as const;

/**
 * Whether an `OS_POLICIES` key can ever apply: keys are looked up like the original's per-OS maps
 * (exact name, else a prefix ending at a word), letter case included, so the key must be one of
 * {@link POLICY_OS_NAMES}, a longer name starting with one (`Microsoft Windows 11`), or a word
 * prefix of one (`Mac`). `MacOS` or `Windos` would silently judge nothing.
 *
 * @returns `null` when usable, else the reason in words
 */
export function policyKeyProblem(key: string): string | null {
  const usable = POLICY_OS_NAMES.some((name) =>
    key === name || key.startsWith(`${name} `) || key.startsWith(`${name},`) ||
    name.startsWith(`${key} `)
  );
  return usable
    ? null
    : `"${key}" names no OS a policy can judge; use the OS name as inventories report it, starting with one of ${
      POLICY_OS_NAMES.map((n) => `"${n}"`).join(", ")
    } (letter case counts)`;
}
