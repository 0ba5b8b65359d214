/**
 * In-memory plugins for route and engine tests: a source that answers given records, one that
 * throws, one that hangs past its deadline, one that answers garbage.
 *
 * @module
 */
import { z } from "zod";
import type { DeviceRecord } from "../../engine/core/types.ts";
import type { CallOptions } from "../../engine/core/ports.ts";
import type { Store } from "../../engine/core/store_ports.ts";
import { definePlugin, type PluginContext } from "../../plugins/plugin.ts";
import { silentLogger } from "../../config/log.ts";
import { REGISTRY, type RegistryEntry } from "../../plugins/registry.ts";

/**
 * A registry entry for a device source behaving as `devicesByEmail` says (which also gets the
 * call's options, e.g. to report gaps through `reportGap`).
 */
export function sourceEntry(
  devicesByEmail: (email: string, signal: AbortSignal, options: CallOptions) => Promise<unknown>,
): RegistryEntry {
  const module = definePlugin(z.object({ TIMEOUT: z.number().optional() }).strict(), (_, ctx) => ({
    name: ctx.name,
    timeoutMs: ctx.timeoutMs,
    devicesByEmail: (email: string, options: CallOptions) =>
      devicesByEmail(email, options.signal, options) as Promise<DeviceRecord[]>,
  }), { kinds: ["devices"], summary: "test source" });
  return {
    load: () => Promise.resolve({ default: module }),
  };
}

/** The real registry plus test sources. */
export function registryWith(
  extra: Record<string, RegistryEntry>,
): Readonly<Record<string, RegistryEntry>> {
  return { ...REGISTRY, ...extra };
}

/** A record of a Mac with the given name, owned by `email`. */
export function macRecord(name: string, serial: string, now: Date): DeviceRecord {
  return {
    source: "testsrc",
    name,
    model: "MacBook Air",
    platform: "Mac",
    os: "macOS",
    os_version: "26.6",
    serial,
    last_sync: now,
    practices: { encryption: { value: true, last_updated: now } },
    identifiers: { serial },
  };
}

/**
 * The context a plugin gets from `loadPlugins`, as a test builds a plugin by hand: the name, a
 * 5 s deadline, a silent log, no store, and a clock stopped at `now`.
 */
export function pluginContext(name: string, now = "2026-12-07T09:00:00Z"): PluginContext {
  return {
    name,
    timeoutMs: 5000,
    log: silentLogger,
    store: {} as Store,
    now: () => new Date(now),
    demo: false,
  };
}
