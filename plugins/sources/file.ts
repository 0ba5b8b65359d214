/**
 * "Bring your own inventory": normalised device records read from a file or an HTTP URL (a JSON
 * array or NDJSON), re-read every `REFRESH_SECONDS`. Each record is validated on its own; a bad
 * record is reported with its index or line and skipped.
 *
 * It is a listing source: the batch reads its whole inventory once per run (issue 16).
 *
 * Config: `PATH` (a file) or `URL` (http/https, optional `HEADERS`), `REFRESH_SECONDS` (default
 * 300), optional `TIMEOUT`, `DEBUG`. Records use the field names of `DeviceRecord` with ISO-8601
 * timestamps; `source` defaults to the plugin's name.
 *
 * @module
 */
import { z } from "zod";
import { canonicalMac, isValidEmail, isValidMac, macsFrom } from "../../engine/identifiers.ts";
import { type CallOptions, UpstreamError } from "../../engine/ports.ts";
import type { DeviceRecord } from "../../engine/types.ts";
import { createHttpClient } from "../http.ts";
import { redactUrl } from "../http_redact.ts";
import { definePlugin, timeoutSeconds } from "../plugin.ts";
import { withRetryAfter } from "../retry_after.ts";
import { sameEmail } from "../../engine/emails.ts";
import { errorMessage } from "../../lib/error_message.ts";
import { abortable } from "../../lib/abort.ts";

/** `PLUGINS.<name>` keys of a file source. */
export const fileSchema = z.object({
  PATH: z.string().min(1).optional(),
  URL: z.url({ protocol: /^https?$/ }).optional(),
  HEADERS: z.record(z.string(), z.string()).optional(),
  REFRESH_SECONDS: z.number().positive().default(300),
  TIMEOUT: timeoutSeconds,
  DEBUG: z.boolean().default(false),
}).strict().refine((c) => (c.PATH === undefined) !== (c.URL === undefined), {
  message: "set exactly one of PATH (a file) or URL (http or https)",
});

const str = z.string().optional();
const isoDateTime = z.iso.datetime({ offset: true });
const isoDate = z.iso.date();
const when = z.string().refine(
  (s) => isoDateTime.safeParse(s).success || isoDate.safeParse(s).success,
  "expected an ISO-8601 timestamp",
).transform((s) => new Date(s));
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

/** What one read of the inventory produced. */
export interface Inventory {
  devices: DeviceRecord[];
  /** One line per skipped record: `line 3: identifiers.mac_addresses.0: expected a MAC address`. */
  problems: string[];
}

/**
 * Parses an inventory: a JSON array, or one JSON object per line (NDJSON).
 *
 * @param text the file's content
 * @param options the plugin's name (default `source`) and whether to keep `_raw`
 * @returns the valid records and a description of each skipped one
 * @throws {SyntaxError} when a JSON array is not valid JSON as a whole
 */
export function parseInventory(
  text: string,
  options: { source: string; debug: boolean },
): Inventory {
  const entries: { label: string; value: unknown }[] = [];
  const problems: string[] = [];
  if (text.trimStart().startsWith("[")) {
    const all: unknown = JSON.parse(text);
    if (!Array.isArray(all)) throw new SyntaxError("expected a JSON array of records");
    all.forEach((value, i) => entries.push({ label: `index ${i}`, value }));
  } else {
    text.split(/\r?\n/).forEach((line, i) => {
      if (line.trim() === "") return;
      try {
        entries.push({ label: `line ${i + 1}`, value: JSON.parse(line) });
      } catch {
        problems.push(`line ${i + 1}: not valid JSON`);
      }
    });
  }
  const devices: DeviceRecord[] = [];
  for (const { label, value } of entries) {
    const parsed = FileRecord.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const at = issue && issue.path.length > 0 ? `${issue.path.join(".")}: ` : "";
      problems.push(`${label}: ${at}${issue?.message ?? "invalid record"}`);
      continue;
    }
    devices.push(toDevice(parsed.data, value, options));
  }
  return { devices, problems };
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

interface Snapshot {
  loadedAt: number;
  devices: DeviceRecord[];
}

/** The file source; see the module doc for its config. */
export default definePlugin(fileSchema, (config, ctx) => {
  const refreshMs = config.REFRESH_SECONDS * 1000;
  const where = config.PATH ?? redactUrl(config.URL ?? "");
  const client = config.URL === undefined ? null : createHttpClient({
    name: ctx.name,
    baseUrl: config.URL,
    timeoutMs: ctx.timeoutMs ?? 30_000,
    rateLimitRetries: 0, // read() honours 429 with withRetryAfter
    ...(config.HEADERS === undefined ? {} : { headers: config.HEADERS }),
  });
  let snapshot: Snapshot | null = null;
  let loading: Promise<Snapshot> | null = null;

  async function read(): Promise<string> {
    if (client === null) return await Deno.readTextFile(config.PATH!);
    const signal = new AbortController().signal;
    const answer = await withRetryAfter(
      () =>
        client.request("GET", "", {
          signal,
          as: "text",
          headers: { Accept: "application/json, application/x-ndjson" },
        }),
      { name: ctx.name, signal },
    );
    return String(answer.body);
  }

  async function load(): Promise<Snapshot> {
    let inventory: Inventory;
    try {
      inventory = parseInventory(await read(), { source: ctx.name, debug: config.DEBUG });
    } catch (error: unknown) {
      const why = errorMessage(error);
      throw new UpstreamError(`${ctx.name}: cannot read the inventory at ${where}: ${why}`);
    }
    if (inventory.problems.length > 0) {
      ctx.log.warn("file: skipped bad inventory records", {
        plugin: ctx.name,
        inventory: where,
        skipped: inventory.problems.length,
        problems: inventory.problems.slice(0, 20),
      });
    }
    return { loadedAt: ctx.now().getTime(), devices: inventory.devices };
  }

  async function devices(signal: AbortSignal): Promise<DeviceRecord[]> {
    if (snapshot !== null && ctx.now().getTime() - snapshot.loadedAt < refreshMs) {
      return snapshot.devices;
    }
    loading ??= load().finally(() => (loading = null));
    const pending = loading;
    try {
      snapshot = await abortable(pending, signal);
    } catch (error: unknown) {
      if (snapshot === null || signal.aborted) throw error;
      // Keep serving the last good inventory; try again after a full interval.
      ctx.log.warn("file: refresh failed, serving the previous inventory", {
        plugin: ctx.name,
        error: errorMessage(error),
      });
      snapshot = { ...snapshot, loadedAt: ctx.now().getTime() };
    }
    return snapshot.devices;
  }

  const find = (pred: (d: DeviceRecord) => boolean) => async (options: CallOptions) =>
    (await devices(options.signal)).filter(pred);

  return {
    name: ctx.name,
    timeoutMs: ctx.timeoutMs,
    devicesByEmail: (email, o) =>
      find((d) => d.email !== undefined && sameEmail(d.email, email))(o),
    devicesBySerial: (serial, o) =>
      find((d) => d.serial === serial || d.identifiers?.serial === serial)(o),
    devicesByMac: (mac, o) => {
      const canonical = canonicalMac(mac);
      return find((d) => d.identifiers?.mac_addresses?.includes(canonical) ?? false)(o);
    },
    // Issue 16: the batch reads the whole inventory once (one page: the file is read whole).
    listDevices: async function* (o: CallOptions) {
      yield { records: await devices(o.signal) };
    },
    checkConnectivity: async (o) => {
      snapshot = await abortable(load(), o.signal);
    },
    close: async () => {
      await loading?.catch(() => {});
    },
  };
}, { kinds: ["devices"], summary: "normalised device records from a JSON or NDJSON file or URL" });
