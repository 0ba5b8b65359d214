/**
 * OpenID Connect sign-in (`LOGIN_MANAGER: "oidc"`): the authorization-code flow with PKCE (S256),
 * `state` and `nonce`.
 *
 * - `GET /auth/oidc/start?next=/devices` keeps the pending sign-in (state, nonce, PKCE verifier,
 *   where to go next) in a short-lived signed cookie scoped to `/auth/oidc`, and sends the browser
 *   to the provider.
 * - `GET /auth/oidc/callback` checks the state against that cookie and the response's `iss`
 *   (RFC 9207), uses the pending sign-in up in the store (a second callback with the same cookie
 *   is refused), exchanges the code, verifies the ID token and applies the email rules, then
 *   starts a new session and goes back to `next` (a path on this site only) with a 303.
 *
 * Every refusal is the sign-in-failed page with the reason in plain words (401, or 403 when the
 * person is known but not allowed; 502 when the provider cannot be reached). A token endpoint that
 * refuses our client is "Sign-in is misconfigured" for the person (no "Try again") and an error
 * line with the provider's `error` and `error_description` for the operators (and the failure
 * loggers). Tokens and secrets are never shown or logged.
 *
 * @module
 */
import { Hono } from "hono";
import type { Config } from "../../config/schema.ts";
import type { AppEnv, Ctx } from "../context.ts";
import { sameToken } from "../guards/forms.ts";
import {
  CALLBACK_PATH,
  createOidcClient,
  type OidcClient,
  randomNonce,
  randomPKCECodeVerifier,
  randomState,
} from "./oidc_client.ts";
import { checkResponseIssuer, OidcRefused } from "./oidc_rules.ts";
import { isPrivileged } from "./privilege.ts";
import { errorPage } from "../rendering/render.tsx";
import { pruneRevokedNowAndThen, safeNext, secureCookies, startSession } from "./session.ts";
import { cookieKeys } from "./signed_cookies.ts";
import { type Pending, PENDING_COOKIE, PENDING_SECONDS } from "./oidc_pending.tsx";

/** The OIDC sub-app (mounted at `/`). */
export const oidc: Hono<AppEnv> = new Hono<AppEnv>();

/** Provider error codes (RFC 6749 §4.1.2.1, OIDC Core §3.1.2.6) are short ASCII words. */
const ERROR_CODE_RE = /^[a-z_]{1,40}$/;

const clients = new WeakMap<Config, OidcClient>();

/**
 * The provider client of this app: the one wired into its services (tests), else one per
 * configuration (caches discovery and keys).
 */
export function oidcClientFor(c: Ctx): OidcClient {
  const { config, oidcClient } = c.var.deps;
  if (oidcClient) return oidcClient;
  let client = clients.get(config);
  if (!client) {
    client = createOidcClient(config);
    clients.set(config, client);
  }
  return client;
}

/** Where the provider must send the browser back: `PUBLIC_ORIGIN`, else this request's origin. */
export function redirectUri(c: Ctx): string {
  const origin = c.var.deps.config.PUBLIC_ORIGIN ?? c.req.url;
  return new URL(CALLBACK_PATH, origin).href;
}

/** The pending sign-in this browser started, unless missing, tampered, malformed or expired. */
async function readPending(c: Ctx, config: Config, now: Date): Promise<Pending | null> {
  const keys = cookieKeys(config);
  if (!keys) return null;
  const read = await PENDING_COOKIE.read(c, {
    keys,
    expired: (p) => p.exp < now.getTime(),
  });
  return read.outcome === "valid" ? read.value : null;
}

/**
 * Uses up the pending sign-in (its state, nonce and PKCE verifier) in the store, so a second
 * callback carrying the same cookie — a replay after a completed sign-in, or a second tab — is
 * refused on every process. Kept until the pending cookie would have expired anyway.
 *
 * @throws {OidcRefused} 401 when it was used before; 503 when the store cannot record it
 */
async function claimPending(c: Ctx, pending: Pending): Promise<void> {
  const { store, now, log } = c.var.deps;
  let fresh: boolean;
  try {
    fresh = await store.revocations.revoke(`oidc-state:${pending.state}`, {
      until: new Date(pending.exp + 60_000),
      now: now(),
    });
  } catch (error: unknown) {
    log.error("cannot record the sign-in attempt in the store", { error: String(error) });
    throw new OidcRefused(
      503,
      "store_unavailable",
      "Sign-in cannot be completed right now because this site cannot save it. Try again in a few minutes.",
    );
  }
  if (!fresh) {
    throw new OidcRefused(
      401,
      "pending_reused",
      "This sign-in was already used. Start again from the sign-in page.",
    );
  }
  await pruneRevokedNowAndThen(c, now());
}

oidc.use("/auth/oidc/*", async function oidcConfigured(c, next) {
  if (c.var.deps.config.LOGIN_MANAGER !== "oidc") {
    return errorPage(c, 404, "There is no such sign-in method on this site.");
  }
  await next();
});

oidc.get("/auth/oidc/start", async (c) => {
  const { config, now } = c.var.deps;
  const pending: Pending = {
    state: randomState(),
    nonce: randomNonce(),
    verifier: randomPKCECodeVerifier(),
    next: safeNext(c.req.query("next")),
    exp: now().getTime() + PENDING_SECONDS * 1000,
  };
  // An OidcRefused is answered by app.onError (routes/refusals.ts → refusedPage).
  const url = await oidcClientFor(c).authorizationUrl({
    state: pending.state,
    nonce: pending.nonce,
    verifier: pending.verifier,
    redirectUri: redirectUri(c),
  });
  await PENDING_COOKIE.write(c, pending, {
    key: config.SECRET_KEY!,
    secure: secureCookies(c, config),
    maxAgeSeconds: PENDING_SECONDS,
  });
  c.header("Cache-Control", "no-store");
  return c.redirect(url.href, 302);
});

oidc.get(CALLBACK_PATH, async (c) => {
  const { config, now, log } = c.var.deps;
  const q = (name: string) => c.req.query(name);
  c.header("Cache-Control", "no-store");
  // An OidcRefused thrown here is answered by app.onError (routes/refusals.ts → refusedPage).
  const providerError = q("error");
  if (providerError !== undefined) {
    const code = ERROR_CODE_RE.test(providerError) ? providerError : "unknown";
    throw new OidcRefused(
      code === "access_denied" ? 403 : 401,
      `provider_${code}`,
      code === "access_denied"
        ? "The sign-in provider did not allow the sign-in (access denied)."
        : `The sign-in provider reported a problem (${code}). Try again.`,
    );
  }
  const pending = await readPending(c, config, now());
  if (!pending) {
    throw new OidcRefused(
      401,
      "no_pending_sign_in",
      "This sign-in took too long or was started in another browser or tab. Start again from the sign-in page.",
    );
  }
  const state = q("state");
  if (state === undefined || !sameToken(state, pending.state)) {
    throw new OidcRefused(
      401,
      "state_mismatch",
      "This answer from the sign-in provider does not match the sign-in you started. Start again from the sign-in page.",
    );
  }
  checkResponseIssuer(q("iss"), await oidcClientFor(c).metadata());
  await claimPending(c, pending);
  const code = q("code");
  if (code === undefined || code === "" || code.length > 4096) {
    throw new OidcRefused(
      401,
      "no_code",
      "The sign-in provider sent no sign-in code. Try again.",
    );
  }
  const who = await oidcClientFor(c).signIn(new URL(c.req.url).searchParams, {
    state: pending.state,
    nonce: pending.nonce,
    verifier: pending.verifier,
    redirectUri: redirectUri(c),
    now: now(),
  });
  const privileged = isPrivileged(config, who);
  PENDING_COOKIE.clear(c, { secure: secureCookies(c, config) });
  await startSession(c, config, { email: who.email, groups: who.groups, now: now() });
  log.info("signed in", { user: who.email, method: "oidc", privileged });
  return c.redirect(pending.next, 303);
});
