/**
 * The plain words for each way openid-client (on oauth4webapi) refuses a sign-in, and what the log
 * gets instead: a token endpoint that refuses our client (wrong secret, unknown client, redirect
 * URI not registered) is a misconfiguration the person cannot fix, so the page says so and the log
 * carries the provider's `error` and `error_description`; an ID token that fails a check is named
 * by the check; a provider that cannot be reached is a 502 naming the part. Changes when the
 * library's error codes do (they are oauth4webapi's exported `OAUTH_*` constants).
 *
 * @module
 */
import { OidcRefused, unreachable } from "./oidc_rules.ts";
import { firstCodePoints } from "../../lib/code_points.ts";

/** What the person sees when the token endpoint refuses the client itself. */
export const MISCONFIGURED = "Sign-in is misconfigured; the security team has been told.";

/**
 * Token-endpoint `error` codes (RFC 6749 §5.2) that say this site's registration is wrong, not
 * that this one sign-in went stale (`invalid_grant`: the code expired or was used).
 */
const CLIENT_ERRORS = new Set([
  "invalid_client",
  "unauthorized_client",
  "unsupported_grant_type",
  "invalid_request",
  "invalid_scope",
]);

/**
 * The 502 of a discovered issuer that is not the configured one, both values in the log (with
 * Entra's `{tenantid}` template explained).
 *
 * @param configured `OIDC_ISSUER`
 * @param discovered the `issuer` of the provider's discovery document
 * @returns the refusal
 */
export function issuerMismatch(configured: string, discovered: string): OidcRefused {
  return new OidcRefused(
    502,
    "discovery_issuer_mismatch",
    "The sign-in provider describes itself as a different issuer than configured. An operator needs to check OIDC_ISSUER.",
    {
      configured,
      discovered,
      ...(discovered.includes("{tenantid}") ? { hint: TENANT_HINT } : {}),
    },
  );
}

/** Why Entra's `common` and `organizations` issuers cannot be used as they are. */
export const TENANT_HINT =
  "Entra's multi-tenant endpoints (common, organizations) publish the issuer as a template with {tenantid}: every tenant's tokens would match it. Set OIDC_ISSUER to your tenant's issuer, https://login.microsoftonline.com/<your tenant id>/v2.0";

/**
 * Maps what openid-client threw (or what our `customFetch` threw through it) to a refusal with
 * plain words for the person and `detail` for the log.
 *
 * @param error what was thrown
 * @param what the part of the provider being called ("discovery", "token endpoint")
 * @param secret the client secret, never to appear in `detail`
 * @returns the refusal: 502 when the provider cannot be reached, answers unexpectedly, or refuses
 *   our client (`sign_in_misconfigured`); 401 for a stale code or a token that fails a check
 */
export function signInProblem(error: unknown, what: string, secret?: string): OidcRefused {
  const chain = causes(error);
  const refused = chain.find((e): e is OidcRefused => e instanceof OidcRefused);
  if (refused) return refused;
  // openid-client's ResponseBodyError and WWWAuthenticateChallengeError, told by their codes.
  const body = chain.find((e): e is ResponseBody => codeOf(e) === "OAUTH_RESPONSE_BODY_ERROR");
  if (body) return exchangeRefused(body, secret);
  const challenge = chain.find((e): e is Challenge =>
    codeOf(e) === "OAUTH_WWW_AUTHENTICATE_CHALLENGE"
  );
  if (challenge) {
    // A 401 with `WWW-Authenticate: Basic error="invalid_client", error_description="…"`.
    const params = challenge.cause.find((c) => c.parameters?.error)?.parameters ?? {};
    return exchangeRefused({
      status: challenge.status,
      error: params.error ?? "",
      error_description: params.error_description,
    }, secret);
  }
  const code = chain.map((e) => (e as { code?: unknown }).code).find((c) => typeof c === "string");
  const claim = chain.map((e) => (e as { claim?: unknown }).claim)
    .find((c) => typeof c === "string");
  const message = chain.map((e) => (e as { message?: unknown }).message).join(" | ");
  const refuse = (c: string, reason: string) => new OidcRefused(401, c, reason);
  if (what === "discovery" || code === "OAUTH_TIMEOUT" || code === "OAUTH_ABORT") {
    return unreachable(`${what} answered unexpectedly`, {
      error: String(code ?? ""),
      status: statusOf(chain),
    });
  }
  switch (code) {
    case "OAUTH_JWT_TIMESTAMP_CHECK_FAILED":
      return claim === "exp"
        ? refuse("token_expired", "The sign-in token from the provider has expired. Try again.")
        : refuse(
          `bad_claim_${String(claim).replace(/[^a-z_]/gi, "").slice(0, 20)}`,
          "The sign-in token is not valid yet or has an invalid date.",
        );
    case "OAUTH_JWT_CLAIM_COMPARISON_FAILED":
      if (claim === "iss") {
        return refuse(
          "wrong_issuer",
          "The sign-in token was issued by a different provider than the one this site trusts.",
        );
      }
      if (claim === "nonce") return nonceMismatch();
      return refuse(
        "wrong_audience",
        "The sign-in token was issued for a different application, not this site.",
      );
    case "OAUTH_KEY_SELECTION_FAILED":
      return refuse(
        "unknown_key",
        "The sign-in token was signed with a key the provider does not publish.",
      );
  }
  if (/signature verification failed/.test(message)) {
    return refuse(
      "bad_signature",
      "The sign-in token's signature is not valid: it was not signed by the provider.",
    );
  }
  if (/"alg"|JWS algorithm|unsupported operation/i.test(message)) {
    return refuse(
      "bad_algorithm",
      "The sign-in token is unsigned or signed with a method this site does not accept.",
    );
  }
  if (/"nonce"/.test(message)) return nonceMismatch();
  if (code === "OAUTH_RESPONSE_IS_NOT_CONFORM" || code === "OAUTH_RESPONSE_IS_NOT_JSON") {
    return exchangeFailed({ status: statusOf(chain) });
  }
  return refuse("unreadable_token", "The sign-in token from the provider could not be read.");
}

/** openid-client's error for a token endpoint's error answer (RFC 6749 §5.2). */
interface ResponseBody {
  status: number;
  error: string;
  error_description?: string | undefined;
}

/** openid-client's error for a 401 whose `WWW-Authenticate` challenges carry the error. */
interface Challenge {
  status: number;
  cause: { parameters?: { error?: string; error_description?: string } }[];
}

function codeOf(e: unknown): unknown {
  return typeof e === "object" && e !== null ? (e as { code?: unknown }).code : undefined;
}

function nonceMismatch(): OidcRefused {
  return new OidcRefused(
    401,
    "nonce_mismatch",
    "The sign-in token does not belong to this sign-in attempt. Start again from the sign-in page.",
  );
}

function exchangeFailed(detail: Record<string, string>): OidcRefused {
  return new OidcRefused(
    401,
    "token_exchange_failed",
    "The sign-in provider did not confirm the sign-in (the code could not be exchanged for a token). Try again.",
    detail,
  );
}

/** The token endpoint's error answer (RFC 6749 §5.2, or its `WWW-Authenticate`) as a refusal. */
function exchangeRefused(
  body: { status: number; error: string; error_description?: string | undefined },
  secret?: string,
): OidcRefused {
  const detail = {
    status: String(body.status),
    error: clean(body.error, secret),
    error_description: clean(body.error_description ?? "", secret),
  };
  if (CLIENT_ERRORS.has(body.error) || body.status === 401) {
    return new OidcRefused(502, "sign_in_misconfigured", MISCONFIGURED, detail);
  }
  return exchangeFailed(detail);
}

/**
 * Provider text for a log line: printable, at most 300 code points, the secret never in it —
 * not even its first part, so it is taken out before the text is capped.
 */
function clean(text: string, secret?: string): string {
  let out = String(text).replace(/[^\x20-\x7e\u00a0-\uffff]/g, "?");
  if (secret) out = out.split(secret).join("[client secret]");
  return firstCodePoints(out, 300);
}

function statusOf(chain: unknown[]): string {
  const response = chain.find((e): e is Response => e instanceof Response);
  return response ? String(response.status) : "";
}

/** The error and its `cause`s (at most 6 deep). */
function causes(error: unknown): unknown[] {
  const out: unknown[] = [];
  for (let e = error; e !== undefined && e !== null && out.length < 6;) {
    out.push(e);
    e = typeof e === "object" ? (e as { cause?: unknown }).cause : undefined;
  }
  return out;
}
