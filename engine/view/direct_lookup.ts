/**
 * The debug lookups (spec §6.5, §7.2; DESIGN §8 decision 7): one method of one plugin, or of every
 * device source, asked directly — no staged lookup, no ownership guard — under each plugin's
 * deadline. What the plugins answered is handed back as it is; a merged answer goes through the
 * person's view like every other (`engine.viewOf()`), so debug routes and pages never disagree.
 *
 * @module
 */
import { callWithDeadline } from "./deadline.ts";
import { addGaps } from "./gaps.ts";
import { canonicalMac } from "../identity/identifiers.ts";
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
