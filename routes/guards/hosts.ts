/**
 * `TRUSTED_HOSTS` (spec §8.4, fixed): a request whose host is not in the list is answered
 * `400 Host "<host>" is not trusted` before anything else runs, so a forged `Host` header can never
 * reach URL building, cookies or logs.
 *
 * The host is the `Host` header (else the request URL's host), port stripped, compared
 * case-insensitively; an entry starting with `.` matches that domain and all its subdomains.
 * `X-Forwarded-Host` is only looked at when `PUBLIC_ORIGIN` is set (the app is behind a proxy and
 * builds its own URLs from `PUBLIC_ORIGIN` anyway); its first value then wins over `Host`.
 *
 * @module
 */
import type { MiddlewareHandler } from "hono";
import { html } from "hono/html";
import { hostName, isTrustedHost, trustedHostEntries } from "../../lib/trusted_host.ts";

const MAX_SHOWN = 100;

/**
 * Middleware refusing requests for untrusted hosts. Without `trusted`, it lets everything through.
 *
 * @param options the configured `TRUSTED_HOSTS` and whether `PUBLIC_ORIGIN` is set
 * @returns the middleware
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Hono } from "hono";
 * const app = new Hono();
 * app.use(trustedHosts({ trusted: ["steth.example.com"], behindProxy: false }));
 * app.get("/", (c) => c.text("hello"));
 * assert.equal((await app.request("https://steth.example.com/")).status, 200);
 * const other = await app.request("https://evil.example/");
 * assert.equal(other.status, 400);
 * assert.equal(await other.text(), 'Host "evil.example" is not trusted');
 * ```
 */
export function trustedHosts(
  options: { trusted: readonly string[] | undefined; behindProxy: boolean },
): MiddlewareHandler {
  const trusted = options.trusted && trustedHostEntries(options.trusted);
  return async function hostCheck(c, next) {
    if (!trusted || trusted.length === 0) return await next();
    const forwarded = options.behindProxy
      ? c.req.header("X-Forwarded-Host")?.split(",")[0]?.trim()
      : undefined;
    const raw = forwarded || c.req.header("Host") || new URL(c.req.url).host;
    if (isTrustedHost(hostName(raw), trusted)) return await next();
    const shown = raw.slice(0, MAX_SHOWN).replace(/[^\x20-\x7e]/g, "?");
    c.header("X-Content-Type-Options", "nosniff");
    c.header("Cache-Control", "no-store");
    return c.text(`Host "${String(html`${shown}`)}" is not trusted`, 400);
  };
}
