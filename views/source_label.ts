/**
 * The name a person knows a source by: the operator's `UI.sourceLabels`, else the vendor's own
 * spelling of a shipped plugin's name, else the name as configured.
 *
 * @module
 */

/** Vendor spellings of the shipped plugins' names. */
const VENDOR_NAMES: Readonly<Record<string, string>> = {
  demo: "the demo inventory",
  jamf: "JAMF",
  jamf_pro: "Jamf Pro",
  bitfit: "bitFit",
  google: "Google",
  landesk: "LANDESK",
  duo: "Duo",
  intune: "Intune",
  file: "the device list file",
  network: "the office network",
  es_notifications: "the alert service",
};

/**
 * A source's label for pages.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(sourceLabel("jamf", {}), "JAMF");
 * assert.equal(sourceLabel("jamf", { jamf: "Mac inventory" }), "Mac inventory");
 * ```
 */
export function sourceLabel(name: string, labels: Readonly<Record<string, string>>): string {
  return labels[name] ?? VENDOR_NAMES[name] ?? name;
}

/** The labels of several sources, each once, in order. */
export function sourceLabels(
  names: readonly string[],
  labels: Readonly<Record<string, string>>,
): string[] {
  return [...new Set(names.map((n) => sourceLabel(n, labels)))];
}
