/**
 * The ownership guard: a person never sees a device that an inventory records as someone else's.
 * Inventories answer a by-email lookup loosely — JAMF's Classic API matches users by name (two
 * people can share the part before `@`), search endpoints match substrings, and a source written
 * later may do the same — so the engine checks every record a by-email lookup returns, from every
 * source: when the record names an owner (`email`) and that owner is another person, the record is
 * dropped and the drop is logged once per source burst (like source failures, see `bursts.ts`).
 *
 * Addresses are compared by `foldEmail` (engine/identity/emails.ts: ASCII letter case only). Companies
 * whose inventories record people under another domain of theirs say so with
 * `EMAIL_DOMAIN_ALIASES` (groups of domains that name the same people:
 * `[["example.com", "example.co.uk"]]`). Records reached through an ownership lookup by
 * serial or MAC are kept whoever they name, as the original did (spec §6.1): the ownership
 * inventory vouched for the device.
 *
 * @module
 */
import { type BurstReports, createBurstTracker } from "../view/bursts.ts";
import type { DeviceRecord } from "../core/types.ts";
import { foldEmail } from "./emails.ts";

/** The lookups whose answers the guard checks. */
export const BY_EMAIL_OPERATIONS: ReadonlySet<string> = new Set([
  "devicesByEmail",
  "ownedDevicesByEmail",
]);

/** Decides which records of a lookup reach the person. */
export interface OwnershipGuard {
  /**
   * The records of one source's answer that the person may see. Answers of operations outside
   * `BY_EMAIL_OPERATIONS` are returned whole.
   *
   * @param email the person the lookup was for
   * @param answer the source, the operation and its records
   */
  keep(
    email: string,
    answer: { source: string; operation: string; records: DeviceRecord[] },
  ): DeviceRecord[];
  /**
   * Whose an address is, as the guard compares owners ({@link ownerKey}): folded, its domain the
   * first of its `EMAIL_DOMAIN_ALIASES` group — `Alice@Example.CO.UK` → `alice@example.com`.
   */
  owner(email: string): string;
}

/** What `createOwnershipGuard` accepts. */
export interface OwnershipOptions {
  /** Groups of domains that name the same people (`EMAIL_DOMAIN_ALIASES`). */
  aliases?: readonly (readonly string[])[];
  /**
   * Told about drops once per source burst: `failing` on the first answer with another person's
   * records after a clean one, `recovered` when the source answers cleanly again.
   */
  reports?: BurstReports;
}

/**
 * The canonical form of an address for comparing owners: lower case, and the domain replaced by
 * the first domain of its alias group.
 *
 * @param aliases groups of domains that name the same people
 * @returns a function from an address to its comparison key
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const key = ownerKey([["example.com", "example.co.uk"]]);
 * assert.equal(key("Alice@Example.CO.UK"), "alice@example.com");
 * ```
 */
export function ownerKey(aliases: readonly (readonly string[])[] = []): (email: string) => string {
  const canonical = new Map<string, string>();
  for (const group of aliases) {
    const first = group[0] === undefined ? undefined : foldEmail(group[0]);
    if (first === undefined) continue;
    for (const d of group) canonical.set(foldEmail(d), first);
  }
  return (email) => {
    const e = foldEmail(email);
    const at = e.lastIndexOf("@");
    if (at < 0) return e;
    const domain = e.slice(at + 1);
    return `${e.slice(0, at)}@${canonical.get(domain) ?? domain}`;
  };
}

/**
 * Creates the ownership guard.
 *
 * @param options domain aliases and where drops are reported
 * @returns the guard the engine applies to every by-email answer
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const guard = createOwnershipGuard({ aliases: [["example.com", "example.co.uk"]] });
 * const records = [
 *   { source: "jamf", name: "Alice's Mac", email: "alice@example.co.uk" },
 *   { source: "jamf", name: "Namesake's Mac", email: "alice@partner.example" },
 * ];
 * assert.deepEqual(
 *   guard.keep("alice@example.com", { source: "jamf", operation: "devicesByEmail", records }),
 *   [{ source: "jamf", name: "Alice's Mac", email: "alice@example.co.uk" }],
 * );
 * ```
 */
export function createOwnershipGuard(options: OwnershipOptions = {}): OwnershipGuard {
  const key = ownerKey(options.aliases);
  const bursts = options.reports ? createBurstTracker(options.reports) : undefined;
  return {
    keep(email, { source, operation, records }) {
      if (!BY_EMAIL_OPERATIONS.has(operation)) return records;
      const person = key(email);
      const kept = records.filter((r) =>
        typeof r.email !== "string" || r.email.trim() === "" || key(r.email) === person
      );
      const dropped = records.length - kept.length;
      bursts?.record(
        source,
        dropped === 0 ? undefined : {
          source,
          operation,
          kind: "error",
          message: `dropped ${dropped} record(s) whose owner is another person`,
        },
      );
      return kept;
    },
    owner: key,
  };
}
