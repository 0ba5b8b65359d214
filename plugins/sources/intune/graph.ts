/**
 * A small Microsoft Graph client for app-only access: client-credentials tokens from the tenant's
 * token endpoint (`POST {login}/{tenant}/oauth2/v2.0/token`, scope
 * `https://graph.microsoft.com/.default`, per Microsoft identity platform docs
 * https://learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow), GETs
 * through `plugins/http.ts` (deadline, 5xx retries, body limit, typed errors), paging with
 * `@odata.nextLink`, and throttling with 429 + `Retry-After`
 * (https://learn.microsoft.com/graph/throttling).
 *
 * Why not `@azure/msal-node` and the Graph JS client: MSAL refuses an `http:` authority
 * ("authority_uri_insecure: Authority URIs must use https", see
 * AzureAD/microsoft-authentication-library-for-js issue #6631), so it cannot be pointed at the
 * loopback fake the tests use, and the client-credentials grant is one form POST; paging and
 * throttling are a loop. A `nextLink` is followed only when it stays under the configured Graph
 * base URL, so the bearer token is never sent elsewhere.
 *
 * @module
 */
import { cannotReach, hostPort } from "../../../lib/fetch_failure.ts";
import { UpstreamError } from "../../../engine/core/ports.ts";
import { AuthError, createHttpClient } from "../../http.ts";
import { sleep as abortableSleep } from "../../../lib/abort.ts";
import { type IssuedToken, renewingToken } from "../../renewing_token.ts";
import { withRetryAfter } from "../../retry_after.ts";
import { outbound, OutboundError, outboundRedactor } from "../../outbound.ts";

/** The scope of an app-only Graph token. */
export const GRAPH_SCOPE = "https://graph.microsoft.com/.default";
/** A cached token is renewed this long before it expires. */
const EARLY_REFRESH_MS = 5 * 60_000;
/** Limit for one token exchange, in ms (it serves every waiting caller, so no caller bounds it). */
const EXCHANGE_TIMEOUT_MS = 30_000;

/**
 * What to check for the Entra ID token errors an operator meets when configuring the source
 * (codes from https://learn.microsoft.com/entra/identity-platform/reference-error-codes).
 */
const ENTRA_HINTS: Record<string, string> = {
  "90002":
    "no such tenant: check INTUNE_TENANT_ID (the directory's ID or its .onmicrosoft.com domain)",
  "900023": "not a tenant ID or domain: check INTUNE_TENANT_ID",
  "700016": "no such application in this tenant: check INTUNE_CLIENT_ID and INTUNE_TENANT_ID",
  "7000215": "wrong client secret: check INTUNE_CLIENT_SECRET (its Value, not its Secret ID)",
  "7000222": "the client secret has expired: create a new one and set INTUNE_CLIENT_SECRET",
};

/**
 * The AADSTS code of an Entra ID error answer: `error_codes[0]`, else the `AADSTSnnn` that starts
 * `error_description`; `null` when neither is there.
 */
function entraCode(answer: Record<string, unknown> | null): string | null {
  const codes = answer?.error_codes;
  if (Array.isArray(codes) && Number.isInteger(codes[0])) return String(codes[0]);
  const text = typeof answer?.error_description === "string" ? answer.error_description : "";
  return /^AADSTS(\d{1,9})\b/.exec(text)?.[1] ?? null;
}

/** How the client is built. */
export interface GraphOptions {
  /** e.g. `https://graph.microsoft.com/v1.0` */
  graphUrl: string;
  /** e.g. `https://login.microsoftonline.com` */
  loginUrl: string;
  tenantId: string;
  clientId: string;
  clientSecret: string;
  /** Per request (one page), in ms; `null` leaves it to the caller's signal. */
  timeoutMs: number | null;
  now: () => Date;
  /** Waits (ms) after a 429; injectable so tests record waits instead of sleeping. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

/** A Graph client bound to one tenant and app registration. */
export interface GraphClient {
  /** GETs a path (relative to the Graph base URL) or a `nextLink`, as JSON. */
  get(pathOrLink: string, signal: AbortSignal, query?: Record<string, string>): Promise<unknown>;
  /** A valid access token (cached); throws `UpstreamError` in plain words on failure. */
  token(signal: AbortSignal): Promise<string>;
  /** Requests sent so far (token and Graph), for benchmarks and connectivity lines. */
  readonly requests: number;
}

/**
 * Creates a Graph client.
 *
 * @throws never at creation; token and request failures surface on first use
 */
export function createGraphClient(options: GraphOptions): GraphClient {
  const base = options.graphUrl.replace(/\/+$/, "");
  const wait = options.sleep ?? abortableSleep;
  const http = createHttpClient({
    name: "Intune",
    baseUrl: base,
    timeoutMs: options.timeoutMs,
    rateLimitRetries: 0, // withRetryAfter below honours 429
  });
  const tokenUrl = `${options.loginUrl.replace(/\/+$/, "")}/${
    encodeURIComponent(options.tenantId)
  }/oauth2/v2.0/token`;
  // One exchange shared by every caller that needs a token meanwhile, under its own deadline.
  const tokenAt = new URL(tokenUrl);
  const { token, forget } = renewingToken({
    exchange,
    earlyRefreshMs: EARLY_REFRESH_MS,
    // no caller waits longer than the plugin's deadline, so neither does the exchange
    exchangeTimeoutMs: Math.min(EXCHANGE_TIMEOUT_MS, options.timeoutMs ?? EXCHANGE_TIMEOUT_MS),
    endpoint: `Intune: ${hostPort(tokenAt)} (POST ${tokenAt.pathname})`,
    now: options.now,
  });
  let requests = 0;

  async function exchange(signal: AbortSignal): Promise<IssuedToken> {
    requests++;
    const body = new URLSearchParams({
      client_id: options.clientId,
      client_secret: options.clientSecret,
      scope: GRAPH_SCOPE,
      grant_type: "client_credentials",
    });
    const init: RequestInit = {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" },
      body,
    };
    const clean = outboundRedactor(init);
    let response: Response;
    try {
      response = await outbound("token", tokenUrl, init, {
        name: "Intune token endpoint",
        signal,
        allowHttp: true, // INTUNE_LOGIN_URL names it
      });
    } catch (error: unknown) {
      signal.throwIfAborted();
      if (error instanceof OutboundError && error.reason !== "unreachable") throw error;
      const why = error instanceof OutboundError ? error.cause ?? error : error;
      throw new UpstreamError(
        clean(`Intune: ${cannotReach(tokenAt, `POST ${tokenAt.pathname}`, why)}`),
      );
    }
    const answer = await response.json().catch((error: unknown) => {
      if (error instanceof OutboundError) throw error;
      return null;
    }) as Record<string, unknown> | null;
    if (!response.ok) {
      const code = typeof answer?.error === "string" ? `, ${clean(answer.error).slice(0, 80)}` : "";
      const aadsts = entraCode(answer);
      throw new AuthError(
        `Intune authentication failure: the token endpoint refused the client credentials ` +
          `(HTTP ${response.status}${code}${aadsts === null ? "" : `, AADSTS${aadsts}`}); ` +
          (ENTRA_HINTS[aadsts ?? ""] ??
            "check INTUNE_TENANT_ID, INTUNE_CLIENT_ID and INTUNE_CLIENT_SECRET"),
        response.status,
      );
    }
    const token = answer?.access_token;
    if (typeof token !== "string" || token === "") {
      throw new UpstreamError("Intune: the token endpoint answered without an access_token");
    }
    const seconds = Number(answer?.expires_in ?? 3599);
    const ttl = (Number.isFinite(seconds) ? seconds : 3599) * 1000;
    return { token, lifetimeMs: ttl };
  }

  function relative(pathOrLink: string): string {
    if (!/^https?:/i.test(pathOrLink)) return pathOrLink;
    if (!pathOrLink.startsWith(base + "/")) {
      throw new UpstreamError(
        `Intune: refused to follow a nextLink outside ${base} (the token is only sent there)`,
      );
    }
    return pathOrLink.slice(base.length);
  }

  async function get(
    pathOrLink: string,
    signal: AbortSignal,
    query?: Record<string, string>,
  ): Promise<unknown> {
    const path = relative(pathOrLink);
    let renewed = false;
    const once = async () => {
      const bearer = await token(signal);
      requests++;
      const answer = await http.request("GET", path, {
        signal,
        ...(query ? { query } : {}),
        headers: { Authorization: `Bearer ${bearer}` },
      });
      return answer.body;
    };
    const throttled = () => withRetryAfter(once, { name: "Intune", signal, sleep: wait });
    try {
      return await throttled();
    } catch (error: unknown) {
      if (!(error instanceof AuthError) || error.status !== 401 || renewed) throw error;
      renewed = true; // an expired or revoked token: fetch a new one once
      forget();
      return await throttled();
    }
  }

  return {
    get,
    token,
    get requests() {
      return requests;
    },
  };
}
