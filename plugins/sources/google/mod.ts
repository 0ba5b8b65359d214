/**
 * Google Workspace source (spec §3.2): mobile and ChromeOS devices from the Admin SDK Directory
 * API, the 2-Step Verification state from the Reports usage report, and login events from the
 * Reports activity log. Authenticates as a service account with domain-wide delegation.
 *
 * Registry: `google` — kinds `devices`, `accounts`, `events`; timeout key `TIMEOUT`.
 *
 * @module
 */
import { type Common, google } from "googleapis";
import { z } from "zod";
import { NotFoundError, UpstreamError } from "../../../engine/ports.ts";
import { retryAfterMs } from "../../retry_after.ts";
import type { AccessEvent, Account, DeviceRecord } from "../../../engine/types.ts";
import {
  definePlugin,
  type PluginContext,
  type PluginInstance,
  timeoutSeconds,
} from "../../plugin.ts";
import {
  MalformedDeviceError,
  ownedBy,
  parseUsageParameters,
  processChromeOsDevice,
  processLoginActivity,
  processMobileDevice,
  recentUserIs,
  type RecordOptions,
} from "./parse.ts";
import { activeUsers, DIRECTORY_USER_SCOPE, LIST_PAGE_SIZE, listGoogleDevices } from "./listing.ts";
import { createLatestDayFinder, notReadyWarning, ReportNotReadyError } from "./usage_lag.ts";
import { createTokenProvider, DEFAULT_TOKEN_URI, type TokenProvider } from "./token.ts";
import { errorMessage } from "../../../lib/error_message.ts";
import { sleep } from "../../../lib/abort.ts";

/** The largest answer read from the Admin SDK, in bytes. */
const MAX_ANSWER_BYTES = 4 * 1024 * 1024;
const CUSTOMER = "my_customer";
const DEVICE_PAGE_SIZE = 1000;
const EVENT_PAGE_SIZE = 500;
const MAX_EVENTS = 500;
const MAX_PAGES = 100;
const RETRIES = 3;
/** How far back the usage report is looked for when recent days are not available yet. */
const USAGE_MAX_LAG_DAYS = 7;
const NOT_YET_AVAILABLE_RE = /not yet available/i;
/** The longest `Retry-After` waited for, in ms. */
const MAX_RETRY_AFTER_MS = 60_000;
const DEVICE_KINDS = ["mobile devices", "ChromeOS devices"] as const;
const AUTH_HINT =
  "; check GOOGLE_API_SCOPES and the service account's domain-wide delegation for GOOGLE_API_USERNAME";

const secretsSchema = z.object({
  client_email: z.string().min(1),
  private_key: z.string().min(1),
  token_uri: z.url().optional(),
}).loose();

/** `PLUGINS.google`: the original's keys, plus `GOOGLE_API_ROOT_URL` for a proxy or a fake. */
export const schema = z.object({
  /** The service-account JSON (an object, or a string holding it, e.g. from `{"env": …}`). */
  GOOGLE_API_SECRETS: z.preprocess(parseJsonString, secretsSchema),
  /** The Workspace admin the service account acts for (domain-wide delegation `sub`). */
  GOOGLE_API_USERNAME: z.string().min(1),
  GOOGLE_API_SCOPES: z.array(z.string().min(1)).min(1),
  /** Replaces `https://admin.googleapis.com/` for every Admin SDK call. */
  GOOGLE_API_ROOT_URL: z.url().optional(),
  TIMEOUT: timeoutSeconds,
  DEBUG: z.boolean().default(false),
}).strict();

/** The validated `PLUGINS.google` section. */
export type GoogleConfig = z.infer<typeof schema>;

/** Test seams: the pause before retry `attempt` (1-based). */
export interface GoogleOptions {
  backoffMs?: (attempt: number) => number;
}

/** Pages of an Admin SDK list: the items and the token of the next page. */
interface Page {
  items: unknown[];
  next: string | undefined;
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
): Promise<PluginInstance> {
  const backoff = options.backoffMs ?? ((attempt: number) => 100 * 2 ** (attempt - 1));
  const secrets = config.GOOGLE_API_SECRETS;
  const tokens: TokenProvider = await createTokenProvider({
    clientEmail: secrets.client_email,
    privateKey: secrets.private_key,
    subject: config.GOOGLE_API_USERNAME,
    scopes: config.GOOGLE_API_SCOPES,
    tokenUri: secrets.token_uri ?? DEFAULT_TOKEN_URI,
    now: ctx.now,
    backoffMs: backoff,
  });
  const root = config.GOOGLE_API_ROOT_URL === undefined
    ? {}
    : { rootUrl: config.GOOGLE_API_ROOT_URL.replace(/\/*$/, "/") };
  const directory = google.admin({ version: "directory_v1", ...root });
  const reports = google.admin({ version: "reports_v1", ...root });
  const records: RecordOptions = { source: ctx.name, debug: config.DEBUG };
  const log = ctx.log.child({ plugin: ctx.name });

  /** Per-request options: bearer token, the caller's signal, retries on transport errors and 5xx. */
  async function requestOptions(signal: AbortSignal): Promise<Common.MethodOptions> {
    const token = await tokens.token(signal);
    return {
      headers: { authorization: `Bearer ${token}` },
      signal,
      // One person's devices or sign-ins fit in far less; a larger answer is refused while it
      // streams instead of being parsed whole (which would stall every other request).
      maxContentLength: MAX_ANSWER_BYTES,
      retry: true,
      retryConfig: {
        retry: RETRIES,
        noResponseRetries: RETRIES,
        httpMethodsToRetry: ["GET"],
        shouldRetry: (err) => {
          if (signal.aborted) return false;
          const attempt = err.config.retryConfig?.currentRetryAttempt ?? 0;
          const status = err.response?.status;
          return attempt < RETRIES && (status === undefined || status >= 500 || status === 429);
        },
        // A 429 waits as its Retry-After says (capped), anything else backs off (issue 16).
        retryBackoff: (err) => {
          const attempt = (err.config.retryConfig?.currentRetryAttempt ?? 0) + 1;
          const header = err.response?.headers?.get?.("retry-after") ?? null;
          const asked = err.response?.status === 429 ? retryAfterMs(header) : null;
          return sleep(Math.min(asked ?? backoff(attempt), MAX_RETRY_AFTER_MS), signal);
        },
      },
    };
  }

  /** A listing's page gets the plugin's deadline (the listing as a whole has none). */
  function pageSignal(listing: AbortSignal): AbortSignal {
    return ctx.timeoutMs === null
      ? listing
      : AbortSignal.any([listing, AbortSignal.timeout(ctx.timeoutMs)]);
  }

  /** Follows `nextPageToken` until the last page (or `cap` items). */
  async function allPages(
    what: string,
    signal: AbortSignal,
    fetchPage: (pageToken: string | undefined) => Promise<Page>,
    cap = Infinity,
  ): Promise<unknown[]> {
    const items: unknown[] = [];
    let token: string | undefined;
    for (let page = 0; page < MAX_PAGES && items.length < cap; page++) {
      let answer: Page;
      try {
        answer = await fetchPage(token);
      } catch (error: unknown) {
        throw upstreamError(error, what, signal);
      }
      items.push(...answer.items);
      if (!answer.next || answer.next === token) break;
      token = answer.next;
    }
    return items.slice(0, cap);
  }

  /** Processes each item; a malformed one is skipped and reported once per list. */
  function each<T>(what: string, raws: unknown[], process: (raw: unknown) => T): T[] {
    const out: T[] = [];
    const reasons = new Set<string>();
    for (const raw of raws) {
      try {
        out.push(process(raw));
      } catch (error: unknown) {
        if (!(error instanceof MalformedDeviceError)) throw error;
        reasons.add(error.message);
      }
    }
    if (reasons.size > 0) {
      log.warn(`skipped malformed Google ${what}`, {
        skipped: raws.length - out.length,
        reasons: [...reasons],
      });
    }
    return out;
  }

  async function mobileDevices(email: string, signal: AbortSignal): Promise<DeviceRecord[]> {
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
    return each("mobile devices", mine, (raw) => processMobileDevice(raw, records));
  }

  async function chromeOsDevices(email: string, signal: AbortSignal): Promise<DeviceRecord[]> {
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
    return each("ChromeOS devices", mine, (raw) => processChromeOsDevice(raw, records));
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

    async devicesByEmail(email, { signal }) {
      const halves = await Promise.allSettled([
        mobileDevices(email, signal).catch(emptyIfNotFound),
        chromeOsDevices(email, signal).catch(emptyIfNotFound),
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
      for (const { what, error } of failures) {
        log.warn(`Google ${what} lookup failed; returning the other devices only`, {
          error: errorMessage(error),
        });
      }
      return devices;
    },

    async accountByEmail(email, { signal }): Promise<Account | null> {
      const { report, date } = await latestUsageReport(email, signal);
      if (typeof report !== "object" || report === null) return null;
      const r = report as { date?: unknown; parameters?: unknown };
      const { values, skipped } = parseUsageParameters(r.parameters);
      if (skipped.length > 0) {
        log.warn("skipped Google usage parameters of unknown type", { parameters: skipped });
      }
      return {
        name: email,
        type: "google",
        source: ctx.name,
        user_usage: { ...values, date: typeof r.date === "string" ? r.date : date },
        last_updated: ctx.now(),
      };
    },

    async eventsByEmail(email, { signal }): Promise<AccessEvent[]> {
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
      return each("login activities", raws, (raw) => processLoginActivity(raw, records));
    },

    // Issue 16: the whole inventory, page by page, for the batch (see listing.ts).
    listDevices: ({ signal }) =>
      listGoogleDevices({
        async mobilePage(pageToken, listing) {
          const signal = pageSignal(listing);
          const res = await directory.mobiledevices.list({
            customerId: CUSTOMER,
            projection: "FULL",
            maxResults: LIST_PAGE_SIZE.mobile,
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
        onSkipped: (what, reasons) => log.warn(`skipped malformed Google ${what}`, { reasons }),
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
export default definePlugin(schema, (config, ctx) => createGoogleSource(config, ctx));

/** Maps a gaxios failure to plain words; never includes request headers (the bearer token). */
function upstreamError(error: unknown, what: string, signal: AbortSignal): unknown {
  if (signal.aborted) return signal.reason;
  if (error instanceof UpstreamError || error instanceof NotFoundError) return error;
  const status = statusOf(error);
  if (status === 404) return new NotFoundError(`Google ${what}: not found`);
  if (status !== undefined) {
    const detail = googleMessage(error);
    const hint = status === 401 || status === 403 ? AUTH_HINT : "";
    return new UpstreamError(
      `Google ${what} failed with HTTP ${status}${detail ? ` (${detail})` : ""}${hint}`,
      status,
    );
  }
  const code = (error as { code?: unknown } | null)?.code;
  return new UpstreamError(
    `Google ${what} unreachable (${typeof code === "string" ? code : errorMessage(error)})`,
  );
}

/**
 * The parsed body of an Admin SDK answer. gaxios hands over the raw text when the body is not JSON;
 * that is the upstream's failure, never "nothing found".
 *
 * @throws {UpstreamError} when the answer is not a JSON object
 */
function answerOf<T>(data: T, what: string): T {
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    throw new UpstreamError(`Google ${what} answered malformed JSON`);
  }
  return data;
}

function emptyIfNotFound(error: unknown): DeviceRecord[] {
  if (error instanceof NotFoundError) return [];
  throw error;
}

function statusOf(error: unknown): number | undefined {
  if (error instanceof UpstreamError) return error.status;
  const e = error as { status?: unknown; response?: { status?: unknown } } | null;
  const status = e?.response?.status ?? e?.status;
  return typeof status === "number" ? status : undefined;
}

/** Google's own error text from the JSON body (`error.message`), shortened. */
function googleMessage(error: unknown): string {
  const data = (error as { response?: { data?: unknown } } | null)?.response?.data;
  const text = (data as { error?: { message?: unknown } } | null)?.error?.message;
  return typeof text === "string" ? text.slice(0, 200) : "";
}

function parseJsonString(value: unknown): unknown {
  if (typeof value !== "string") return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}
