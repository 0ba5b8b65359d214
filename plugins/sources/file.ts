/**
 * "Bring your own inventory": normalised device records read from a file or an HTTP URL (a JSON
 * array or NDJSON, UTF-8 or UTF-16, with or without a byte-order mark), re-read every
 * `REFRESH_SECONDS`. Each record is read on its own (`file_parse.ts`): a field that does not read
 * is kept unknown and named in the record's `unread`; a record nobody could be shown is skipped
 * and counted (`skippedRecords()`), with its index or line in the log.
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
import { canonicalMac } from "../../engine/identity/identifiers.ts";
import { type CallOptions, UpstreamError } from "../../engine/core/ports.ts";
import type { DeviceRecord } from "../../engine/core/types.ts";
import { createHttpClient } from "../http.ts";
import { redactUrl } from "../http_redact.ts";
import { definePlugin, timeoutSeconds } from "../plugin.ts";
import { withRetryAfter } from "../retry_after.ts";
import { sameEmail } from "../../engine/identity/emails.ts";
import { errorMessage } from "../../lib/error_message.ts";
import { abortable } from "../../lib/abort.ts";
import { decodeText } from "../../lib/decode_text.ts";
import { type Inventory, parseInventory } from "./file_parse.ts";
import { skippedRecordsTally } from "./skipped_records.ts";

export { FileRecord, type Inventory, parseInventory } from "./file_parse.ts";

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
  const tally = skippedRecordsTally(ctx.log, ctx.name);
  let snapshot: Snapshot | null = null;
  let loading: Promise<Snapshot> | null = null;

  async function read(): Promise<string> {
    if (client === null) return decodeText(await Deno.readFile(config.PATH!)).text;
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
      ctx.log.warn("file: some inventory records could not be read whole", {
        plugin: ctx.name,
        inventory: where,
        skipped: inventory.skipped.length,
        kept_in_part: inventory.devices.filter((d) => d.unread !== undefined).length,
        problems: inventory.problems.slice(0, 20),
      });
    }
    // The counts describe the inventory as last read, not every read since the start.
    tally.reset();
    for (const s of inventory.skipped) {
      tally.count(s.reason, {
        id: s.id,
        problem: s.problem,
        ...(s.owner ? { owner: s.owner } : {}),
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
    skippedRecords: () => tally.counts(),
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
