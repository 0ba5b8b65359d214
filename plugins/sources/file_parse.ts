/**
 * Reading a "bring your own inventory" export (a JSON array or NDJSON) into device records, keeping
 * every record that can be read in part (DESIGN.md §4 "arrive or be named"): a field that does not
 * read (a date in an unknown spelling, a malformed MAC, an address that is not one) is left
 * unknown and named in the record's `unread` evidence; only a record that is not an object, or
 * that names neither an owner nor an identifier (nobody could ever be shown it), is skipped, and
 * counted with its reason. Exports from Windows PowerShell 5.1 are read as written: a leading
 * byte-order mark is ignored (RFC 8259 §8.1; the bytes are decoded by `lib/decode_text.ts`) and
 * `"\/Date(ms)\/"` dates are read (`timestamps.ts`). Changes when the export format changes.
 *
 * @module
 */
import { z } from "zod";
import { isValidEmail, isValidMac, macsFrom } from "../../engine/identity/identifiers.ts";
import type { DeviceRecord, UnreadField } from "../../engine/core/types.ts";
import type { SkipReason } from "./skipped_records.ts";
import { readTimestamp, UNREADABLE_DATE } from "./timestamps.ts";

const str = z.string().optional();
const when = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const at = readTimestamp(v);
  if (at === undefined) {
    ctx.addIssue({ code: "custom", message: UNREADABLE_DATE });
    return z.NEVER;
  }
  return at;
});
const Practice = z.object({
  value: z.boolean().nullable().optional(),
  details: z.string().optional(),
  last_updated: when.nullable().optional(),
});
const Software = z.object({
  last_scan_date: when.nullable().optional(),
  installed: z.array(z.object({
    name: z.string(),
    version: z.string().nullable().optional(),
    path: str,
    publisher: z.string().nullable().optional(),
    install_date: z.string().nullable().optional(),
  })),
  services: z.array(z.object({ name: z.string() })).optional(),
});
const Identifiers = z.object({
  serial: str,
  mac_addresses: z.array(z.string().refine(isValidMac, "expected a MAC address")).optional(),
  udid: str,
  imei: str,
  meid: str,
  google_device_id: str,
});

/** One record of the inventory, as written in the file. */
export const FileRecord = z.object({
  source: z.string().min(1).optional(),
  name: str,
  model: str,
  manufacturer: str,
  platform: str,
  os: str,
  os_version: str,
  os_release: str,
  os_build: str,
  serial: str,
  email: z.string().refine(isValidEmail, "expected an email address").optional(),
  type: str,
  status: str,
  photo_url: z.string().nullable().optional(),
  hw_release_date: when.nullable().optional(),
  user_agent: str,
  last_sync: when.nullable().optional(),
  software: Software.optional(),
  friendly_name: str,
  practices: z.record(z.string(), Practice).optional(),
  identifiers: Identifiers.optional(),
});

/** A record of the export that was not kept, and why. */
export interface SkippedEntry {
  /** Where it is in the export: `index 3`, `line 7`. */
  id: string;
  reason: SkipReason;
  /** The first problem found, for the log. */
  problem: string;
  /** The owner address it named, when one could be read. */
  owner?: string;
}

/** What one read of the inventory produced. */
export interface Inventory {
  devices: DeviceRecord[];
  /**
   * One line per problem, for the log: a skipped record (`line 3: not valid JSON`) or a field
   * kept unknown (`index 0: last_sync: its date is in a format we don't know`).
   */
  problems: string[];
  /** The records not kept, each with its reason. */
  skipped: SkippedEntry[];
}

/** Fields a record may lose and still be read, before giving up (a record with 40 bad MACs). */
const MAX_UNREAD = 32;

/**
 * Parses an inventory: a JSON array, or one JSON object per line (NDJSON); a leading byte-order
 * mark (on the text or on any NDJSON line) is ignored.
 *
 * @param text the file's content, decoded (see `decodeText`)
 * @param options the plugin's name (default `source`) and whether to keep `_raw`
 * @returns the records kept (each with `unread` naming the fields it lost), the skipped ones, and
 *   one log line per problem
 * @throws {SyntaxError} when a JSON array is not valid JSON as a whole
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const text = '[{"email":"ned@example.com","last_sync":"/Date(1796547600000)/"}]';
 * const inv = parseInventory(text, { source: "file", debug: false });
 * assert.equal(inv.devices[0]?.last_sync?.toISOString(), "2026-12-06T09:00:00.000Z");
 * ```
 */
export function parseInventory(
  text: string,
  options: { source: string; debug: boolean },
): Inventory {
  const entries: { label: string; value: unknown }[] = [];
  const inventory: Inventory = { devices: [], problems: [], skipped: [] };
  const skip = (entry: SkippedEntry) => {
    inventory.skipped.push(entry);
    inventory.problems.push(`${entry.id}: ${entry.problem}`);
  };
  const body = text.replace(/^\uFEFF/, "");
  if (body.trimStart().startsWith("[")) {
    const all: unknown = JSON.parse(body);
    if (!Array.isArray(all)) throw new SyntaxError("expected a JSON array of records");
    all.forEach((value, i) => entries.push({ label: `index ${i}`, value }));
  } else {
    body.split(/\r?\n/).forEach((line, i) => {
      const clean = line.replace(/^\uFEFF/, "");
      if (clean.trim() === "") return;
      try {
        entries.push({ label: `line ${i + 1}`, value: JSON.parse(clean) });
      } catch {
        skip({ id: `line ${i + 1}`, reason: "notJson", problem: "not valid JSON" });
      }
    });
  }
  for (const { label, value } of entries) {
    const read = readRecord(value, options);
    if ("skipped" in read) {
      skip({ id: label, ...read.skipped });
      continue;
    }
    for (const u of read.device.unread ?? []) {
      inventory.problems.push(`${label}: ${u.field}: ${u.reason}`);
    }
    inventory.devices.push(read.device);
  }
  return inventory;
}

type Read = { device: DeviceRecord } | { skipped: Omit<SkippedEntry, "id"> };

/** One record: validated, dropping each field that does not read until the rest does. */
function readRecord(value: unknown, options: { source: string; debug: boolean }): Read {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { skipped: { reason: "malformed", problem: "expected a JSON object" } };
  }
  const copy = structuredClone(value) as Record<string, unknown>;
  const unread: UnreadField[] = [];
  const source = typeof copy.source === "string" && copy.source !== ""
    ? copy.source
    : options.source;
  for (;;) {
    const parsed = FileRecord.safeParse(copy);
    if (parsed.success) {
      const device = toDevice(parsed.data, value, options);
      if (unread.length > 0) device.unread = unread;
      if (device.email === undefined && !hasIdentifier(device)) {
        const problem = unread[0]
          ? `${unread[0].field}: ${unread[0].reason}`
          : "no email, serial or MAC";
        return { skipped: { reason: "noOwner", problem } };
      }
      return { device };
    }
    const issue = parsed.error.issues[0]!;
    const path = issue.path.map(String);
    const bad = shown(valueAt(copy, path));
    if (path.length === 0 || unread.length >= MAX_UNREAD || !drop(copy, path)) {
      const at = path.length > 0 ? `${path.join(".")}: ` : "";
      const owner = typeof copy.email === "string" && isValidEmail(copy.email)
        ? copy.email
        : undefined;
      return {
        skipped: {
          reason: "malformed",
          problem: `${at}${issue.message}`,
          ...(owner === undefined ? {} : { owner }),
        },
      };
    }
    unread.push({ source, field: path.join("."), value: bad, reason: issue.message });
  }
}

function hasIdentifier(d: DeviceRecord): boolean {
  const ids = d.identifiers ?? {};
  return d.serial !== undefined ||
    Object.values(ids).some((v) =>
      Array.isArray(v) ? v.length > 0 : typeof v === "string" && v !== ""
    );
}

/** Removes the value at `path` (an array element is spliced out); `false` when there is none. */
function drop(root: Record<string, unknown>, path: string[]): boolean {
  let at: unknown = root;
  for (const key of path.slice(0, -1)) {
    if (typeof at !== "object" || at === null) return false;
    at = (at as Record<string, unknown>)[key];
  }
  const last = path[path.length - 1]!;
  if (Array.isArray(at)) {
    const i = Number(last);
    if (!Number.isInteger(i) || i < 0 || i >= at.length) return false;
    at.splice(i, 1);
    return true;
  }
  if (typeof at !== "object" || at === null || !(last in at)) return false;
  delete (at as Record<string, unknown>)[last];
  return true;
}

function valueAt(root: unknown, path: string[]): unknown {
  let at = root;
  for (const key of path) {
    if (typeof at !== "object" || at === null) return undefined;
    at = (at as Record<string, unknown>)[key];
  }
  return at;
}

/** A value as evidence: text as is, anything else as JSON, at most 80 characters. */
function shown(v: unknown): string {
  const s = typeof v === "string" ? v : JSON.stringify(v) ?? String(v);
  return s.length > 80 ? `${s.slice(0, 79)}…` : s;
}

function toDevice(
  data: z.infer<typeof FileRecord>,
  raw: unknown,
  options: { source: string; debug: boolean },
): DeviceRecord {
  // zod leaves absent optional keys absent, so the cast only drops the `| undefined`.
  const device = { ...data, source: data.source ?? options.source } as DeviceRecord;
  const identifiers = { ...device.identifiers };
  if (identifiers.serial === undefined && device.serial !== undefined) {
    identifiers.serial = device.serial;
  }
  if (identifiers.mac_addresses !== undefined) {
    identifiers.mac_addresses = macsFrom(identifiers.mac_addresses);
  }
  device.identifiers = identifiers;
  if (options.debug) device._raw = raw;
  return device;
}
