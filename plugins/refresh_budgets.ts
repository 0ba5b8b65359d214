/**
 * The default refresh budget of each source (issue 24), from its vendor's published quota, and
 * the `SNAPSHOTS.REFRESH_BUDGETS` settings that override it. A stale view's background refresh
 * (`engine/view/refresh_queue.ts`) may spend `REFRESH_SHARE` of a source's quota (default half:
 * the rest stays for first views, "Check again", the batch and other tools on the same account).
 *
 * | source | published quota | requests one lookup makes | default refreshes |
 * | --- | --- | --- | --- |
 * | `google` | Directory API: 2,400 queries per minute per user per project (Google Admin SDK, "Directory API: Limits and Quotas") | 2 (mobile and ChromeOS devices) | 600 a minute |
 * | `intune` | Intune device management: 2,000 requests per 20 s per app per tenant (Microsoft Graph, "service-specific throttling limits") | 2 | 500 per 20 s |
 * | `jamf`, `jamf_pro` | no rate limit; at most 5 concurrent connections (Jamf, "Jamf Pro API Scalability Best Practices"): counted as 5 requests a second | 2 | 75 a minute |
 * | others | none published (local files, SQL, demo) | — | not limited |
 *
 * @module
 */
import type { SourceBudget } from "../engine/view/refresh_queue.ts";
import { closest } from "./registry.ts";

/** A vendor's quota and what one lookup of a person costs there. */
export interface VendorQuota {
  /** Requests allowed per `perSeconds`. */
  requests: number;
  perSeconds: number;
  /** Requests one lookup of a person makes to this source. */
  perLookup: number;
}

/** The published quotas, by plugin name (see the module doc for where each comes from). */
export const VENDOR_QUOTAS: Readonly<Record<string, VendorQuota>> = {
  google: { requests: 2400, perSeconds: 60, perLookup: 2 },
  intune: { requests: 2000, perSeconds: 20, perLookup: 2 },
  jamf: { requests: 300, perSeconds: 60, perLookup: 2 },
  jamf_pro: { requests: 300, perSeconds: 60, perLookup: 2 },
};

/** One source's `SNAPSHOTS.REFRESH_BUDGETS` entry (upstream requests, not lookups). */
export interface RefreshBudgetSetting {
  REQUESTS: number;
  PER_SECONDS: number;
  REQUESTS_PER_LOOKUP: number;
}

/**
 * The `SNAPSHOTS.REFRESH_BUDGETS` entries that name no source a lookup asks (a typo, or a plugin
 * not enabled): such a budget would limit nothing, silently.
 *
 * @param sources the names of the loaded plugins a lookup asks
 * @param settings `SNAPSHOTS.REFRESH_BUDGETS`
 * @returns one line per such entry, `SNAPSHOTS.REFRESH_BUDGETS.<name>: …`; empty when none
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const problems = refreshBudgetProblems(["google", "file"], {
 *   gogle: { REQUESTS: 100, PER_SECONDS: 60, REQUESTS_PER_LOOKUP: 2 },
 * });
 * assert.deepEqual(problems, [
 *   "SNAPSHOTS.REFRESH_BUDGETS.gogle: no loaded source is called " +
 *   '"gogle" (did you mean "google"?); lookups ask: google, file',
 * ]);
 * ```
 */
export function refreshBudgetProblems(
  sources: readonly string[],
  settings: Readonly<Record<string, RefreshBudgetSetting>>,
): string[] {
  return Object.keys(settings).filter((name) => !sources.includes(name)).map((name) => {
    const hint = closest(name, sources);
    return `SNAPSHOTS.REFRESH_BUDGETS.${name}: no loaded source is called "${name}"${
      hint ? ` (did you mean "${hint}"?)` : ""
    }; lookups ask: ${sources.join(", ") || "no source"}`;
  });
}

/**
 * The refresh budgets of the loaded sources, in person lookups: a setting in `settings` wins over
 * the vendor's quota; a source with neither is not limited (it has no entry).
 *
 * @param sources the names of the loaded plugins a lookup asks (registry names)
 * @param settings `SNAPSHOTS.REFRESH_BUDGETS` (upstream requests per period)
 * @param share `SNAPSHOTS.REFRESH_SHARE` (0 < share ≤ 1), applied to the vendor quotas only
 * @returns one budget per limited source, at least one lookup per period each
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.deepEqual(refreshBudgets(["google", "file"], {}, 0.5), [
 *   { source: "google", rate: { requests: 600, perSeconds: 60 } },
 * ]);
 * ```
 */
export function refreshBudgets(
  sources: readonly string[],
  settings: Readonly<Record<string, RefreshBudgetSetting>>,
  share: number,
): SourceBudget[] {
  const out: SourceBudget[] = [];
  for (const source of sources) {
    const set = settings[source];
    const quota = VENDOR_QUOTAS[source];
    const requests = set ? set.REQUESTS : quota ? quota.requests * share : undefined;
    if (requests === undefined) continue;
    const perLookup = set ? set.REQUESTS_PER_LOOKUP : quota!.perLookup;
    const perSeconds = set ? set.PER_SECONDS : quota!.perSeconds;
    out.push({
      source,
      rate: { requests: Math.max(1, Math.floor(requests / perLookup)), perSeconds },
    });
  }
  return out;
}
