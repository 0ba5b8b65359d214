/**
 * Jamf Pro API device source (issue 16): Macs from `GET /api/v1/computers-inventory`, found by
 * the owner's whole email (`filter=userAndLocation.email=="…"`, RSQL), serial or MAC, with the
 * native posture fields the Jamf Pro API reports (FileVault, firewall, Gatekeeper, SIP, pending
 * software updates) and the Classic source's extension attributes; and the whole inventory as a
 * paged listing (`page`, `page-size`, `totalCount`) for the batch.
 *
 * A source of its own rather than a mode of `jamf`: it speaks another API (paths, sections,
 * camelCase fields, RSQL filters, paging) with its own parser, and it can list the inventory the
 * Classic API can only fetch computer by computer; what the two share — credentials and bearer
 * tokens (API client or account) — lives in `jamf_auth.ts`. The API client needs the
 * "Read Computers" privilege.
 *
 * Config: `JAMF_PRO_URL` (the server root, e.g. `https://example.jamfcloud.com`), one credential
 * pair (`JAMF_CLIENT_ID` + `JAMF_CLIENT_SECRET`, or `JAMF_API_USERNAME` + `JAMF_API_PASSWORD`),
 * optional `PAGE_SIZE` (1–2000, default 500), `SOFTWARE` (also read applications and services,
 * default false), `LISTING_CONCURRENCY` (pages the batch's listing asks at once once page 0 told
 * `totalCount`, 1–20, default 5: Jamf's published limit of concurrent connections),
 * `JAMF_TIMEOUT` / `TIMEOUT`, `DEBUG`.
 *
 * @module
 */
import { z } from "zod";
import { canonicalMac, isValidMac } from "../../../engine/identity/identifiers.ts";
import {
  type CallOptions,
  type ListedPage,
  type ListingSource,
  UpstreamError,
} from "../../../engine/core/ports.ts";
import type { DeviceRecord } from "../../../engine/core/types.ts";
import type { ReportGap } from "../../../engine/view/gaps.ts";
import { createHttpClient } from "../../http.ts";
import { sleep as abortableSleep } from "../../../lib/abort.ts";
import { errorMessage } from "../../../lib/error_message.ts";
import { definePlugin, type PluginContext, timeoutSeconds } from "../../plugin.ts";
import { withRetryAfter } from "../../retry_after.ts";
import { createJamfAuth, jamfRequest } from "../jamf_auth.ts";
import { skippedRecords, skippedRecordsTally } from "../skipped_records.ts";
import { pagingCount } from "../paging.ts";
import {
  jamfCredentialKeys,
  jamfCredentials,
  withJamfCredentialRules,
} from "../jamf_credentials.ts";
import { InventoryPageSchema, InventoryRecordSchema, processInventoryRecord } from "./parse.ts";
import { foldEmail } from "../../../engine/identity/emails.ts";

/**
 * Requests the batch's listing keeps open at once: "Limit your interactions with Jamf APIs to no
 * more than 5 concurrent connections" (Jamf, "Jamf Pro API Scalability Best Practices",
 * developer.jamf.com/jamf-pro/docs/jamf-pro-api-scalability-best-practices).
 */
export const JAMF_CONCURRENT_CONNECTIONS = 5;

/** `PLUGINS.jamf_pro` keys. */
export const jamfProSchema = withJamfCredentialRules(
  z.object({
    ...jamfCredentialKeys,
    JAMF_PRO_URL: z.url({ protocol: /^https?$/ }),
    PAGE_SIZE: z.number().int().min(1).max(2000).default(500),
    SOFTWARE: z.boolean().default(false),
    LISTING_CONCURRENCY: z.number().int().min(1).max(20).default(JAMF_CONCURRENT_CONNECTIONS),
    JAMF_TIMEOUT: timeoutSeconds,
    TIMEOUT: timeoutSeconds,
    DEBUG: z.boolean().default(false),
  }).strict(),
);

/** Validated `PLUGINS.jamf_pro` config. */
export type JamfProConfig = z.infer<typeof jamfProSchema>;

const INVENTORY = "/api/v1/computers-inventory";
/** The sections every request asks for (Jamf returns only the sections named). */
export const SECTIONS = [
  "GENERAL",
  "HARDWARE",
  "OPERATING_SYSTEM",
  "DISK_ENCRYPTION",
  "SECURITY",
  "USER_AND_LOCATION",
  "SOFTWARE_UPDATES",
  "EXTENSION_ATTRIBUTES",
] as const;

/** An RSQL string literal: double-quoted, `"` and `\` escaped. */
export function rsqlString(value: string): string {
  return `"${value.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

/** The Jamf Pro source: every lookup it offers is present. */
export interface JamfProSource extends ListingSource {
  devicesByEmail(email: string, options: CallOptions): Promise<DeviceRecord[]>;
  devicesBySerial(serial: string, options: CallOptions): Promise<DeviceRecord[]>;
  devicesByMac(mac: string, options: CallOptions): Promise<DeviceRecord[]>;
  checkConnectivity(options: CallOptions): Promise<void>;
}

/**
 * Builds the Jamf Pro source.
 *
 * @param config validated `PLUGINS.jamf_pro`
 * @param ctx the plugin context
 * @param overrides `sleep` for 429 waits (tests)
 */
export function createJamfProSource(
  config: JamfProConfig,
  ctx: PluginContext,
  overrides: { sleep?: (ms: number, signal: AbortSignal) => Promise<void> } = {},
): JamfProSource {
  const serverUrl = config.JAMF_PRO_URL.replace(/\/+$/, "");
  const http = createHttpClient({
    name: "Jamf Pro",
    baseUrl: serverUrl,
    timeoutMs: ctx.timeoutMs,
    rateLimitRetries: 0, // withRetryAfter in page() honours 429
  });
  const auth = createJamfAuth({
    serverUrl,
    credentials: jamfCredentials(config),
    timeoutMs: ctx.timeoutMs,
    now: ctx.now,
  });
  const sections = [...SECTIONS, ...(config.SOFTWARE ? ["APPLICATIONS", "SERVICES"] : [])];
  const tally = skippedRecordsTally(ctx.log, ctx.name);
  const skipped = skippedRecords(ctx.log, "jamf_pro: skipped a malformed computer", tally);

  async function page(
    index: number,
    size: number,
    filter: string | undefined,
    signal: AbortSignal,
    report: ReportGap | undefined,
  ): Promise<{ records: DeviceRecord[]; total: number; ids: string[] }> {
    const query = new URLSearchParams({
      page: String(index),
      "page-size": String(size),
    });
    for (const s of sections) query.append("section", s);
    query.set("sort", "id:asc");
    if (filter !== undefined) query.set("filter", filter);
    const answer = await withRetryAfter(
      () => jamfRequest(http, auth, { method: "GET", path: `${INVENTORY}?${query}`, signal }),
      { name: "Jamf Pro", signal, sleep: overrides.sleep ?? abortableSleep },
    );
    const parsed = InventoryPageSchema.safeParse(answer.body);
    if (!parsed.success) {
      throw new UpstreamError("Jamf Pro: unexpected computers-inventory answer (no results list)");
    }
    const records: DeviceRecord[] = [];
    const ids = parsed.data.results.map((raw) =>
      String((raw as { id?: unknown } | null)?.id ?? "?")
    );
    for (const raw of parsed.data.results) {
      const r = InventoryRecordSchema.safeParse(raw);
      if (!r.success) {
        skipped(raw, r.error.issues[0]?.message, report);
        continue;
      }
      records.push(
        processInventoryRecord(r.data, { source: ctx.name, ...(config.DEBUG ? { raw } : {}) }),
      );
    }
    return { records, total: parsed.data.totalCount, ids };
  }

  /**
   * The pages of one query, until the computers read reach `totalCount` or a page comes back
   * empty — whatever cap the server puts on `page-size` (Jamf-Concepts/jamf-cli#385: 2000;
   * shbedev/jamf-recovery-lock#1: 100 whatever was asked): a first page shorter than asked and
   * than `totalCount` sets the page size the next pages ask for. A listing that ends short of
   * `totalCount` is an `UpstreamError`, never a complete list. A page of computers that were all
   * on earlier pages means the server ignored `page`: it stops with an `UpstreamError` rather
   * than asking again until the deadline, or forever in a batch. Malformed computers count as
   * read (the raw results are counted, not the records kept); they are reported as skipped.
   *
   * With `parallel` > 1 (the batch's listing, `LISTING_CONCURRENCY`), once page 0 has told
   * `totalCount` the pages it announces are asked up to `parallel` at a time, each through the
   * same retry rules, and handed on in page order (at most `parallel` pages wait in memory); past
   * them the walk goes on one page at a time, as above. A page that fails ends the walk, naming
   * the page; the pages still being asked are cancelled.
   */
  async function* pages(
    filter: string | undefined,
    signal: AbortSignal,
    options: { report?: ReportGap; parallel?: number } = {},
  ) {
    const count = pagingCount();
    const parallel = options.parallel ?? 1;
    let size = config.PAGE_SIZE;
    const stop = new AbortController(); // cancels the pages asked ahead when the walk ends
    const asked = AbortSignal.any([signal, stop.signal]);
    const ahead = new Map<number, ReturnType<typeof page>>();
    let planned = 1; // pages 0…planned-1 hold the computers of totalCount
    let next = 1; // the next page to ask ahead
    const topUp = () => {
      while (next < planned && ahead.size < parallel) {
        const asking = page(next, size, filter, asked, options.report);
        asking.catch(() => {}); // awaited in its turn; never left unhandled
        ahead.set(next++, asking);
      }
    };
    const read = async (index: number) => {
      try {
        const p = await (ahead.get(index) ?? page(index, size, filter, asked, options.report));
        ahead.delete(index);
        topUp(); // at most `parallel` pages asked or waiting at any time
        return p;
      } catch (error: unknown) {
        if (parallel === 1 || signal.aborted) throw error;
        throw new UpstreamError(
          `Jamf Pro: computers-inventory page ${index} (of pages 0–${planned - 1}) failed: ` +
            errorMessage(error),
          error instanceof UpstreamError ? error.status : undefined,
        );
      }
    };
    try {
      for (let index = 0;; index++) {
        const p = await read(index);
        if (p.ids.length === 0) {
          if (count.read < p.total) throw shortOfTotal(count.read, p.total, index);
          return;
        }
        count.add(p.ids, () =>
          new UpstreamError(
            `Jamf Pro: page ${index} of computers-inventory repeated computers of earlier pages ` +
              `(the server ignored paging); stopped`,
          ));
        if (index === 0) {
          if (p.ids.length < size) size = p.ids.length; // the server's cap
          if (parallel > 1) planned = Math.ceil(p.total / size);
          topUp();
        }
        yield p;
        if (count.read >= p.total) return;
      }
    } finally {
      stop.abort();
    }
  }

  function shortOfTotal(read: number, total: number, index: number): UpstreamError {
    return new UpstreamError(
      `Jamf Pro: computers-inventory ended after ${read} of the ${total} computers its ` +
        `totalCount announced (page ${index} was empty); the listing is incomplete`,
    );
  }

  async function all(filter: string, options: CallOptions): Promise<DeviceRecord[]> {
    const out: DeviceRecord[] = [];
    const report = options.reportGap ? { report: options.reportGap } : {};
    for await (const p of pages(filter, options.signal, report)) out.push(...p.records);
    return out;
  }

  return {
    name: ctx.name,
    timeoutMs: ctx.timeoutMs,
    skippedRecords: () => tally.counts(),
    // Each answer is checked again here: a computer of someone else never reaches a person's
    // page, whatever the server made of the filter (the kind of fault of real-world case RW-05).
    async devicesByEmail(email, o) {
      const want = foldEmail(email);
      const found = await all(`userAndLocation.email==${rsqlString(email)}`, o);
      return found.filter((r) => r.email !== undefined && foldEmail(r.email) === want);
    },
    async devicesBySerial(serial, o) {
      if (serial.trim() === "") return [];
      const want = serial.toUpperCase();
      const found = await all(`hardware.serialNumber==${rsqlString(serial)}`, o);
      return found.filter((r) => r.serial?.toUpperCase() === want);
    },
    async devicesByMac(mac, o) {
      if (!isValidMac(mac)) return [];
      const canonical = canonicalMac(mac);
      const m = rsqlString(canonical);
      const found = await all(`hardware.macAddress==${m},hardware.altMacAddress==${m}`, o);
      return found.filter((r) => r.identifiers?.mac_addresses?.includes(canonical));
    },
    async *listDevices(options: CallOptions): AsyncGenerator<ListedPage> {
      const parallel = config.LISTING_CONCURRENCY;
      for await (const p of pages(undefined, options.signal, { parallel })) {
        yield { records: p.records, total: p.total };
      }
    },
    async checkConnectivity(options) {
      const query = "page=0&page-size=1&section=GENERAL";
      await jamfRequest(http, auth, {
        method: "GET",
        path: `${INVENTORY}?${query}`,
        signal: options.signal,
      });
    },
  };
}

/** The Jamf Pro API device and listing source; see the module doc for its config. */
export default definePlugin(jamfProSchema, (config, ctx) => createJamfProSource(config, ctx), {
  kinds: ["devices"],
  summary: "Jamf Pro API: Macs by owner email, serial and MAC, native posture; lists for batch",
});
