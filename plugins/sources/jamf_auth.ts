/**
 * Jamf Pro authentication shared by the JAMF sources (Classic API `jamf`, Jamf Pro API
 * `jamf_pro`): config keys, bearer tokens and the errors that say what the server refused.
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
import { NotFoundError, UpstreamError } from "../../engine/ports.ts";
import {
  AuthError,
  createHttpClient,
  type HttpClient,
  type HttpResponse,
  type RequestOptions,
} from "../http.ts";
import { basicAuth } from "../../lib/basic_auth.ts";
import { abortable } from "../../lib/abort.ts";

/** The credential keys of a JAMF plugin's config; add the rules with {@link withJamfCredentialRules}. */
export const jamfCredentialKeys = {
  JAMF_API_USERNAME: z.string().min(1).optional(),
  JAMF_API_PASSWORD: z.string().min(1).optional(),
  JAMF_CLIENT_ID: z.string().min(1).optional(),
  JAMF_CLIENT_SECRET: z.string().min(1).optional(),
};

/** What {@link jamfCredentialKeys} parse to. */
export interface JamfCredentialConfig {
  JAMF_API_USERNAME?: string | undefined;
  JAMF_API_PASSWORD?: string | undefined;
  JAMF_CLIENT_ID?: string | undefined;
  JAMF_CLIENT_SECRET?: string | undefined;
}

/** One of the two kinds of Jamf Pro credentials. */
export type JamfCredentials =
  | { kind: "account"; username: string; password: string }
  | { kind: "client"; clientId: string; clientSecret: string };

const BOTH = "give either JAMF_API_USERNAME and JAMF_API_PASSWORD (a Jamf Pro account) or " +
  "JAMF_CLIENT_ID and JAMF_CLIENT_SECRET (an API client), not both";
const NEITHER = "JAMF credentials are missing: give JAMF_CLIENT_ID and JAMF_CLIENT_SECRET " +
  "(an API client, Jamf Pro 10.49+) or JAMF_API_USERNAME and JAMF_API_PASSWORD";

/**
 * Adds the credential rules to a JAMF plugin's schema: exactly one complete pair. The rules run
 * even when other keys are bad, so an operator sees every problem at once. Issues: both pairs or
 * neither (at the section), half a pair (at the missing key).
 *
 * @example
 * ```ts
 * import { z } from "zod";
 * const schema = withJamfCredentialRules(z.object({ ...jamfCredentialKeys, URL: z.url() }).strict());
 * ```
 */
export function withJamfCredentialRules<S extends z.ZodType<JamfCredentialConfig>>(schema: S): S {
  const given = (v: unknown, key: keyof JamfCredentialConfig) =>
    typeof v === "object" && v !== null && (v as Record<string, unknown>)[key] !== undefined;
  const always = { when: () => true };
  const pairs = [
    ["JAMF_API_USERNAME", "JAMF_API_PASSWORD"],
    ["JAMF_CLIENT_ID", "JAMF_CLIENT_SECRET"],
  ] as const;
  const hasPair = (v: unknown, i: 0 | 1) => pairs[i].some((k) => given(v, k));
  let out = schema
    .refine((v) => !(hasPair(v, 0) && hasPair(v, 1)), { ...always, path: [], message: BOTH })
    .refine((v) => hasPair(v, 0) || hasPair(v, 1), { ...always, path: [], message: NEITHER });
  for (const [a, b] of pairs) {
    for (const [have, miss] of [[a, b], [b, a]] as const) {
      out = out.refine((v) => !given(v, have) || given(v, miss), {
        ...always,
        path: [miss],
        message: `required with ${have}`,
      });
    }
  }
  return out;
}

/**
 * The credentials a validated config holds.
 *
 * @throws {TypeError} when the config has no complete pair (validate with
 * {@link withJamfCredentialRules} first)
 */
export function jamfCredentials(config: JamfCredentialConfig): JamfCredentials {
  if (config.JAMF_CLIENT_ID !== undefined && config.JAMF_CLIENT_SECRET !== undefined) {
    return {
      kind: "client",
      clientId: config.JAMF_CLIENT_ID,
      clientSecret: config.JAMF_CLIENT_SECRET,
    };
  }
  if (config.JAMF_API_USERNAME !== undefined && config.JAMF_API_PASSWORD !== undefined) {
    return {
      kind: "account",
      username: config.JAMF_API_USERNAME,
      password: config.JAMF_API_PASSWORD,
    };
  }
  throw new TypeError(NEITHER);
}

/**
 * The Jamf Pro server root of a Classic API address: `JAMF_API_HOSTADDR` without `/JSSResource`.
 *
 * @example
 * ```ts
 * jamfServerUrl("https://example.jamfcloud.com/JSSResource/"); // "https://example.jamfcloud.com"
 * ```
 */
export function jamfServerUrl(hostaddr: string): string {
  return hostaddr.replace(/\/+$/, "").replace(/\/JSSResource$/i, "");
}

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

const ACCOUNT_PATH = "/api/v1/auth/token";
const CLIENT_PATH = "/api/oauth/token";
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
 * const auth = createJamfAuth({ serverUrl: "https://example.jamfcloud.com", timeoutMs: 5000,
 *   credentials: { kind: "client", clientId: "id", clientSecret: "secret" } });
 * const header = await auth.authorization(AbortSignal.timeout(5000)); // "Bearer eyJ…"
 * ```
 */
export function createJamfAuth(options: JamfAuthOptions): JamfAuth {
  const now = options.now ?? (() => new Date());
  const renewBeforeMs = options.renewBeforeMs ?? 60_000;
  const { credentials } = options;
  const client = createHttpClient({
    name: "JAMF",
    baseUrl: options.serverUrl,
    timeoutMs: options.timeoutMs ?? 30_000,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  let token: Token | null = null;
  let pending: Promise<Token> | null = null;
  let scheme: "bearer" | "basic" | null = null;

  function expiring(lifetimeMs: number, header: string): Token {
    const margin = Math.min(renewBeforeMs, lifetimeMs / 2);
    return { header, renewAt: now().getTime() + lifetimeMs - margin };
  }

  async function requestToken(): Promise<Token> {
    // Never the caller's signal: the token is shared, so one caller's abort must not cancel it.
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
      if (pending === null) {
        const started = requestToken().then((t) => (token = t));
        pending = started;
        started.then(() => {}, () => {}).finally(() => {
          if (pending === started) pending = null;
        });
      }
      return (await abortable(pending, signal)).header;
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

function refusedToken(error: unknown, path: string, kind: JamfCredentials["kind"]): unknown {
  const status = error instanceof UpstreamError ? error.status : undefined;
  if (kind === "client" && error instanceof NotFoundError) {
    return new AuthError(
      `JAMF has no API client endpoint (POST ${path} answered 404): API clients need Jamf Pro ` +
        "10.49 or later; on an older server configure JAMF_API_USERNAME and JAMF_API_PASSWORD",
      404,
    );
  }
  if (status === 403) {
    // The credentials were checked and accepted; the account or client may not use the API.
    const who = kind === "client" ? "API client" : "account";
    return new AuthError(
      `JAMF accepted the ${who} but refused it a token at POST ${path} (HTTP 403): give it ` +
        "API access in Jamf Pro (an API role, or an account privilege set allowing the API)",
      403,
    );
  }
  if (status === 401 || (kind === "client" && status === 400)) {
    return new AuthError(
      kind === "client"
        ? `JAMF refused the API client at POST ${path} (HTTP ${status}); check JAMF_CLIENT_ID ` +
          "and JAMF_CLIENT_SECRET, and that the API client is enabled in Jamf Pro"
        : `JAMF refused the account at POST ${path} (HTTP ${status}); check JAMF_API_USERNAME ` +
          "and JAMF_API_PASSWORD, or configure an API client (JAMF_CLIENT_ID, JAMF_CLIENT_SECRET)",
      status,
    );
  }
  if (error instanceof UpstreamError && status !== undefined) {
    return new UpstreamError(
      `JAMF token request failed: POST ${path} answered HTTP ${status}`,
      status,
    );
  }
  return error;
}

function refusedRequest(error: AuthError, where: string, auth: JamfAuth): AuthError {
  if (error.status === 403) {
    return new AuthError(
      `JAMF accepted the credentials but refused ${where} (HTTP 403): the account or API ` +
        "client lacks a privilege this needs (Read Computers, Read Users)",
      403,
    );
  }
  if (auth.scheme === "basic") {
    return new AuthError(
      `JAMF refused Basic authentication for ${where} (HTTP 401) and the server has no token ` +
        `endpoint (${ACCOUNT_PATH} answered 404): check JAMF_API_USERNAME and JAMF_API_PASSWORD; ` +
        "if Basic authentication is turned off on this server, configure an API client",
      401,
    );
  }
  return new AuthError(
    `JAMF refused a fresh ${auth.describe()} for ${where} (HTTP 401): the credentials were ` +
      "accepted, so the server refuses this request itself (API access or Basic-only endpoint)",
    401,
  );
}

function unusable(path: string): UpstreamError {
  return new UpstreamError(`JAMF: POST ${path} answered without a usable token`);
}
