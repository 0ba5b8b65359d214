/**
 * Over 300 lines: one fake Graph + identity platform: Planet Express's managedDevice records, their
 * setting states and the token, paging and throttling handlers that serve them.
 *
 * A fake Microsoft Graph + Microsoft identity platform for the `intune` source, speaking the
 * documented protocol: client-credentials tokens at `POST /{tenant}/oauth2/v2.0/token`
 * (form body, `scope=https://graph.microsoft.com/.default`), `GET /v1.0/deviceManagement/
 * managedDevices` with `$filter` (`userPrincipalName eq '…'`, `serialNumber eq '…'`), `$select`,
 * `$top` and `@odata.nextLink` paging (`$skiptoken`), per-device
 * `/deviceCompliancePolicyStates`, and throttling with 429 + `Retry-After`. Device fields follow
 * Microsoft's `managedDevice` reference
 * (https://learn.microsoft.com/graph/api/resources/intune-devices-manageddevice) and its list
 * example's shape; the values are Planet Express's.
 *
 * @module
 */
import { type FakeServer, json, type LoggedRequest, startFake } from "./server.ts";
import { sleep } from "../../lib/abort.ts";

/** The tenant the fake's token endpoint answers for (`INTUNE_TENANT_ID`). */
export const INTUNE_TENANT = "planetexpress.onmicrosoft.com";
/** The app registration the fake accepts (`INTUNE_CLIENT_ID`). */
export const INTUNE_CLIENT_ID = "7c1b5b8e-0f5e-4a44-9a3c-1d2b3c4d5e6f";
/** Its client secret (`INTUNE_CLIENT_SECRET`); test-only, never a real credential. */
export const INTUNE_CLIENT_SECRET = "intune-secret~Fry3000";
/**
 * The `intune` plugin's settings that point at a running fake (its tenant, app, secret and URLs),
 * with `extra` settings over them, so every test and benchmark configures the source one way.
 *
 * @param fake where the fake listens (`graphUrl`, `loginUrl`)
 * @param extra more or replaced settings, e.g. `{ TIMEOUT: 5 }` or a wrong `INTUNE_CLIENT_SECRET`
 * @returns the plugin's section for `PLUGINS.intune`
 */
export function intuneSettings(
  fake: { graphUrl: string; loginUrl: string },
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    INTUNE_TENANT_ID: INTUNE_TENANT,
    INTUNE_CLIENT_ID,
    INTUNE_CLIENT_SECRET,
    GRAPH_URL: fake.graphUrl,
    LOGIN_URL: fake.loginUrl,
    ...extra,
  };
}
const ACCESS_TOKEN = "eyJ0eXAiOiJKV1QiLCJhbGciOiJub25lIn0.fake-intune-token";

/** A managed device as Graph sends it (the fields the fake knows). */
export type FakeManagedDevice = Record<string, unknown> & { id: string };

/** Fry's Windows laptop, his Mac (the same Mac as JAMF's `lgml-pfry`), his iPhone; Leela's phone. */
export function intuneDevices(): FakeManagedDevice[] {
  const base = {
    "@odata.type": "#microsoft.graph.managedDevice",
    managedDeviceOwnerType: "company",
    complianceState: "compliant",
    jailBroken: "Unknown",
    imei: null,
    meid: null,
  };
  return [
    {
      ...base,
      id: "1f0e1a62-5b0d-4d7a-9f2f-0a1b2c3d4e01",
      deviceName: "FRY-SURFACE",
      userPrincipalName: "fry@planetexpress.com",
      emailAddress: "fry@planetexpress.com",
      operatingSystem: "Windows",
      osVersion: "10.0.22631.4317",
      isEncrypted: true,
      complianceState: "noncompliant",
      lastSyncDateTime: "2026-11-25T08:15:00Z",
      serialNumber: "0F33ABC2114501",
      wiFiMacAddress: "6045BD0A1B2C",
      ethernetMacAddress: "",
      model: "Surface Laptop 5",
      manufacturer: "Microsoft Corporation",
    },
    {
      ...base,
      id: "1f0e1a62-5b0d-4d7a-9f2f-0a1b2c3d4e02",
      deviceName: "lgml-pfry",
      userPrincipalName: "fry@planetexpress.com",
      emailAddress: "fry@planetexpress.com",
      operatingSystem: "macOS",
      osVersion: "10.10.5 (14F27)",
      isEncrypted: true,
      lastSyncDateTime: "2016-02-27T09:00:00Z",
      serialNumber: "DECAFBAD00",
      wiFiMacAddress: "00DECAFBAD01",
      ethernetMacAddress: "00DECAFBAD00",
      model: "MacBookPro11,5",
      manufacturer: "Apple",
    },
    {
      ...base,
      id: "1f0e1a62-5b0d-4d7a-9f2f-0a1b2c3d4e03",
      deviceName: "Fry's iPhone",
      userPrincipalName: "fry@planetexpress.com",
      emailAddress: "fry@planetexpress.com",
      operatingSystem: "iOS",
      osVersion: "26.1",
      isEncrypted: true,
      jailBroken: "False",
      lastSyncDateTime: "2026-11-25T07:00:00Z",
      serialNumber: "F2LXK0Q1HG7F",
      wiFiMacAddress: "3C0754A1B2C3",
      ethernetMacAddress: null,
      model: "iPhone 16",
      manufacturer: "Apple",
      imei: "35 123456 789012 3",
    },
    {
      ...base,
      id: "1f0e1a62-5b0d-4d7a-9f2f-0a1b2c3d4e04",
      deviceName: "Leela's Pixel",
      userPrincipalName: "leela@planetexpress.com",
      emailAddress: "leela@planetexpress.com",
      operatingSystem: "Android",
      osVersion: "15",
      isEncrypted: true,
      jailBroken: "True",
      lastSyncDateTime: "2026-11-24T18:30:00Z",
      serialNumber: "3A281FDH2000AB",
      wiFiMacAddress: "F8A2D6112233",
      ethernetMacAddress: null,
      model: "Pixel 9",
      manufacturer: "Google",
    },
  ];
}

/** Setting states of Fry's Windows laptop: firewall on, password not required. */
export function intuneSettingStates(): Map<string, unknown[]> {
  return new Map([
    ["1f0e1a62-5b0d-4d7a-9f2f-0a1b2c3d4e01", [{
      id: "policy-win",
      displayName: "Windows 11 baseline",
      platformType: "windows10AndLater",
      state: "nonCompliant",
      settingStates: [
        { setting: "Windows10CompliancePolicy.activeFirewallRequired", state: "compliant" },
        { setting: "Windows10CompliancePolicy.passwordRequired", state: "nonCompliant" },
        { setting: "Windows10CompliancePolicy.bitLockerEnabled", state: "compliant" },
      ],
    }]],
    ["1f0e1a62-5b0d-4d7a-9f2f-0a1b2c3d4e02", [{
      id: "policy-mac",
      displayName: "macOS baseline",
      platformType: "macOS",
      state: "compliant",
      settingStates: [
        { setting: "MacOSCompliancePolicy.firewallEnabled", state: "compliant" },
        { setting: "MacOSCompliancePolicy.passwordRequired", state: "compliant" },
      ],
    }]],
  ]);
}

/** How the fake is started. */
export interface IntuneFakeOptions {
  devices?: FakeManagedDevice[];
  settingStates?: Map<string, unknown[]>;
  /** Largest page served, whatever `$top` asks (default 1000). */
  maxPage?: number;
  /** Delay before each Graph answer, in ms (benchmarks: 300). */
  latencyMs?: number;
}

/** A running fake. */
export interface IntuneFake extends FakeServer {
  /** `GRAPH_URL` for the source, e.g. `http://127.0.0.1:1234/v1.0`. */
  graphUrl: string;
  /** `LOGIN_URL` for the source. */
  loginUrl: string;
  devices: FakeManagedDevice[];
  /** Answers the next `n` Graph requests with 429 and this `Retry-After` (seconds, or none). */
  throttle(n: number, retryAfter?: string): void;
  /** Answers Graph requests after the first `pages` collection pages with 500 (listing halfway). */
  breakAfterPages(pages: number | null): void;
  /**
   * Ignores `$filter` and answers every device, as Graph does for filters it does not support
   * (microsoftgraph/microsoft-graph-explorer-v4#3125).
   */
  ignoreFilters(on: boolean): void;
  /**
   * Answers every collection page with a `@odata.nextLink` back to the same page — a paging loop
   * a broken or hostile upstream could send (hostile-upstream tests only; Graph never does).
   */
  loopNextLinks(on: boolean): void;
  /**
   * Adds `extra` to the `@odata.count` every collection page states (the fake states the
   * matching devices' number, as Intune does on managedDevices pages:
   * microsoft/Intune-PowerShell-SDK#78, msgraph-sdk-powershell#1819) — a walk that ends short.
   */
  overstateCount(extra: number): void;
  /** Serves the first page for every skip token, with a fresh nextLink each time. */
  ignoreSkipTokens(on: boolean): void;
  /**
   * Counts of Graph collection pages, per-device setting-state requests and tenant-wide
   * setting-state summary requests (`deviceCompliancePolicySettingStateSummaries` and their
   * `deviceComplianceSettingStates` pages) served.
   */
  counts: { tokens: number; pages: number; settingStates: number; summaries: number };
}

/**
 * An Entra ID token error: `error`, `error_description` starting `AADSTSnnn:` and `error_codes`
 * (shape of the v2.0 token endpoint's errors, per the client-credentials flow docs).
 */
function entraError(status: number, error: string, code: number, text: string): Response {
  return json({
    error,
    error_description: `AADSTS${code}: ${text} Trace ID: 0 Correlation ID: 0`,
    error_codes: [code],
  }, status);
}

const SUMMARY_RE =
  /^\/v1\.0\/deviceManagement\/deviceCompliancePolicySettingStateSummaries(?:\/([^/]+)\/deviceComplianceSettingStates)?$/;
const FILTER_RE = /^\s*(userPrincipalName|emailAddress|serialNumber)\s+eq\s+'((?:[^']|'')*)'\s*$/;

/**
 * Starts the fake Graph on 127.0.0.1, port 0.
 *
 * @example
 * ```ts
 * const fake = startIntuneFake();
 * // PLUGINS.intune: { GRAPH_URL: fake.graphUrl, LOGIN_URL: fake.loginUrl, ... }
 * ```
 */
export function startIntuneFake(options: IntuneFakeOptions = {}): IntuneFake {
  const devices = options.devices ?? intuneDevices();
  const states = options.settingStates ?? intuneSettingStates();
  const maxPage = options.maxPage ?? 1000;
  const counts = { tokens: 0, pages: 0, settingStates: 0, summaries: 0 };
  let throttled = 0;
  let retryAfter: string | undefined;
  let breakAfter: number | null = null;
  let ignoring = false;
  let looping = false;
  let overstated = 0;
  let firstOnly = false;
  let url = "";

  async function handle(req: LoggedRequest): Promise<Response> {
    const path = req.url.pathname;
    const tokenPath = /^\/([^/]+)\/oauth2\/v2\.0\/token$/.exec(path);
    if (req.method === "POST" && tokenPath && tokenPath[1] !== INTUNE_TENANT) {
      // Entra ID's answer for an unknown tenant (HTTP 400, AADSTS90002), as published in e.g.
      // microsoftarchive/BatchAI#31 and MicrosoftDocs/azure-docs#19593.
      return entraError(400, "invalid_request", 90002, `Tenant '${tokenPath[1]}' not found.`);
    }
    if (req.method === "POST" && path === `/${INTUNE_TENANT}/oauth2/v2.0/token`) {
      const form = new URLSearchParams(req.body);
      if (
        form.get("grant_type") !== "client_credentials" ||
        form.get("scope") !== "https://graph.microsoft.com/.default"
      ) {
        return json({ error: "invalid_request", error_description: "AADSTS900144" }, 400);
      }
      if (form.get("client_id") !== INTUNE_CLIENT_ID) {
        return entraError(400, "unauthorized_client", 700016, "Application not found.");
      }
      if (form.get("client_secret") !== INTUNE_CLIENT_SECRET) {
        return entraError(401, "invalid_client", 7000215, "Invalid client secret provided.");
      }
      counts.tokens++;
      return json({
        token_type: "Bearer",
        expires_in: 3599,
        ext_expires_in: 3599,
        access_token: ACCESS_TOKEN,
      });
    }
    if (!path.startsWith("/v1.0/")) return json({ error: { code: "BadRequest" } }, 400);
    if (req.headers.get("authorization") !== `Bearer ${ACCESS_TOKEN}`) {
      return json({
        error: { code: "InvalidAuthenticationToken", message: "Access token is empty." },
      }, 401);
    }
    if (throttled > 0) {
      throttled--;
      const headers: Record<string, string> = { "Content-Type": "application/json" };
      if (retryAfter !== undefined) headers["Retry-After"] = retryAfter;
      return new Response(JSON.stringify({ error: { code: "TooManyRequests" } }), {
        status: 429,
        headers,
      });
    }
    if (options.latencyMs) await sleep(options.latencyMs);
    const m = path.match(
      /^\/v1\.0\/deviceManagement\/managedDevices\/([^/]+)\/deviceCompliancePolicyStates$/,
    );
    if (m) {
      counts.settingStates++;
      const id = decodeURIComponent(m[1]!);
      if (!devices.some((d) => d.id === id)) {
        return json({ error: { code: "ResourceNotFound" } }, 404);
      }
      return json({ "@odata.context": "…", value: states.get(id) ?? [] });
    }
    const summary = SUMMARY_RE.exec(path);
    if (summary) {
      counts.summaries++;
      return summaryAnswer(summary[1], req);
    }
    if (path !== "/v1.0/deviceManagement/managedDevices") {
      return json({ error: { code: "ResourceNotFound" } }, 404);
    }
    if (breakAfter !== null && counts.pages >= breakAfter) {
      return json({ error: { code: "InternalServerError" } }, 500);
    }
    counts.pages++;
    const q = req.url.searchParams;
    let matching = devices;
    const filter = q.get("$filter");
    if (filter !== null && !ignoring) {
      const f = FILTER_RE.exec(filter);
      if (!f) return json({ error: { code: "BadRequest", message: "Invalid filter clause" } }, 400);
      const want = f[2]!.replaceAll("''", "'").toLowerCase();
      matching = devices.filter((d) => String(d[f[1]!] ?? "").toLowerCase() === want);
    }
    const top = Math.min(Number(q.get("$top") ?? 100) || 100, maxPage);
    const token = Number(atob(q.get("$skiptoken") ?? btoa("0")));
    const skip = firstOnly ? 0 : token;
    const select = q.get("$select")?.split(",");
    const slice = matching.slice(skip, skip + top).map((d) =>
      select ? Object.fromEntries(select.map((k) => [k, d[k] ?? null])) : d
    );
    const body: Record<string, unknown> = {
      "@odata.context": `${url}/v1.0/$metadata#deviceManagement/managedDevices`,
      "@odata.count": matching.length + overstated,
      value: slice,
    };
    if (token + top < matching.length) {
      const next = new URLSearchParams(q);
      next.set("$skiptoken", btoa(String(token + top)));
      body["@odata.nextLink"] = `${url}/v1.0/deviceManagement/managedDevices?${next}`;
    }
    if (looping) body["@odata.nextLink"] = `${url}${req.path}`;
    return json(body);
  }

  /**
   * The tenant's setting-state summaries, one per setting and platform found in the per-device
   * states, with their counts, and each one's device states (shapes: Graph v1.0
   * deviceCompliancePolicySettingStateSummary and deviceComplianceSettingState).
   */
  let built: { summary: Record<string, unknown>; states: unknown[] }[] | undefined;
  function summaries() {
    if (built !== undefined) return built;
    const byId = new Map(devices.map((d) => [d.id, d]));
    const bySetting = new Map<string, { summary: Record<string, unknown>; states: unknown[] }>();
    for (const [deviceId, policies] of states) {
      const device = byId.get(deviceId);
      for (const policy of policies as Record<string, unknown>[]) {
        for (const st of (policy.settingStates ?? []) as Record<string, string>[]) {
          let entry = bySetting.get(st.setting!);
          if (entry === undefined) {
            const id = `7474d6d5-d6d5-7474-d5d6-${String(bySetting.size).padStart(12, "0")}`;
            entry = {
              summary: {
                "@odata.type": "#microsoft.graph.deviceCompliancePolicySettingStateSummary",
                id,
                setting: st.setting,
                settingName: st.setting!.slice(st.setting!.indexOf(".") + 1),
                platformType: policy.platformType,
                unknownDeviceCount: 0,
                notApplicableDeviceCount: 0,
                compliantDeviceCount: 0,
                remediatedDeviceCount: 0,
                nonCompliantDeviceCount: 0,
                errorDeviceCount: 0,
                conflictDeviceCount: 0,
              },
              states: [],
            };
            bySetting.set(st.setting!, entry);
          }
          const count = `${st.state![0]!.toLowerCase()}${st.state!.slice(1)}DeviceCount`;
          if (typeof entry.summary[count] === "number") (entry.summary[count] as number)++;
          entry.states.push({
            "@odata.type": "#microsoft.graph.deviceComplianceSettingState",
            id: `${deviceId}_${entry.summary.id}`,
            setting: st.setting,
            settingName: entry.summary.settingName,
            deviceId,
            deviceName: device?.deviceName ?? null,
            userId: null,
            userEmail: device?.emailAddress ?? null,
            userName: null,
            userPrincipalName: device?.userPrincipalName ?? null,
            deviceModel: device?.model ?? null,
            state: st.state,
            complianceGracePeriodExpirationDateTime: "9999-12-31T23:59:59Z",
          });
        }
      }
    }
    return built = [...bySetting.values()];
  }

  function summaryAnswer(id: string | undefined, req: LoggedRequest): Response {
    const all = summaries();
    const list = id === undefined
      ? all.map((e) => e.summary)
      : all.find((e) => e.summary.id === decodeURIComponent(id))?.states;
    if (list === undefined) return json({ error: { code: "ResourceNotFound" } }, 404);
    const q = req.url.searchParams;
    const top = Math.min(Number(q.get("$top") ?? 1000) || 1000, maxPage);
    const token = Number(atob(q.get("$skiptoken") ?? btoa("0")));
    const skip = firstOnly ? 0 : token;
    const body: Record<string, unknown> = { value: list.slice(skip, skip + top) };
    if (skip + top < list.length) {
      const next = new URLSearchParams(q);
      next.set("$skiptoken", btoa(String(skip + top)));
      body["@odata.nextLink"] = `${url}${req.url.pathname}?${next}`;
    }
    return json(body);
  }

  const server = startFake(handle);
  url = server.url;
  return {
    ...server,
    graphUrl: `${server.url}/v1.0`,
    loginUrl: server.url,
    devices,
    counts,
    throttle(n, after) {
      throttled = n;
      retryAfter = after;
    },
    breakAfterPages(pages) {
      breakAfter = pages;
    },
    ignoreFilters(on) {
      ignoring = on;
    },
    overstateCount(extra) {
      overstated = extra;
    },
    ignoreSkipTokens(on) {
      firstOnly = on;
    },
    loopNextLinks(on) {
      looping = on;
    },
  };
}
