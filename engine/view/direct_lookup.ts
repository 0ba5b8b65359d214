/**
 * The debug lookups (spec §6.5, §7.2; DESIGN §8 decision 7): one method of one plugin, or of every
 * device source, asked directly — no staged lookup, no ownership guard — under each plugin's
 * deadline. What the plugins answered is handed back as it is; a merged answer goes through the
 * person's view like every other (`engine.viewOfFound()`: by serial or MAC, each owner's records
 * as that owner's view, {@link recordsByOwner}), so debug routes and pages never disagree.
 *
 * @module
 */
import { callWithDeadline } from "./deadline.ts";
import { addGaps } from "./gaps.ts";
import { canonicalMac } from "../identity/identifiers.ts";
import { foldEmail } from "../identity/emails.ts";
import type {
  AccountSource,
  CallOptions,
  DeviceSource,
  EventSource,
  NotificationSource,
  OwnershipSource,
  PluginBase,
} from "../core/ports.ts";
import type { Collected, DeviceRecord } from "../core/types.ts";

/** What a device debug lookup is by. */
export type DirectBy = "email" | "serial" | "mac";

/** The personal debug lookups of one plugin. */
export type DirectKind = "account" | "events" | "notifications";

const METHOD = {
  email: "devicesByEmail",
  serial: "devicesBySerial",
  mac: "devicesByMac",
} as const;

type Call<T> = PluginBase & { call: (o: CallOptions) => Promise<T[]> };

/**
 * Asks every device source having the method (and, for `plugin` by email, the ownership sources
 * too: spec §7.2) for `value`; with `plugin`, only that one.
 *
 * @param parts the engine's sources
 * @param lookup by what, the value (a MAC in any notation), and optionally one plugin's name
 * @returns the records in source order and one error per failed call; `null` when `plugin` names
 *   no source with that method
 * @example Every source's records for a serial
 * ```ts
 * import assert from "node:assert/strict";
 * const jamf = {
 *   name: "jamf",
 *   timeoutMs: 1000,
 *   devicesBySerial: (serial: string) => Promise.resolve([{ source: "jamf", identifiers: { serial } }]),
 * };
 * const parts = { deviceSources: [jamf], ownershipSources: [] };
 * const found = await directDevices(parts, { by: "serial", value: "C02X" });
 * assert.deepEqual(found?.items, [{ source: "jamf", identifiers: { serial: "C02X" } }]);
 * ```
 */
export async function directDevices(
  parts: { deviceSources: DeviceSource[]; ownershipSources: OwnershipSource[] },
  lookup: {
    by: DirectBy;
    value: string;
    plugin?: string | undefined;
    signal?: AbortSignal;
    /** Where each answer enters the engine (ownership guard, OS names), as in `stagedLookup`. */
    admit?: (
      answer: { source: string; operation: string; records: DeviceRecord[] },
    ) => DeviceRecord[];
  },
): Promise<Collected<DeviceRecord> | null> {
  const { by, plugin } = lookup;
  const method = METHOD[by];
  const arg = by === "mac" ? canonicalMac(lookup.value) : lookup.value;
  const calls: Call<DeviceRecord>[] = [
    ...parts.deviceSources.flatMap((s) => {
      const fn = s[method];
      return fn ? [{ ...named(s), call: (o: CallOptions) => fn.call(s, arg, o) }] : [];
    }),
    ...(plugin !== undefined && by === "email"
      ? parts.ownershipSources.map((s) => ({
        ...named(s),
        call: (o: CallOptions) => s.ownedDevicesByEmail(arg, o),
      }))
      : []),
  ].filter((s) => plugin === undefined || s.name === plugin);
  if (plugin !== undefined && calls.length === 0) return null;
  const outcomes = await Promise.all(calls.map((s) =>
    callWithDeadline(s, method, s.call, {
      empty: [] as DeviceRecord[],
      ...(lookup.signal ? { parent: lookup.signal } : {}),
    })
  ));
  const admit = lookup.admit ?? ((answer) => answer.records);
  const gaps = addGaps([], outcomes.flatMap((o) => o.gaps ?? []));
  const found = {
    items: outcomes.flatMap((o, i) =>
      o.ok ? admit({ source: calls[i]!.name, operation: method, records: o.value }) : []
    ),
    errors: outcomes.flatMap((o) => o.ok ? [] : [o.error]),
  };
  return gaps.length > 0 ? { ...found, gaps } : found;
}

/** The records of one owner, as {@link recordsByOwner} groups them. */
export interface OwnedRecords {
  /** The owner's address as `ownerOf` gives it; `null`: records that name no owner. */
  owner: string | null;
  records: DeviceRecord[];
}

/**
 * Groups the records a lookup by serial or MAC found by the owner each names (`email`), so that
 * each owner's can be viewed as that person (their exemptions, as on their pages). A record
 * naming no owner (no or a blank `email`) joins the one owner the others name — as on that
 * owner's page, where the staged lookup's serial and MAC stage brings such records in — and
 * when they name several owners (or none), the records naming none make a group of their own,
 * `owner: null`, viewed without a person.
 *
 * @param records the records found, in source order (kept within each group)
 * @param ownerOf whose an address is (`OwnershipGuard.owner`: folded, domain aliases applied)
 * @returns the groups, owners in code-unit order of `ownerOf`'s answer, the `null` group last;
 *   empty for no records
 * @example A Mac reassigned from Bob to Alice, and a network record naming no one
 * ```ts
 * import assert from "node:assert/strict";
 * const records = [
 *   { source: "jamf", email: "Bob@example.com", identifiers: { serial: "C02X" } },
 *   { source: "google", email: "alice@example.com", identifiers: { serial: "C02X" } },
 *   { source: "network", identifiers: { serial: "C02X" } },
 * ];
 * const groups = recordsByOwner(records, (e) => e.toLowerCase());
 * assert.deepEqual(groups.map((g) => [g.owner, g.records.map((r) => r.source)]), [
 *   ["alice@example.com", ["google"]],
 *   ["bob@example.com", ["jamf"]],
 *   [null, ["network"]],
 * ]);
 * assert.deepEqual(
 *   recordsByOwner(records.slice(1), (e) => e).map((g) => [g.owner, g.records.length]),
 *   [["alice@example.com", 2]],
 * );
 * ```
 */
export function recordsByOwner(
  records: readonly DeviceRecord[],
  ownerOf: (email: string) => string,
): OwnedRecords[] {
  const owned = new Map<string, DeviceRecord[]>();
  const nobody: DeviceRecord[] = [];
  for (const r of records) {
    if (typeof r.email !== "string" || r.email.trim() === "") {
      nobody.push(r);
      continue;
    }
    const owner = ownerOf(r.email);
    const list = owned.get(owner);
    if (list) list.push(r);
    else owned.set(owner, [r]);
  }
  const owners = [...owned.keys()].sort((a, b) => a < b ? -1 : a > b ? 1 : 0);
  // one owner: every record is theirs or names no one (kept in source order)
  if (owners.length === 1) return [{ owner: owners[0]!, records: [...records] }];
  const groups: OwnedRecords[] = owners.map((owner) => ({ owner, records: owned.get(owner)! }));
  return nobody.length > 0 ? [...groups, { owner: null, records: nobody }] : groups;
}

/**
 * The addresses a group of one owner's records names (folded), the most named first (the first
 * named first on a tie): the first is the person whose view shows them, as
 * `/api/v1/devices/merged/<address>` does; with domain aliases (`EMAIL_DOMAIN_ALIASES`) a person's
 * exemptions may be kept under any of them or under the ownership guard's address.
 *
 * @param records one owner's records, as {@link recordsByOwner} groups them
 * @returns the distinct folded addresses; empty when no record names one
 * @example Two aliases of one person: the one most records name first
 * ```ts
 * import assert from "node:assert/strict";
 * const records = [
 *   { source: "jamf", email: "Hermes@corp.example" },
 *   { source: "intune", email: "hermes@example.com" },
 *   { source: "google", email: "hermes@example.com" },
 *   { source: "network" },
 * ];
 * assert.deepEqual(namedAddresses(records), ["hermes@example.com", "hermes@corp.example"]);
 * assert.deepEqual(namedAddresses(records.slice(0, 2)), ["hermes@corp.example", "hermes@example.com"]);
 * assert.deepEqual(namedAddresses(records.slice(3)), []);
 * ```
 */
export function namedAddresses(records: readonly DeviceRecord[]): string[] {
  const counts = new Map<string, number>();
  for (const r of records) {
    if (typeof r.email !== "string" || r.email.trim() === "") continue;
    const address = foldEmail(r.email);
    counts.set(address, (counts.get(address) ?? 0) + 1);
  }
  // a stable sort keeps the first named first among equals (Map keeps insertion order)
  return [...counts.keys()].sort((a, b) => counts.get(b)! - counts.get(a)!);
}

/**
 * One plugin's account, sign-ins (newest first) or notifications for a person, asked directly.
 *
 * @param parts the engine's sources
 * @param lookup what, which plugin, whose
 * @returns the answer (an account lookup: a list of at most one) and the error, if it failed;
 *   `null` when no source of that kind has that name
 */
export async function directPersonal(
  parts: {
    accountSources: AccountSource[];
    eventSources: EventSource[];
    notificationSources: NotificationSource[];
  },
  lookup: { kind: DirectKind; plugin: string; email: string; signal?: AbortSignal },
): Promise<Collected<unknown> | null> {
  const { kind, plugin, email } = lookup;
  const found: Call<unknown> | undefined = kind === "account"
    ? parts.accountSources.filter((s) => s.name === plugin).map((s) => ({
      ...named(s),
      call: async (o: CallOptions) => {
        const account = await s.accountByEmail(email, o);
        return account ? [account] : [];
      },
    }))[0]
    : kind === "events"
    ? parts.eventSources.filter((s) => s.name === plugin).map((s) => ({
      ...named(s),
      call: async (o: CallOptions) =>
        (await s.eventsByEmail(email, o)).sort((a, b) =>
          b.timestamp.getTime() - a.timestamp.getTime()
        ),
    }))[0]
    : parts.notificationSources.filter((s) => s.name === plugin).map((s) => ({
      ...named(s),
      call: (o: CallOptions) => s.notificationsByEmail(email, o),
    }))[0];
  if (!found) return null;
  const out = await callWithDeadline(found, kind, found.call, {
    empty: [] as unknown[],
    ...(lookup.signal ? { parent: lookup.signal } : {}),
  });
  return out.ok ? { items: out.value, errors: [] } : { items: [], errors: [out.error] };
}

function named(s: PluginBase): PluginBase {
  return { name: s.name, timeoutMs: s.timeoutMs };
}
