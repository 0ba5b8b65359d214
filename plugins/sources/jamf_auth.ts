/**
 * Jamf Pro authentication shared by the JAMF sources (Classic API `jamf`, Jamf Pro API
 * `jamf_pro`): bearer tokens, renewed before expiry and once after a 401, and requests made with
 * them. Changes when the token exchange changes; the config keys are `jamf_credentials.ts`, the
 * messages for what the server refused `jamf_refusals.ts`.
 *
 * Two kinds of credentials, exactly one per plugin:
 * - a Jamf Pro account: `JAMF_API_USERNAME` + `JAMF_API_PASSWORD`, exchanged for a bearer token at
 *   `POST /api/v1/auth/token` (HTTP Basic; answer `{token, expires}`, Jamf Pro 10.35+);
 * - an API client: `JAMF_CLIENT_ID` + `JAMF_CLIENT_SECRET`, exchanged at `POST /api/oauth/token`
 *   (form body, `grant_type=client_credentials`; answer `{access_token, expires_in}` in seconds,
 *   Jamf Pro 10.49+).
 *
 * Source: Jamf developer docs "Classic API authentication changes" and "Client credentials", as
 * quoted in jamf/Jamf-Switcher#12 and univ-of-utah-marriott-library-apple/jctl#44. Jamf Pro 11.5+
 * turns Basic authentication of the Classic API off by default; a refused Basic request is a 401
 * that looks exactly like a wrong password, so Basic is used only by servers with no token endpoint
 * (404). Built on `plugins/http.ts`: no maintained npm library speaks Jamf's own token endpoint.
 *
 * @module
 */
import { z } from "zod";
import { NotFoundError } from "../../engine/core/ports.ts";
import {
  AuthError,
  createHttpClient,
  type HttpClient,
  type HttpResponse,
  type RequestOptions,
} from "../http.ts";
import { basicAuth } from "../../lib/basic_auth.ts";
import { abortable } from "../../lib/abort.ts";
import { singleFlight } from "../../lib/single_flight.ts";
import type { JamfCredentials } from "./jamf_credentials.ts";
import {
  ACCOUNT_PATH,
  CLIENT_PATH,
  refusedRequest,
  refusedToken,
  unusable,
} from "./jamf_refusals.ts";

/** How {@link createJamfAuth} is set up. */
export interface JamfAuthOptions {
  /** The server root, e.g. `https://example.jamfcloud.com` (see {@link jamfServerUrl}). */
  serverUrl: string;
  credentials: JamfCredentials;
  /** Limit for one token request, in ms; `null` means 30 s (a token request has no caller deadline). */
  timeoutMs: number | null;
  /** The clock tokens expire by (default: the system clock). */
  now?: () => Date;
  /** Renew this long before expiry, in ms (default 60 s; at most half the token's lifetime). */
  renewBeforeMs?: number;
  /** Replaces the global `fetch` (tests). */
  fetch?: typeof fetch;
}

/** One plugin instance's Jamf Pro credentials and its current token. */
export interface JamfAuth {
  /**
   * The `Authorization` value for the next request: a cached bearer token, a new one (one token
   * request shared by every concurrent caller; one caller's abort never fails the others), or
   * Basic when the server has no token endpoint.
   *
   * @throws {AuthError} when the token endpoint refuses the credentials, or (404) has no API
   *   client endpoint; the message names the keys to check
   * @throws {UpstreamError} when it is unreachable or answers something unusable
   */
  authorization(signal: AbortSignal): Promise<string>;
  /** Forgets `header` after the server answered 401 to it, so the next call gets a new token. */
  refused(header: string): void;
  /** How requests authenticate now, for connectivity lines: e.g. `bearer token (API client)`. */
  describe(): string;
  /** `bearer`, `basic`, or `null` before the first token request. */
  readonly scheme: "bearer" | "basic" | null;
}

const DEFAULT_LIFETIME_MS = 5 * 60_000;
const AccountToken = z.object({ token: z.string().min(1), expires: z.string().nullish() });
const ClientToken = z.object({
  access_token: z.string().min(1),
  expires_in: z.number().positive(),
});

interface Token {
  header: string;
  renewAt: number;
}

/**
 * Creates the token holder of one plugin instance.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * let asked = 0;
 * // Jamf Pro's answer to POST /api/oauth/token (Jamf Pro API, "Client Credentials")
 * const token = { access_token: "t1", token_type: "Bearer", expires_in: 1199 };
 * const auth = createJamfAuth({
 *   serverUrl: "https://example.jamfcloud.com", timeoutMs: 5000,
 *   credentials: { kind: "client", clientId: "id", clientSecret: "secret" },
 *   fetch: () => (asked++, Promise.resolve(Response.json(token))),
 * });
 * const signal = AbortSignal.timeout(5000);
 * assert.equal(await auth.authorization(signal), "Bearer t1");
 * assert.equal(await auth.authorization(signal), "Bearer t1"); // cached until near expiry
 * assert.equal(asked, 1);
 * ```
 */
export function createJamfAuth(options: JamfAuthOptions): JamfAuth {
  const now = options.now ?? (() => new Date());
  const renewBeforeMs = options.renewBeforeMs ?? 60_000;
  const { credentials } = options;
  const client = createHttpClient({
    name: "JAMF",
    kind: "token", // only the token endpoints: answers of a few hundred bytes
    baseUrl: options.serverUrl,
    timeoutMs: options.timeoutMs ?? 30_000,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  let token: Token | null = null;
  // Never the caller's signal: the token is shared, so one caller's abort must not cancel it.
  const renewal = singleFlight(() => requestToken().then((t) => (token = t)));
  let scheme: "bearer" | "basic" | null = null;

  function expiring(lifetimeMs: number, header: string): Token {
    const margin = Math.min(renewBeforeMs, lifetimeMs / 2);
    return { header, renewAt: now().getTime() + lifetimeMs - margin };
  }

  async function requestToken(): Promise<Token> {
    const signal = new AbortController().signal;
    if (credentials.kind === "client") {
      const body = new URLSearchParams({
        client_id: credentials.clientId,
        client_secret: credentials.clientSecret,
        grant_type: "client_credentials",
      });
      const answer = await tokenCall(
        () => client.request("POST", CLIENT_PATH, { signal, body }),
        CLIENT_PATH,
      );
      const parsed = ClientToken.safeParse(answer.body);
      if (!parsed.success) throw unusable(CLIENT_PATH);
      scheme = "bearer";
      return expiring(parsed.data.expires_in * 1000, `Bearer ${parsed.data.access_token}`);
    }
    const basic = basicAuth(credentials.username, credentials.password);
    let answer: HttpResponse;
    try {
      answer = await tokenCall(
        () => client.request("POST", ACCOUNT_PATH, { signal, headers: { Authorization: basic } }),
        ACCOUNT_PATH,
      );
    } catch (error: unknown) {
      if (!(error instanceof NotFoundError)) throw error;
      scheme = "basic"; // Jamf Pro before 10.35: no token endpoint, Basic is all there is
      return { header: basic, renewAt: Number.POSITIVE_INFINITY };
    }
    const parsed = AccountToken.safeParse(answer.body);
    if (!parsed.success) throw unusable(ACCOUNT_PATH);
    const expires = Date.parse(parsed.data.expires ?? "");
    const lifetime = expires - now().getTime();
    scheme = "bearer";
    return expiring(lifetime > 0 ? lifetime : DEFAULT_LIFETIME_MS, `Bearer ${parsed.data.token}`);
  }

  async function tokenCall(call: () => Promise<HttpResponse>, path: string) {
    try {
      return await call();
    } catch (error: unknown) {
      throw refusedToken(error, path, credentials.kind);
    }
  }

  return {
    get scheme() {
      return scheme;
    },
    async authorization(signal) {
      signal.throwIfAborted();
      if (token !== null && now().getTime() < token.renewAt) return token.header;
      return (await abortable(renewal.run(), signal)).header;
    },
    refused(header) {
      if (token?.header === header && scheme === "bearer") token = null;
    },
    describe() {
      if (scheme === "basic") return `Basic authentication: the server has no ${ACCOUNT_PATH}`;
      return credentials.kind === "client"
        ? `bearer token of API client from ${CLIENT_PATH}`
        : `bearer token of account ${credentials.username} from ${ACCOUNT_PATH}`;
    },
  };
}

/**
 * One request with the instance's token: a 401 to a bearer token renews it once and retries; any
 * other refusal becomes an `AuthError` saying what the server refused.
 *
 * @param client a client for the API the path belongs to (no `Authorization` of its own)
 * @returns the answer
 * @throws {AuthError} 401 after a renewal, 401 to Basic, or 403 (a missing privilege)
 */
export async function jamfRequest(
  client: HttpClient,
  auth: JamfAuth,
  request: { method: string; path: string } & RequestOptions,
): Promise<HttpResponse> {
  const { method, path, ...options } = request;
  for (let attempt = 0;; attempt++) {
    const header = await auth.authorization(options.signal);
    try {
      return await client.request(method, path, {
        ...options,
        headers: { ...options.headers, Authorization: header },
      });
    } catch (error: unknown) {
      if (!(error instanceof AuthError)) throw error;
      if (error.status === 401 && auth.scheme === "bearer" && attempt === 0) {
        auth.refused(header);
        continue;
      }
      throw refusedRequest(error, `${method} ${path}`, auth);
    }
  }
}
