/**
 * Service-account access tokens with domain-wide delegation (RFC 7523 JWT bearer grant): sign an
 * RS256 assertion with the service account's key, exchange it at the account's `token_uri`, and
 * reuse the access token until shortly before it expires.
 *
 * Why not `google-auth-library` (its `JWT` client): version 11.3.4 posts the assertion to a
 * hard-coded `https://oauth2.googleapis.com/token` and signs that URL as the assertion's `aud`
 * (`build/src/gtoken/getToken.js`, `jwsSign.js`), ignoring the key's `token_uri`, so it cannot be
 * pointed at the test fakes' token endpoint (tests/support/google.ts) nor at a proxy an operator
 * names; it also reads the real clock for `iat` (the tests inject one).
 *
 * @module
 */
import { importPKCS8, SignJWT } from "jose";
import { UpstreamError } from "../../../engine/core/ports.ts";
import { type IssuedToken, renewingToken } from "../../renewing_token.ts";
import { createHttpClient } from "../../http.ts";
import { outboundRedactor } from "../../outbound.ts";

/** Where Google exchanges assertions when the service-account JSON names no `token_uri`. */
export const DEFAULT_TOKEN_URI = "https://oauth2.googleapis.com/token";

const GRANT_TYPE = "urn:ietf:params:oauth:grant-type:jwt-bearer";
/** Lifetime of a signed assertion (Google accepts at most one hour). */
const ASSERTION_SECONDS = 3600;
/** A cached token is renewed this long before it expires. */
const EARLY_REFRESH_MS = 60_000;
const RETRIES = 3;
/** Limit for one exchange (all its attempts), in ms: it serves every waiting caller, so no one
 * caller's signal bounds it. */
const EXCHANGE_TIMEOUT_MS = 30_000;
const CHECK_HINT = "check GOOGLE_API_SECRETS, GOOGLE_API_USERNAME and GOOGLE_API_SCOPES";

/** What the token provider needs to know. */
export interface TokenOptions {
  /** The service account's `client_email` (the assertion's issuer). */
  clientEmail: string;
  /** The service account's PKCS#8 PEM private key. */
  privateKey: string;
  /** The admin the service account acts for (`GOOGLE_API_USERNAME`). */
  subject: string;
  scopes: readonly string[];
  tokenUri: string;
  now: () => Date;
  /** The first pause before a retry, in ms, doubled each retry (default 100); tests pass 1. */
  backoffMs?: number;
}

/** Hands out bearer tokens, fetching a new one only when the cached one is about to expire. */
export interface TokenProvider {
  /**
   * A valid access token; throws `UpstreamError` in plain words when the exchange fails, or the
   * signal's reason when it aborts first (the shared exchange carries on for other callers).
   */
  token(signal: AbortSignal): Promise<string>;
}

/**
 * Creates a token provider. The private key is parsed at once so a bad key is reported at start.
 *
 * @param options the service account, delegated subject, scopes and clock
 * @returns the provider
 * @throws {TypeError} when the private key is not a PKCS#8 PEM RSA key (the key is never quoted)
 * @example Getting a token
 * ```ts
 * import assert from "node:assert/strict";
 * const options = {
 *   clientEmail: "stethoscope@example.iam.gserviceaccount.com",
 *   privateKey: "-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n",
 *   subject: "admin@example.com",
 *   scopes: ["https://www.googleapis.com/auth/admin.directory.device.mobile.readonly"],
 *   tokenUri: DEFAULT_TOKEN_URI,
 *   now: () => new Date(),
 * };
 * // the key is read at once; a token is asked for on the first `tokens.token(signal)`
 * await assert.rejects(createTokenProvider(options), {
 *   message: "GOOGLE_API_SECRETS.private_key is not a PKCS#8 PEM RSA private key; " +
 *     "paste the private_key of the service-account JSON",
 * });
 * ```
 */
export async function createTokenProvider(options: TokenOptions): Promise<TokenProvider> {
  let key: CryptoKey;
  try {
    key = await importPKCS8(options.privateKey, "RS256");
  } catch {
    throw new TypeError(
      "GOOGLE_API_SECRETS.private_key is not a PKCS#8 PEM RSA private key; paste the private_key of the service-account JSON",
    );
  }
  // One exchange shared by every caller that needs a token meanwhile, under its own deadline.
  const { token } = renewingToken({
    exchange,
    earlyRefreshMs: EARLY_REFRESH_MS,
    exchangeTimeoutMs: EXCHANGE_TIMEOUT_MS,
    endpoint: "Google token endpoint",
    now: options.now,
  });

  async function assertion(): Promise<string> {
    const iat = Math.floor(options.now().getTime() / 1000);
    return await new SignJWT({ scope: options.scopes.join(" ") })
      .setProtectedHeader({ alg: "RS256", typ: "JWT" })
      .setIssuer(options.clientEmail)
      .setSubject(options.subject)
      .setAudience(options.tokenUri)
      .setIssuedAt(iat)
      .setExpirationTime(iat + ASSERTION_SECONDS)
      .sign(key);
  }

  async function exchange(signal: AbortSignal): Promise<IssuedToken> {
    const body = new URLSearchParams({ grant_type: GRANT_TYPE, assertion: await assertion() });
    // Retries (transport failures and 5xx, doubling back-off) are the HTTP client's.
    const client = createHttpClient({
      name: "Google token endpoint",
      kind: "token",
      baseUrl: options.tokenUri,
      timeoutMs: null, // the exchange's own deadline (renewingToken)
      retries: RETRIES,
      backoffMs: options.backoffMs ?? 100,
      rateLimitRetries: 0,
      refused: (answer) => refusal(answer, outboundRedactor({ body })),
    });
    const answer = await client.request("POST", "", { signal, body });
    const json = typeof answer.body === "object" && answer.body !== null
      ? answer.body as Record<string, unknown>
      : null;
    const token = json?.access_token;
    const expiresIn = Number(json?.expires_in ?? 3600);
    if (typeof token !== "string" || token === "") {
      throw new UpstreamError(
        "Google token endpoint answered without an access_token",
        answer.status,
      );
    }
    return { token, lifetimeMs: Number.isFinite(expiresIn) ? expiresIn * 1000 : 3_600_000 };
  }

  return { token };
}

/**
 * The token endpoint's refusal in words an operator can act on: its status, and its OAuth
 * `error` and `error_description` (RFC 6749 §5.2) with anything secret taken out.
 */
function refusal(
  { status, body }: { status: number; body: string },
  redact: (text: string) => string,
): UpstreamError {
  let answer: Record<string, unknown> | null = null;
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed === "object" && parsed !== null) answer = parsed as Record<string, unknown>;
  } catch { /* not JSON: the status says enough */ }
  const reason = redact(
    [answer?.error, answer?.error_description].filter((x) => typeof x === "string").join(": "),
  ).slice(0, 300);
  return new UpstreamError(
    `Google authentication failure: the token endpoint refused the service-account assertion (HTTP ${status}${
      reason ? `, ${reason}` : ""
    }); ${CHECK_HINT}`,
    status,
  );
}
