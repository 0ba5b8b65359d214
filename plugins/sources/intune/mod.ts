/**
 * Microsoft Intune device source (issue 16): a person's managed devices from Microsoft Graph,
 * with app-only (client-credentials) authentication, and the whole inventory as a paged listing
 * for the batch.
 *
 * Lookups use the managed-devices collection with a filter —
 * `GET /deviceManagement/managedDevices?$filter=userPrincipalName eq '…'` (and
 * `serialNumber eq '…'`) — rather than `/users/{upn}/managedDevices`: the listing, the owner and
 * the serial lookups then share one endpoint, one parser and one permission
 * (`DeviceManagementManagedDevices.Read.All`), and an address that is not a user's UPN answers an
 * empty list instead of a 404 on the user. Firewall and screen lock come from the devices'
 * compliance-policy setting states. A person's lookup reads them per device
 * (`/managedDevices/{id}/deviceCompliancePolicyStates`: a person has a few). The batch, with the
 * default `SETTING_STATES: "tenant"`, reads them for the whole tenant once per run from the
 * setting-state summaries (`setting_states.ts`: a request per page of each firewall or password
 * setting, a few hundred for 100,000 devices); `"per-device"` keeps the per-device reads in the
 * batch too (one Graph request per managed device: 100,000 at that size, against Graph's
 * throttling), and `false` reads none (firewall and screen lock then unreported by Intune).
 *
 * Config: `INTUNE_TENANT_ID`, `INTUNE_CLIENT_ID`, `INTUNE_CLIENT_SECRET`, optional `GRAPH_URL`
 * (default `https://graph.microsoft.com/v1.0`), `LOGIN_URL` (default
 * `https://login.microsoftonline.com`), `PAGE_SIZE` (1–1000, default 1000), `SETTING_STATES`
 * (`"tenant"`, the default, `"per-device"` or `false`; `true` means `"tenant"`), `TIMEOUT`, `DEBUG`.
 *
 * @module
 */
import { z } from "zod";
import { isValidEmail } from "../../../engine/identity/identifiers.ts";
import type { ReportGap } from "../../../engine/view/gaps.ts";
import {
  type CallOptions,
  type ListedPage,
  type ListingSource,
  NotFoundError,
  UpstreamError,
} from "../../../engine/core/ports.ts";
import type { DeviceRecord } from "../../../engine/core/types.ts";
import { AuthError } from "../../http.ts";
import { definePlugin, type PluginContext, timeoutSeconds } from "../../plugin.ts";
import { createGraphClient, type GraphClient, type GraphOptions } from "./graph.ts";
import { skippedRecords, skippedRecordsTally } from "../skipped_records.ts";
import { pagingCount } from "../paging.ts";
import {
  GraphPageSchema,
  ManagedDeviceSchema,
  processManagedDevice,
  settingPractices,
  SettingStatesSchema,
} from "./parse.ts";
import { foldEmail } from "../../../engine/identity/emails.ts";
import { readTenantSettingStates, type TenantSettingStates } from "./setting_states.ts";

/** `PLUGINS.intune` keys. */
export const intuneSchema = z.object({
  INTUNE_TENANT_ID: z.string().min(1),
  INTUNE_CLIENT_ID: z.string().min(1),
  INTUNE_CLIENT_SECRET: z.string().min(1),
  GRAPH_URL: z.url({ protocol: /^https?$/ }).default("https://graph.microsoft.com/v1.0"),
  LOGIN_URL: z.url({ protocol: /^https?$/ }).default("https://login.microsoftonline.com"),
  PAGE_SIZE: z.number().int().min(1).max(1000).default(1000),
  SETTING_STATES: z.union([z.boolean(), z.enum(["tenant", "per-device"])]).default("tenant")
    .transform((v) => v === true ? "tenant" as const : v),
  TIMEOUT: timeoutSeconds,
  DEBUG: z.boolean().default(false),
}).strict();

/** Validated `PLUGINS.intune` config. */
export type IntuneConfig = z.infer<typeof intuneSchema>;

const COLLECTION = "/deviceManagement/managedDevices";
/** The `managedDevice` properties Stethoscope reads (`$select`). */
export const SELECT = [
  "id",
  "deviceName",
  "userPrincipalName",
  "emailAddress",
  "operatingSystem",
  "osVersion",
  "isEncrypted",
  "jailBroken",
  "complianceState",
  "lastSyncDateTime",
  "serialNumber",
  "wiFiMacAddress",
  "ethernetMacAddress",
  "model",
  "manufacturer",
  "imei",
  "meid",
  "managedDeviceOwnerType",
].join(",");

/** An OData string literal: single quotes doubled. */
function literal(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** One page of managed devices as read (see `records` in {@link createIntuneSource}). */
interface GraphPage {
  records: DeviceRecord[];
  next: string | undefined;
  /** `@odata.count`: how many devices the whole collection (or filter) holds, when stated. */
  count: number | undefined;
  /** The `id` of every entry of `value`, malformed ones too (`"?"` without one). */
  rawIds: string[];
}

/** Where a malformed device of a lookup is reported, given its id (`undefined`: already was). */
type SkipReport = (id: string) => ReportGap | undefined;

/** A raw device's `id` as text (`"?"` without one). */
function rawId(raw: unknown): string {
  return String((raw as { id?: unknown } | null)?.id ?? "?");
}

/** The Intune source: every lookup it offers is present, plus its Graph client (tests). */
export interface IntuneSource extends ListingSource {
  devicesByEmail(email: string, options: CallOptions): Promise<DeviceRecord[]>;
  devicesBySerial(serial: string, options: CallOptions): Promise<DeviceRecord[]>;
  completeListed(
    records: DeviceRecord[],
    options: CallOptions,
    keys?: readonly (string | undefined)[],
  ): Promise<DeviceRecord[]>;
  checkConnectivity(options: CallOptions): Promise<void>;
  readonly graph: GraphClient;
}

/**
 * Builds the Intune source over a Graph client (exported so tests can inject waits).
 *
 * @param config validated `PLUGINS.intune`
 * @param ctx the plugin context
 * @param overrides replaces parts of the Graph client's options (tests)
 */
export function createIntuneSource(
  config: IntuneConfig,
  ctx: PluginContext,
  overrides: Partial<GraphOptions> = {},
): IntuneSource {
  const graph: GraphClient = createGraphClient({
    graphUrl: config.GRAPH_URL,
    loginUrl: config.LOGIN_URL,
    tenantId: config.INTUNE_TENANT_ID,
    clientId: config.INTUNE_CLIENT_ID,
    clientSecret: config.INTUNE_CLIENT_SECRET,
    timeoutMs: ctx.timeoutMs,
    now: ctx.now,
    ...overrides,
  });
  /** Graph ids of the records this source built (records carry no upstream id of their own). */
  const ids = new WeakMap<DeviceRecord, string>();
  /** `emailAddress` of each record whose mail address differs from its UPN. */
  const mails = new WeakMap<DeviceRecord, string>();
  const tally = skippedRecordsTally(ctx.log, ctx.name);
  const skipped = skippedRecords(ctx.log, "intune: skipped a malformed managed device", tally);
  let filterIgnoredReported = false;

  /** One page: its records, next link, stated `@odata.count` and the ids of every raw entry. */
  function records(page: unknown, report?: SkipReport): GraphPage {
    const parsed = GraphPageSchema.safeParse(page);
    if (!parsed.success) throw new UpstreamError("Intune: unexpected answer (no value list)");
    const out: DeviceRecord[] = [];
    for (const raw of parsed.data.value) {
      const device = ManagedDeviceSchema.safeParse(raw);
      if (!device.success) {
        skipped(raw, device.error.issues[0]?.message, report?.(rawId(raw)));
        continue;
      }
      const record = processManagedDevice(device.data, {
        source: ctx.name,
        debug: config.DEBUG,
        raw,
      });
      ids.set(record, device.data.id);
      const mail = device.data.emailAddress?.trim();
      if (mail && (record.email === undefined || foldEmail(mail) !== foldEmail(record.email))) {
        mails.set(record, mail);
      }
      out.push(record);
    }
    return {
      records: out,
      next: parsed.data["@odata.nextLink"],
      count: parsed.data["@odata.count"],
      rawIds: parsed.data.value.map(rawId),
    };
  }

  /**
   * The collection's pages, following `@odata.nextLink` until there is none. Each page is checked
   * as Jamf Pro's `totalCount` is (`jamf_pro/mod.ts`), so a walk that Graph cut short is an
   * error of the source, never a complete list:
   * - a nextLink already followed in this walk is a paging loop (a broken or hostile upstream);
   * - a page whose devices all came on earlier pages means Graph ignored the skip token;
   * - the last page leaving the walk short of the `@odata.count` Graph stated (Intune sends it on
   *   managedDevices pages: microsoft/Intune-PowerShell-SDK#78, msgraph-sdk-powershell#1819;
   *   without options Graph "may not output all device information",
   *   microsoftgraph/microsoft-graph-docs#21659).
   * Each stops the walk with an `UpstreamError` instead of asking again until the deadline — or
   * forever in a batch. Malformed devices count as read (reported as skipped).
   */
  async function* walk(
    query: Record<string, string>,
    signal: AbortSignal,
    report?: SkipReport,
  ): AsyncGenerator<{ records: DeviceRecord[]; count: number | undefined }> {
    const followed = new Set<string>();
    const count = pagingCount();
    let stated: number | undefined;
    let page = records(await graph.get(COLLECTION, signal, query), report);
    for (let index = 1;; index++) {
      count.add(page.rawIds, () =>
        new UpstreamError(
          `Intune: Graph's page ${index} of managed devices repeated devices of earlier pages ` +
            `(it ignored the skip token); stopped`,
        ));
      stated = page.count ?? stated; // the latest statement: devices come and go during a walk
      yield { records: page.records, count: stated };
      if (page.next === undefined) break;
      if (followed.has(page.next)) {
        throw new UpstreamError(
          `Intune: Graph sent an @odata.nextLink already followed after ${followed.size + 1} ` +
            `pages (a paging loop); stopped`,
        );
      }
      followed.add(page.next);
      page = records(await graph.get(page.next, signal), report);
    }
    if (stated !== undefined && count.read < stated) {
      throw new UpstreamError(
        `Intune: Graph's managed devices ended after ${count.read} of the ${stated} its ` +
          `@odata.count stated (the last page had no @odata.nextLink); the list is incomplete`,
      );
    }
  }

  /**
   * One person's lookup (one or more filters): the records of the filter's walk. A malformed
   * device is a gap of the lookup once, however many of its filters found it (`skippedIds`).
   */
  async function all(
    filter: string,
    options: CallOptions,
    skippedIds = new Set<string>(),
  ): Promise<DeviceRecord[]> {
    const report = options.reportGap;
    const once: SkipReport | undefined = report && ((id) => {
      if (id !== "?" && skippedIds.has(id)) return undefined;
      skippedIds.add(id);
      return report;
    });
    const out: DeviceRecord[] = [];
    const query = { $filter: filter, $select: SELECT, $top: String(config.PAGE_SIZE) };
    const maxPages = ctx.lookupMaxPages ?? 20;
    let pages = 0;
    for await (const page of walk(query, options.signal, once)) {
      // One person's devices fit in a page or two: a Graph that keeps paging is stopped.
      if (++pages > maxPages) {
        throw new UpstreamError(
          `Intune: one person's lookup went on past ${maxPages} pages ` +
            `(BUDGETS.LOOKUP_MAX_PAGES); stopped`,
        );
      }
      out.push(...page.records);
    }
    return out;
  }

  /**
   * Graph ignores a `$filter` it does not support on managed devices and answers the whole
   * inventory instead (microsoftgraph/microsoft-graph-explorer-v4#3125,
   * microsoftgraph/microsoft-graph-docs-contrib#1391): the answer is filtered again here, so an
   * ignored filter never shows one person another's devices. Says so once in the log.
   */
  function matching(found: DeviceRecord[], keep: (r: DeviceRecord) => boolean): DeviceRecord[] {
    const kept = found.filter(keep);
    if (kept.length < found.length && !filterIgnoredReported) {
      filterIgnoredReported = true;
      ctx.log.warn("intune: Graph answered devices outside the $filter; they were dropped", {
        answered: found.length,
        kept: kept.length,
      });
    }
    return kept;
  }

  /** The tenant's setting states of this run's listing, read once on first use. */
  let tenantStates: Promise<TenantSettingStates> | undefined;

  function withStates(
    record: DeviceRecord,
    states: Parameters<typeof settingPractices>[0],
  ): DeviceRecord {
    const stated = settingPractices(states);
    for (const p of Object.values(stated)) p.last_updated = record.last_sync ?? null;
    return { ...record, practices: { ...record.practices, ...stated } };
  }

  async function completeListed(
    list: DeviceRecord[],
    options: CallOptions,
    keys: readonly (string | undefined)[] = [],
  ): Promise<DeviceRecord[]> {
    // a listed record comes back revived from text: its Graph id is its key
    list.forEach((record, i) => {
      const key = keys[i];
      if (key !== undefined) ids.set(record, key);
    });
    if (config.SETTING_STATES !== "tenant") return await complete(list, options);
    tenantStates ??= readTenantSettingStates(graph, {
      pageSize: config.PAGE_SIZE,
      // the whole run's read, not the first person's: bounded by each request's TIMEOUT
      signal: new AbortController().signal,
    }).then(({ states, counts }) => {
      ctx.log.info("intune: compliance setting states read for the tenant", { ...counts });
      return states;
    });
    const states = await tenantStates;
    return list.map((record) => {
      const id = ids.get(record);
      return id === undefined ? record : withStates(record, states.get(id) ?? []);
    });
  }

  async function complete(list: DeviceRecord[], options: CallOptions): Promise<DeviceRecord[]> {
    if (config.SETTING_STATES === false) return [...list];
    return await Promise.all(list.map(async (record) => {
      const id = ids.get(record);
      if (id === undefined) return record;
      let answer: unknown;
      try {
        answer = await graph.get(
          `${COLLECTION}/${encodeURIComponent(id)}/deviceCompliancePolicyStates`,
          options.signal,
        );
      } catch (error: unknown) {
        if (error instanceof NotFoundError) return record; // retired since it was listed
        throw error;
      }
      const parsed = SettingStatesSchema.safeParse(answer);
      if (!parsed.success) {
        throw new UpstreamError(`Intune: unexpected compliance policy states for device ${id}`);
      }
      return withStates(record, parsed.data.value.flatMap((p) => p.settingStates ?? []));
    }));
  }

  /** A copy of a record owned by `email` (its mail address), keeping what the source knows of it. */
  function withOwner(record: DeviceRecord, email: string): DeviceRecord {
    const copy = { ...record, email };
    const id = ids.get(record);
    if (id !== undefined) ids.set(copy, id);
    return copy;
  }

  async function* listDevices(options: CallOptions): AsyncGenerator<ListedPage> {
    tenantStates = undefined; // a new run reads the tenant's states again
    const query = { $select: SELECT, $top: String(config.PAGE_SIZE) };
    for await (const { records: page, count } of walk(query, options.signal)) {
      // A device is found by its UPN and by its mail address, as the lookups find it.
      const owners = page.map((r) => [r.email, mails.get(r)].filter((e): e is string => !!e));
      const keys = page.map((record) => ids.get(record));
      yield { records: page, keys, owners, ...(count === undefined ? {} : { total: count }) };
    }
  }

  return {
    name: ctx.name,
    timeoutMs: ctx.timeoutMs,
    skippedRecords: () => tally.counts(),
    graph,
    async devicesByEmail(email: string, options: CallOptions): Promise<DeviceRecord[]> {
      if (!isValidEmail(email)) throw new RangeError(`Intune: "${email}" is not an email address`);
      // Graph's userPrincipalName is the enrolling user; the person's mail address can differ
      // (microsoft-graph-docs-contrib#2382; mondoohq/mql#5673): look both up, one device once.
      const skippedIds = new Set<string>();
      const byUpn = await all(`userPrincipalName eq ${literal(email)}`, options, skippedIds);
      const byMail = await all(`emailAddress eq ${literal(email)}`, options, skippedIds);
      const want = foldEmail(email);
      const seen = new Set<string>();
      const found = [...byUpn, ...byMail].filter((r) => {
        const id = ids.get(r);
        if (id === undefined) return true;
        if (seen.has(id)) return false;
        seen.add(id);
        return true;
      });
      const owns = (r: DeviceRecord) =>
        (r.email !== undefined && foldEmail(r.email) === want) ||
        foldEmail(mails.get(r) ?? "") === want;
      // The ownership guard stays: a device kept by its mail address names the person as owner.
      const mine = matching(found, owns).map((r) =>
        r.email !== undefined && foldEmail(r.email) === want ? r : withOwner(r, email)
      );
      return await complete(mine, options);
    },
    async devicesBySerial(serial: string, options: CallOptions): Promise<DeviceRecord[]> {
      if (serial.trim() === "") return [];
      const found = await all(`serialNumber eq ${literal(serial)}`, options);
      const want = serial.toUpperCase();
      return await complete(matching(found, (r) => r.serial?.toUpperCase() === want), options);
    },
    listDevices,
    completeListed,
    checkConnectivity: (options: CallOptions) => checkIntune(graph, options),
  };
}

async function checkIntune(graph: GraphClient, options: CallOptions): Promise<void> {
  try {
    await graph.get(COLLECTION, options.signal, { $top: "1", $select: "id" });
  } catch (error: unknown) {
    options.signal.throwIfAborted();
    if (error instanceof AuthError && error.status === 403) {
      throw new UpstreamError(
        "Intune: Graph refused to list managed devices (HTTP 403); grant the app registration " +
          "the DeviceManagementManagedDevices.Read.All application permission with admin consent",
        403,
      );
    }
    throw error;
  }
}

/** The Intune device and listing source; see the module doc for its config. */
export default definePlugin(intuneSchema, (config, ctx) => createIntuneSource(config, ctx), {
  kinds: ["devices"],
  summary: "Microsoft Intune (Graph): managed devices by owner and serial; lists for batch",
});
