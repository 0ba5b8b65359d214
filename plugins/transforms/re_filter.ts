/**
 * `re_filter` (spec §9.4): drops devices whose fields match configured patterns — virtual
 * machines and the like. `PATTERN_MAP` is `{field: regex}`; a device is dropped when, for ANY
 * field, its value is present and the regex finds a match anywhere in it (unanchored search).
 * An invalid regex is a configuration error at start.
 *
 * @example Config (the original's documented example)
 * ```json
 * { "PATTERN_MAP": { "model": "(Virtual Machine|VMware|amazon|HVM domU)",
 *                    "serial": "(Parallels|VMware)" } }
 * ```
 *
 * @module
 */
import { z } from "zod";
import type { DeviceRecord, MergedDevice } from "../../engine/core/types.ts";
import { definePlugin } from "../plugin.ts";

const pattern = z.string().min(1).transform((source, ctx) => {
  try {
    return new RegExp(source);
  } catch (error: unknown) {
    ctx.addIssue({
      code: "custom",
      message: `invalid regular expression ${JSON.stringify(source)}: ${(error as Error).message}`,
    });
    return z.NEVER;
  }
});

/** `PLUGINS.re_filter`. */
export const schema = z.object({
  PATTERN_MAP: z.record(z.string().min(1), pattern),
}).strict();

/** A field's value as text to search: strings as they are, numbers and booleans as written. */
function text(value: unknown): string | null {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return null;
}

/** The field of a device: a top-level field, else an identifier of that name (e.g. `serial`). */
function fieldOf(device: DeviceRecord | MergedDevice, field: string): string | null {
  const top = text((device as unknown as Record<string, unknown>)[field]);
  if (top !== null) return top;
  const ids = device.identifiers as Record<string, unknown> | undefined;
  return ids ? text(ids[field]) : null;
}

/**
 * Whether any pattern finds a match in its field.
 *
 * @param device a record or merged device
 * @param patterns field → regex
 * @returns true when the device must be dropped
 */
export function matchesAny(
  device: DeviceRecord | MergedDevice,
  patterns: ReadonlyMap<string, RegExp>,
): boolean {
  for (const [field, re] of patterns) {
    const value = fieldOf(device, field);
    if (value !== null && re.test(value)) return true;
  }
  return false;
}

/** The device transform dropping devices whose fields match `PATTERN_MAP`; see the module doc. */
export default definePlugin(schema, (config, ctx) => {
  const patterns = new Map(
    Object.entries(config.PATTERN_MAP).map((
      [k, re],
    ) => [k, new RegExp(re.source, re.flags.replace(/[gy]/g, ""))]),
  );
  return {
    name: ctx.name,
    timeoutMs: ctx.timeoutMs,
    transformDevices<T extends DeviceRecord | MergedDevice>(devices: T[]): T[] {
      return devices.filter((d) => !matchesAny(d, patterns));
    },
  };
}, {
  kinds: ["device_transform"],
  summary: "drops devices whose fields match PATTERN_MAP (virtual machines and the like)",
});
