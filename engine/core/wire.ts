/**
 * The wire form of engine values: `Date` becomes an ISO-8601 string for JSON responses, and back
 * for records read from JSON files (tests, benchmarks, `explain --input`).
 *
 * @module
 */
import type { DeviceRecord } from "./types.ts";

/** `T` with every `Date` replaced by its ISO-8601 string. */
export type Wire<T> = T extends Date ? string
  : T extends readonly (infer U)[] ? Wire<U>[]
  : T extends object ? { [K in keyof T]: Wire<T[K]> }
  : T;

/**
 * A deep copy of `value` with every `Date` as an ISO-8601 string (an invalid date becomes `null`);
 * `null` stays `null`, `undefined` properties are left out.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.deepEqual(toWire({ last_sync: new Date(0), photo_url: null }), {
 *   last_sync: "1970-01-01T00:00:00.000Z",
 *   photo_url: null,
 * });
 * ```
 */
export function toWire<T>(value: T): Wire<T> {
  return convert(value) as Wire<T>;
}

function convert(value: unknown): unknown {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (Array.isArray(value)) return value.map(convert);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = convert(v);
    return out;
  }
  return value;
}

const RECORD_DATES = [
  "last_sync",
  "hw_release_date",
  "security_patch_level",
  "auto_update_expiration",
] as const;

function reviveDate(value: unknown): Date | null {
  if (typeof value !== "string") return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
}

/**
 * A device record from its JSON form: `last_sync`, `hw_release_date`, `software.last_scan_date`
 * and each practice's `last_updated` become `Date` (an unparseable one becomes `null`).
 *
 * @param json one record as parsed from JSON
 * @returns a new record; the input is not changed
 */
export function recordFromWire(json: unknown): DeviceRecord {
  if (json === null || typeof json !== "object" || Array.isArray(json)) {
    throw new TypeError(
      `Cannot read a device record from ${JSON.stringify(json)}: expected an object`,
    );
  }
  const r = { ...json } as Record<string, unknown>;
  if (typeof r.source !== "string") {
    throw new TypeError(
      `Cannot read a device record without "source": ${JSON.stringify(json).slice(0, 80)}`,
    );
  }
  for (const k of RECORD_DATES) if (k in r && r[k] !== null) r[k] = reviveDate(r[k]);
  const software = r.software as Record<string, unknown> | undefined;
  if (software && typeof software === "object" && "last_scan_date" in software) {
    r.software = { ...software, last_scan_date: reviveDate(software.last_scan_date) };
  }
  const practices = r.practices as Record<string, Record<string, unknown>> | undefined;
  if (practices && typeof practices === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, pd] of Object.entries(practices)) {
      out[k] = "last_updated" in pd
        ? { ...pd, last_updated: reviveDate(pd.last_updated) }
        : { ...pd };
    }
    r.practices = out;
  }
  return r as unknown as DeviceRecord;
}
