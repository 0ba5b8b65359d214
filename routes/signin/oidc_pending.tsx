/**
 * The pending OpenID sign-in (the signed cookie the start route writes and the callback reads)
 * and the page that answers a refused sign-in (`refusedPage`, used by `app.onError` through
 * routes/refusals.ts), which also clears that cookie. The routes are in oidc.tsx.
 *
 * @module
 */
import { LoginRefused } from "../../views/login.tsx";
import type { Ctx } from "../context.ts";
import { page } from "../rendering/render.tsx";
import type { OidcRefused } from "./oidc_rules.ts";
import { secureCookies } from "./session.ts";
import { signedJsonCookie } from "./signed_cookies.ts";

/** How long a started sign-in may take, in seconds. */
export const PENDING_SECONDS = 600;

/** What the pending-sign-in cookie holds. */
export interface Pending {
  state: string;
  nonce: string;
  verifier: string;
  next: string;
  /** Expiry, ms since epoch (the cookie's Max-Age is only advice to the browser). */
  exp: number;
}

/**
 * The sign-in refused page for `error`, with its status: "Sign-in is misconfigured" (told to the
 * operators and the failure loggers) or "Sign-in failed" with the reason and a way to try again.
 * Clears the pending-sign-in cookie.
 *
 * @param c the request
 * @param error the refusal
 * @returns the page
 */
export function refusedPage(c: Ctx, error: OidcRefused): Response | Promise<Response> {
  const { log, failureLoggers } = c.var.deps;
  if (error.code === "sign_in_misconfigured" || error.code === "discovery_issuer_mismatch") {
    // The person cannot fix this: the operators are told, with the provider's own words.
    log.error("sign-in is misconfigured", { method: "oidc", reason: error.code, ...error.detail });
    const told = new Error(`OIDC sign-in is misconfigured: ${JSON.stringify(error.detail)}`);
    for (const f of failureLoggers) {
      try {
        f.logFailure(told, { route: c.req.routePath });
      } catch {
        // failure loggers must never make things worse
      }
    }
  } else {
    log.warn("sign-in refused", { method: "oidc", reason: error.code, ...error.detail });
  }
  PENDING_COOKIE.clear(c, { secure: secureCookies(c, c.var.deps.config) });
  const misconfigured = error.code === "sign_in_misconfigured";
  const title = misconfigured ? "Sign-in is misconfigured" : "Sign-in failed";
  return page(
    c,
    { title, status: error.status },
    <LoginRefused reason={error.message} title={title} retry={!misconfigured} />,
  );
}

/** The pending sign-in's fields from the cookie's JSON, or `null` when one is missing. */
function parsePending(json: unknown): Pending | null {
  const p = json as Partial<Pending>;
  if (
    typeof p.state !== "string" || typeof p.nonce !== "string" ||
    typeof p.verifier !== "string" || typeof p.next !== "string" || typeof p.exp !== "number"
  ) return null;
  return p as Pending;
}

/**
 * The pending-sign-in cookie, scoped to `/auth/oidc`. Lax: it must come back on the provider's
 * top-level redirect to the callback.
 */
export const PENDING_COOKIE = signedJsonCookie<Pending>({
  name: "stethoscope_oidc",
  path: "/auth/oidc",
  sameSite: "Lax",
  parse: parsePending,
});
