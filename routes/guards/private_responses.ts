/**
 * Nothing personal stays in a browser or proxy cache: every response that is not a public asset
 * gets `Cache-Control: no-store` and `Vary: Cookie, Authorization` (pages, htmx fragments, the JSON
 * API and error pages all depend on who is signed in — an error page names the person in its
 * header). The `Clear-Site-Data` value a sign-out sends is defined here too, but sent by the
 * sign-out handler itself (`routes/signin/auth.tsx`), only when a session was ended: a refused
 * cross-site `POST /logout` must not wipe the site's cookies (issue 22). Public assets (`Cache-Control: public, …`, set by `routes/assets.ts`) keep
 * their own caching; a response already `no-store` keeps its other directives (the streamed first
 * view's `no-transform`).
 *
 * @module
 */
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../context.ts";

/**
 * The `Clear-Site-Data` value sent with a sign-out that ended a session, so the browser drops what
 * it kept for this site (W3C Clear Site Data; browsers honour it on https and on localhost).
 */
export const CLEAR_ON_SIGN_OUT = '"cache", "cookies"';

const PUBLIC_RE = /(^|,)\s*public\b/i;
const NO_STORE_RE = /(^|,)\s*no-store\b/i;

/**
 * The middleware; mount it outside every route and error handler so it sees their responses.
 *
 * @returns the middleware (no options)
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Hono } from "hono";
 * import type { AppEnv } from "../context.ts";
 * const app = new Hono<AppEnv>();
 * app.use(privateResponses());
 * app.get("/devices", (c) => c.text("Fry's devices"));
 * const answer = await app.request("/devices");
 * assert.equal(answer.headers.get("cache-control"), "no-store");
 * assert.equal(answer.headers.get("vary"), "Cookie, Authorization");
 * ```
 */
export function privateResponses(): MiddlewareHandler<AppEnv> {
  return async function privateResponses(c, next) {
    await next();
    // on the response's own headers, as hono's secureHeaders does: `c.header()` after the handler
    // builds the whole Response again for each header (5 % of a page view's CPU, issue 24)
    const headers = c.res.headers;
    const cacheControl = headers.get("Cache-Control");
    if (cacheControl !== null && PUBLIC_RE.test(cacheControl)) return;
    if (cacheControl === null || !NO_STORE_RE.test(cacheControl)) {
      headers.set("Cache-Control", "no-store");
    }
    headers.append("Vary", "Cookie, Authorization");
  };
}
