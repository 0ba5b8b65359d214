/**
 * `mac_manufacturer` (spec §9.4): for a device with no `manufacturer`, the organisation its MAC
 * addresses are registered to in the IEEE registry (the `oui-data` package: MA-S/IAB 36-bit
 * blocks first, then MA-M 28-bit, then MA-L 24-bit OUIs). The first registered address wins.
 * The registry (≈5 MB of JSON) is loaded when the plugin is created, so a deployment that does
 * not enable it never loads it; each lookup is then three map reads.
 *
 * Config: none.
 *
 * @module
 */
import { z } from "zod";
import type { DeviceRecord, MergedDevice } from "../../engine/core/types.ts";
import { definePlugin } from "../plugin.ts";

/** `PLUGINS.mac_manufacturer`: no keys. */
export const schema = z.object({}).strict();

const NOT_HEX_RE = /[^0-9A-F]/g;
/** Names that are not a manufacturer: private blocks, and the IEEE's own parent blocks. */
const NOT_A_MAKER = new Set(["Private", "IEEE Registration Authority"]);
/** Prefix lengths in hex digits, most specific first: MA-S/IAB, MA-M, MA-L. */
const PREFIXES = [9, 7, 6] as const;

/** Registry assignments: hex prefix (upper case) → organisation, then address lines. */
export type OuiTable = Readonly<Record<string, string>>;

let loading: Promise<OuiTable> | null = null;

/** The IEEE registry from `oui-data`, loaded once. */
export function loadOuiTable(): Promise<OuiTable> {
  loading ??= import("oui-data", { with: { type: "json" } }).then((m) => m.default as OuiTable);
  return loading;
}

/**
 * The organisation a MAC address is registered to, or `null` (unregistered, private, or not a
 * MAC address).
 *
 * @param table the registry
 * @param mac in any usual notation (`00:0C:29:…`, `00-0c-29-…`, `000c29…`)
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(manufacturerOf(await loadOuiTable(), "00:0C:29:12:34:56"), "VMware, Inc.");
 * ```
 */
export function manufacturerOf(table: OuiTable, mac: string): string | null {
  const hex = mac.toUpperCase().replace(NOT_HEX_RE, "");
  if (hex.length < 12) return null;
  for (const n of PREFIXES) {
    const entry = table[hex.slice(0, n)];
    if (entry === undefined) continue;
    const name = entry.split("\n", 1)[0]!.trim();
    if (name !== "" && !NOT_A_MAKER.has(name)) return name;
  }
  return null;
}

/** The device transform naming each MAC's manufacturer; see the module doc for its config. */
export default definePlugin(schema, async (_config, ctx) => {
  const table = await loadOuiTable();
  return {
    name: ctx.name,
    timeoutMs: ctx.timeoutMs,
    transformDevices<T extends DeviceRecord | MergedDevice>(devices: T[]): T[] {
      return devices.map((d) => {
        if (d.manufacturer) return d;
        for (const mac of d.identifiers?.mac_addresses ?? []) {
          const manufacturer = manufacturerOf(table, mac);
          if (manufacturer !== null) return { ...d, manufacturer };
        }
        return d;
      });
    },
  };
}, {
  kinds: ["device_transform"],
  summary: "fills a missing manufacturer from the MAC's IEEE registration",
});
