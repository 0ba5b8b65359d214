/**
 * Google Workspace source (spec §3.2): mobile and ChromeOS devices from the Admin SDK Directory
 * API, the 2-Step Verification state from the Reports usage report, and login events from the
 * Reports activity log. Authenticates as a service account with domain-wide delegation.
 *
 * Registry: `google` — kinds `devices`, `accounts`, `events`; timeout key `TIMEOUT`.
 *
 * @module
 */
import { google } from "googleapis";
import { type CallOptions, PartialAnswerError, UpstreamError } from "../../../engine/core/ports.ts";
import type { ReportGap } from "../../../engine/view/gaps.ts";
import type { AccessEvent, Account, DeviceRecord } from "../../../engine/core/types.ts";
import { definePlugin, type InstanceOf, type PluginContext } from "../../plugin.ts";
import {
  ownedBy,
  processChromeOsDevice,
  processMobileDevice,
  recentUserIs,
  type RecordOptions,
} from "./parse.ts";
import { parseUsageParameters, processLoginActivity } from "./parse_reports.ts";
import {
  activeUsers,
  deviceIdOf,
  DIRECTORY_USER_SCOPE,
  LIST_PAGE_SIZE,
  listGoogleDevices,
} from "./listing.ts";
import { SKIP_REASONS, skippedRecordsTally } from "../skipped_records.ts";
import { createLatestDayFinder, notReadyWarning, ReportNotReadyError } from "./usage_lag.ts";
import { createTokenProvider, DEFAULT_TOKEN_URI, type TokenProvider } from "./token.ts";
import { errorMessage } from "../../../lib/error_message.ts";
import { timeoutSignal } from "../../../lib/abort.ts";
import { type GoogleConfig, schema } from "./config.ts";

export { type GoogleConfig, schema } from "./config.ts";
import {
  allPages,
  answerOf,
  eachParsed,
  emptyIfNotFound,
  googleMessage,
  googleRequestOptions,
  statusOf,
  upstreamError,
} from "./requests.ts";

const CUSTOMER = "my_customer";
const DEVICE_PAGE_SIZE = 1000;
const EVENT_PAGE_SIZE = 500;
const MAX_EVENTS = 500;
/** The usage-report parameters Stethoscope reads, and what they are in the person's words. */
const USAGE_READ: ReadonlyMap<string, string> = new Map([
  ["accounts:is_2sv_enrolled", "2-Step Verification state"],
]);

/** How far back the usage report is looked for when recent days are not available yet. */
const USAGE_MAX_LAG_DAYS = 7;
const NOT_YET_AVAILABLE_RE = /not yet available/i;
const DEVICE_KINDS = ["mobile devices", "ChromeOS devices"] as const;

/** Test seams: the pause before retry `attempt` (1-based). */
export interface GoogleOptions {
  backoffMs?: (attempt: number) => number;
  /** The pause before retry `attempt` after a rate limit without `Retry-After`. */
  rateLimitBackoffMs?: (attempt: number) => number;
}

/**
 * Builds the Google source.
 *
 * @param config the validated `PLUGINS.google` section
 * @param ctx the plugin context (name, deadline, logger, clock)
 * @param options test seams
 * @returns a device, account and event source
 * @throws {TypeError} when the service-account private key cannot be read
 */
export async function createGoogleSource(
  config: GoogleConfig,
  ctx: PluginContext,
  options: GoogleOptions = {},
): Promise<InstanceOf<"devices" | "accounts" | "events">> {
  const backoff = options.backoffMs ?? ((attempt: number) => 100 * 2 ** (attempt - 1));
  const secrets = config.GOOGLE_API_SECRETS;
  const tokens: TokenProvider = await createTokenProvider({
    clientEmail: secrets.client_email,
    privateKey: secrets.private_key,
    subject: config.GOOGLE_API_USERNAME,
    scopes: config.GOOGLE_API_SCOPES,
    tokenUri: secrets.token_uri ?? DEFAULT_TOKEN_URI,
    now: ctx.now,
    backoffMs: backoff(1),
  });
  const root = config.GOOGLE_API_ROOT_URL === undefined
    ? {}
    : { rootUrl: config.GOOGLE_API_ROOT_URL.replace(/\/*$/, "/") };
  const directory = google.admin({ version: "directory_v1", ...root });
  const reports = google.admin({ version: "reports_v1", ...root });
  const records: RecordOptions = { source: ctx.name, debug: config.DEBUG };
  const log = ctx.log.child({ plugin: ctx.name });
  const requestOptions = googleRequestOptions(tokens, backoff, options.rateLimitBackoffMs);
  const tally = skippedRecordsTally(log, ctx.name);
  /** The records of a person's answer; a malformed one is counted and a gap of the lookup. */
  const each = <T>(
    what: string,
    raws: unknown[],
    process: (raw: unknown) => T,
    report: ReportGap | undefined,
  ): T[] =>
    eachParsed(log, what, raws, process, (raw, problem) => {
      tally.count("malformed", { id: deviceIdOf(raw), problem });
      report?.({ kind: "skipped", reason: "malformed", words: SKIP_REASONS.malformed });
    });

  /** A listing's page gets the plugin's deadline (the listing as a whole has none). */
  function pageSignal(listing: AbortSignal): AbortSignal {
    return ctx.timeoutMs === null
      ? listing
      : AbortSignal.any([listing, timeoutSignal(ctx.timeoutMs)]);
  }

  async function mobileDevices(
    email: string,
    { signal, reportGap }: CallOptions,
  ): Promise<DeviceRecord[]> {
    const raws = await allPages("mobile devices", signal, async (pageToken) => {
      const res = await directory.mobiledevices.list({
        customerId: CUSTOMER,
        query: `email:${email}`,
        projection: "FULL",
        maxResults: DEVICE_PAGE_SIZE,
        ...(pageToken === undefined ? {} : { pageToken }),
      }, await requestOptions(signal));
      const data = answerOf(res.data, "mobile devices");
      return { items: data.mobiledevices ?? [], next: data.nextPageToken ?? undefined };
    });
    const mine = raws.filter((raw) => ownedBy(raw, email));
    if (mine.length < raws.length) {
      log.info("dropped Google mobile devices of other owners", {
        dropped: raws.length - mine.length,
      });
    }
    return each("mobile devices", mine, (raw) => processMobileDevice(raw, records), reportGap);
  }

  async function chromeOsDevices(
    email: string,
    { signal, reportGap }: CallOptions,
  ): Promise<DeviceRecord[]> {
    const raws = await allPages("ChromeOS devices", signal, async (pageToken) => {
      const res = await directory.chromeosdevices.list({
        customerId: CUSTOMER,
        query: `recent_user:${email}`,
        projection: "FULL",
        maxResults: DEVICE_PAGE_SIZE,
        ...(pageToken === undefined ? {} : { pageToken }),
      }, await requestOptions(signal));
      const data = answerOf(res.data, "ChromeOS devices");
      return { items: data.chromeosdevices ?? [], next: data.nextPageToken ?? undefined };
    });
    const mine = raws.filter((raw) => recentUserIs(raw, email));
    return each(
      "ChromeOS devices",
      mine,
      (raw) => processChromeOsDevice(raw, records),
      reportGap,
    );
  }

  const latestDay = createLatestDayFinder({ now: ctx.now, maxLagDays: USAGE_MAX_LAG_DAYS });

  /** The person's latest usage report (see `usage_lag.ts` for the walk back over lagging days). */
  async function latestUsageReport(
    email: string,
    signal: AbortSignal,
  ): Promise<{ report: unknown; date: string }> {
    try {
      const { value, date } = await latestDay({
        fetchDay: async (date) => {
          const res = await reports.userUsageReport.get(
            { userKey: email, date },
            await requestOptions(signal),
          );
          const data = answerOf(res.data, "usage report");
          const warning = notReadyWarning(data);
          if (warning !== null) throw new ReportNotReadyError(warning);
          return data.usageReports?.[0];
        },
        notYetAvailable: (error) => {
          if (error instanceof ReportNotReadyError) return error.message;
          const detail = googleMessage(error);
          return statusOf(error) === 400 && NOT_YET_AVAILABLE_RE.test(detail) ? detail : null;
        },
      });
      return { report: value, date };
    } catch (error: unknown) {
      throw upstreamError(error, "usage report", signal);
    }
  }

  return {
    name: ctx.name,
    timeoutMs: ctx.timeoutMs,
    skippedRecords: () => tally.counts(),

    async devicesByEmail(email, options) {
      const { signal } = options;
      const halves = await Promise.allSettled([
        mobileDevices(email, options).catch(emptyIfNotFound),
        chromeOsDevices(email, options).catch(emptyIfNotFound),
      ]);
      const devices = halves.flatMap((h) => h.status === "fulfilled" ? h.value : []);
      const failures = halves.flatMap((h, i) =>
        h.status === "rejected" ? [{ what: DEVICE_KINDS[i], error: h.reason as unknown }] : []
      );
      if (failures.length === 0) return devices;
      if (signal.aborted) throw signal.reason;
      if (failures.length === halves.length) {
        throw new UpstreamError(
          failures.map((f) => errorMessage(f.error)).join("; "),
          statusOf(failures[0]?.error),
        );
      }
      // The devices found are shown, and the failure is this source's error beside them: never
      // a page that silently lacks the person's phone (RW3-07).
      const [first] = failures;
      throw new PartialAnswerError(
        failures.map((f) => errorMessage(f.error)).join("; ") +
          `; showing the ${
            DEVICE_KINDS.filter((_, i) => halves[i]!.status === "fulfilled")
              .join(" and ")
          } found`,
        devices,
        statusOf(first?.error),
      );
    },

    async accountByEmail(email, { signal, reportGap }): Promise<Account | null> {
      const { report, date } = await latestUsageReport(email, signal);
      if (typeof report !== "object" || report === null) return null;
      const r = report as { date?: unknown; parameters?: unknown };
      const { values, skipped } = parseUsageParameters(r.parameters);
      if (skipped.length > 0) {
        log.warn("skipped Google usage parameters of unknown type", { parameters: skipped });
        // A parameter Stethoscope reads, of a type it does not know, leaves the account read in
        // part (the others are not used, so nothing the person sees is missing).
        const unread = skipped.filter((name) => USAGE_READ.has(name));
        if (unread.length > 0) {
          reportGap?.({
            kind: "partial",
            reason: "unknown_parameter_type",
            words: `its ${unread.map((n) => USAGE_READ.get(n)).join(" and ")} ` +
              `${unread.length === 1 ? "is" : "are"} in a form we don't know`,
          });
        }
      }
      return {
        name: email,
        type: "google",
        source: ctx.name,
        user_usage: { ...values, date: typeof r.date === "string" ? r.date : date },
        last_updated: ctx.now(),
      };
    },

    async eventsByEmail(email, { signal, reportGap }): Promise<AccessEvent[]> {
      const raws = await allPages("login activities", signal, async (pageToken) => {
        const res = await reports.activities.list({
          userKey: email,
          applicationName: "login",
          maxResults: EVENT_PAGE_SIZE,
          ...(pageToken === undefined ? {} : { pageToken }),
        }, await requestOptions(signal));
        const data = answerOf(res.data, "login activities");
        return { items: data.items ?? [], next: data.nextPageToken ?? undefined };
      }, MAX_EVENTS);
      return each(
        "login activities",
        raws,
        (raw) => processLoginActivity(raw, records),
        reportGap,
      );
    },

    // Issue 16: the whole inventory, page by page, for the batch (see listing.ts).
    listDevices: ({ signal }) =>
      listGoogleDevices({
        async mobilePage(pageToken, listing, order) {
          const signal = pageSignal(listing);
          const res = await directory.mobiledevices.list({
            customerId: CUSTOMER,
            projection: "FULL",
            maxResults: LIST_PAGE_SIZE.mobile,
            orderBy: "deviceId",
            sortOrder: order,
            ...(pageToken === undefined ? {} : { pageToken }),
          }, await requestOptions(signal)).catch((e) => {
            throw upstreamError(e, "mobile devices listing", signal);
          });
          const data = answerOf(res.data, "mobile devices listing");
          return { items: data.mobiledevices ?? [], next: data.nextPageToken ?? undefined };
        },
        async chromeOsPage(pageToken, listing) {
          const signal = pageSignal(listing);
          const res = await directory.chromeosdevices.list({
            customerId: CUSTOMER,
            projection: "FULL",
            maxResults: LIST_PAGE_SIZE.chromeos,
            ...(pageToken === undefined ? {} : { pageToken }),
          }, await requestOptions(signal)).catch((e) => {
            throw upstreamError(e, "ChromeOS devices listing", signal);
          });
          const data = answerOf(res.data, "ChromeOS devices listing");
          return { items: data.chromeosdevices ?? [], next: data.nextPageToken ?? undefined };
        },
        processMobile: (raw) => processMobileDevice(raw, records),
        processChromeOs: (raw) => processChromeOsDevice(raw, records),
        onSkipped: (what, skipped) => {
          log.warn(`skipped malformed Google ${what}`, {
            reasons: [...new Set(skipped.map((s) => s.problem))],
          });
          for (const s of skipped) tally.count("malformed", s);
        },
        onNoOwner: (what, id) => tally.skip("noOwner", { id, problem: `${what}: no owner` }),
      }, signal),

    // Issue 16: the user directory as the batch's people, when its scope is granted.
    ...(config.GOOGLE_API_SCOPES.includes(DIRECTORY_USER_SCOPE)
      ? {
        async *listPeople({ signal }: { signal: AbortSignal }) {
          let pageToken: string | undefined;
          do {
            const res = await directory.users.list({
              customer: CUSTOMER,
              maxResults: 500,
              ...(pageToken === undefined ? {} : { pageToken }),
            }, await requestOptions(pageSignal(signal))).catch((e) => {
              throw upstreamError(e, "user directory", signal);
            });
            const data = answerOf(res.data, "user directory");
            yield activeUsers(data.users ?? []);
            pageToken = data.nextPageToken === pageToken
              ? undefined
              : data.nextPageToken ?? undefined;
          } while (pageToken);
        },
      }
      : {}),

    async checkConnectivity({ signal }) {
      try {
        await directory.mobiledevices.list(
          { customerId: CUSTOMER, maxResults: 1 },
          await requestOptions(signal),
        );
      } catch (error: unknown) {
        throw upstreamError(error, "connectivity check", signal);
      }
      return `service account ${secrets.client_email} acting for ${config.GOOGLE_API_USERNAME}`;
    },
  };
}

/** The Google Workspace plugin. */
export default definePlugin(schema, (config, ctx) => createGoogleSource(config, ctx), {
  kinds: ["devices", "accounts", "events"],
  summary: "Google Workspace: mobile and ChromeOS devices, 2-Step Verification, sign-ins",
});
