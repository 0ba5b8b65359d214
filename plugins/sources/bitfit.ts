/**
 * bitFit ownership source (spec §3.4, decision 20): the assets a person owns, whose serials and
 * MACs seed the device lookups of the other sources.
 *
 * Config keys are the original's: `BITFIT_API_TOKEN`, `BITFIT_BASE_URL` (e.g.
 * `https://api.bitfit.com/`), optional `BITFIT_TIMEOUT` / `TIMEOUT`, `DEBUG`.
 *
 * @module
 */
import { z } from "zod";
import { macsFrom } from "../../engine/identity/identifiers.ts";
import { type CallOptions, NotFoundError, UpstreamError } from "../../engine/core/ports.ts";
import type { DeviceRecord } from "../../engine/core/types.ts";
import { AuthError, connectionFailure, createHttpClient } from "../http.ts";
import { definePlugin, timeoutSeconds } from "../plugin.ts";
import { skippedRecordsTally } from "./skipped_records.ts";
import { keptItems } from "./item_fetches.ts";

/** `PLUGINS.bitfit` keys. */
export const bitfitSchema = z.object({
  BITFIT_API_TOKEN: z.string().min(1),
  BITFIT_BASE_URL: z.url({ protocol: /^https?$/ }),
  BITFIT_TIMEOUT: timeoutSeconds,
  TIMEOUT: timeoutSeconds,
  DEBUG: z.boolean().default(false),
}).strict();

const PHOTO_URL = "https://app.bitfit.com/api/attachments/{id}/download?scale=tiny";
const id = z.union([z.number(), z.string()]);
const label = z.looseObject({ label_single: z.string().nullish() }).nullish();
const Users = z.looseObject({
  items: z.array(z.looseObject({ id, email: z.string().nullish() })),
});
const Assets = z.looseObject({ items: z.array(z.looseObject({ id })) });
const Asset = z.looseObject({
  item: z.looseObject({
    name: z.string(),
    model: z.string(),
    serial_number: z.string().nullish(),
    image_url: z.string().nullish(),
    photo_id: id.nullish(),
    type: label,
    customerStatus: z.looseObject({ label: z.string().nullish() }).nullish(),
    config: z.looseObject({ image_url: z.string().nullish(), photo_id: id.nullish(), type: label })
      .nullish(),
    fields: z.array(z.looseObject({ base_name: z.string(), value: z.unknown() })).nullish(),
  }),
});

/**
 * Turns one `GET assets/{id}` answer into an ownership record.
 *
 * @param raw the parsed JSON
 * @param options `debug` keeps the raw payload in `_raw`
 * @returns the record, or `null` when the answer does not have the expected shape
 */
export function processAsset(raw: unknown, options: { debug: boolean }): DeviceRecord | null {
  const parsed = Asset.safeParse(raw);
  if (!parsed.success) return null;
  const it = parsed.data.item;
  const device: DeviceRecord = {
    source: "bitfit",
    name: it.name,
    model: it.model,
    identifiers: {},
  };
  if (typeof it.serial_number === "string") {
    device.serial = device.identifiers!.serial = it.serial_number;
  }
  // Decision 20: a null item-level value falls back to the config-level one.
  const imageUrl = it.image_url ?? it.config?.image_url ?? null;
  const photoId = it.photo_id ?? it.config?.photo_id ?? null;
  device.photo_url = imageUrl ??
    (photoId === null
      ? null
      : PHOTO_URL.replace("{id}", encodeURIComponent(String(photoId).toWellFormed())));
  const type = it.type?.label_single ?? it.config?.type?.label_single;
  if (typeof type === "string") device.type = type;
  if (typeof it.customerStatus?.label === "string") device.status = it.customerStatus.label;
  const fields = new Map((it.fields ?? []).map((f) => [f.base_name, f.value]));
  const macs = macsFrom([fields.get("mac_address"), fields.get("alt_mac_address")]);
  if (macs.length > 0) device.identifiers!.mac_addresses = macs;
  const udid = fields.get("UDID");
  if (typeof udid === "string" && udid !== "") device.identifiers!.udid = udid;
  const released = parseReleaseDate(fields.get("HW Release Date"));
  if (released !== null) device.hw_release_date = released;
  if (options.debug) device._raw = raw;
  return device;
}

/**
 * Parses bitFit's `M/D/YYYY` dates (as midnight UTC); anything else is `null`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(parseReleaseDate("10/22/2013")?.toISOString(), "2013-10-22T00:00:00.000Z");
 * ```
 */
export function parseReleaseDate(value: unknown): Date | null {
  if (typeof value !== "string") return null;
  const m = value.trim().match(/^(\d{1,2})\/(\d{1,2})\/(\d{4})$/);
  if (m === null) return null;
  const [month, day, year] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day ? date : null;
}

/** An asset whose answer is not the shape bitFit documents (a source error when it is the only one). */
class MalformedAssetError extends UpstreamError {
  override name = "MalformedAssetError";
}

/** The bitFit ownership source; see the module doc for its config. */
export default definePlugin(bitfitSchema, (config, ctx) => {
  const client = createHttpClient({
    name: "bitFit",
    baseUrl: config.BITFIT_BASE_URL,
    timeoutMs: ctx.timeoutMs,
    query: { api_token: config.BITFIT_API_TOKEN },
  });
  // Malformed assets, counted once per id for `connectivity` and the batch summary.
  const tally = skippedRecordsTally(ctx.log, ctx.name);

  async function userId(email: string, options: CallOptions): Promise<string> {
    const answer = Users.safeParse(
      await client.getJson("users", { ...options, query: { search: email } }),
    );
    if (!answer.success) throw new UpstreamError("bitFit: unexpected answer for a user search");
    const user = answer.data.items.find((u) => u.email === email);
    if (user === undefined) throw new NotFoundError(`bitFit: user ('${email}') not found`);
    return String(user.id);
  }

  async function asset(assetId: string, options: CallOptions): Promise<DeviceRecord> {
    const raw = await client.getJson(`assets/${encodeURIComponent(assetId)}`, options);
    const device = processAsset(raw, { debug: config.DEBUG });
    if (device !== null) return device;
    throw new MalformedAssetError(`bitFit: asset ${assetId} is malformed`);
  }

  async function ownedDevicesByEmail(email: string, options: CallOptions): Promise<DeviceRecord[]> {
    const owner = await userId(email, options);
    const answer = Assets.safeParse(
      await client.getJson(`users/${encodeURIComponent(owner)}/assets`, options),
    );
    if (!answer.success) throw new UpstreamError(`bitFit: unexpected asset list for user ${owner}`);
    const ids = answer.data.items.map((i) => String(i.id));
    const settled = await Promise.allSettled(ids.map((i) => asset(i, options)));
    options.signal.throwIfAborted();
    // An asset that vanished (404) is dropped; one that is malformed or whose request failed is
    // named as a gap of this lookup, unless none arrived (then it is the lookup's error).
    return keptItems(settled, ids, {
      malformed: (e) => e instanceof MalformedAssetError,
      tally,
      log: ctx.log,
      source: ctx.name,
      what: "an asset",
      report: options.reportGap,
    });
  }

  async function checkConnectivity(options: CallOptions): Promise<void> {
    try {
      await client.getJson("users", { ...options, query: { search: "stethoscope-connectivity" } });
    } catch (error: unknown) {
      options.signal.throwIfAborted();
      if (error instanceof AuthError) {
        throw new UpstreamError(
          "bitFit authentication failure; check BITFIT_API_TOKEN",
          error.status,
        );
      }
      throw connectionFailure("bitFit", error);
    }
  }

  return {
    name: ctx.name,
    timeoutMs: ctx.timeoutMs,
    skippedRecords: () => tally.counts(),
    ownedDevicesByEmail,
    checkConnectivity,
  };
}, { kinds: ["ownership"], summary: "bitFit asset ownership (seeds serial and MAC lookups)" });
