/**
 * A whole rendered page sent gzip-compressed in one synchronous step (`node:zlib`), instead of
 * through the compress middleware's `CompressionStream`: for a page of 3–30 KB the stream's
 * machinery cost about twice the compression itself (issue 24, `bench/pages_cpu.ts`). Only when
 * the browser accepts gzip outright (q=1), as the middleware would then choose gzip too; else, and
 * for bodies under the middleware's 1 KB threshold, the page goes to the middleware as before.
 * One reason to change: how a complete HTML body is encoded on the wire.
 *
 * @module
 */
import { gzipSync } from "node:zlib";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { Ctx } from "../context.ts";

/**
 * zlib's fastest level, nginx's default `gzip_comp_level` (ngx_http_gzip_module): for a 9–31 KB
 * Devices page it halves the compression's CPU against zlib's default 6 (0.10 against 0.20 ms),
 * for 35–40 % more bytes (a 31 KB page: 7.0 KB instead of 5.0 KB; issue 24, bench/README.md).
 */
const GZIP_LEVEL = 1;

const encoder = new TextEncoder();

/** Bodies shorter than this (UTF-16 code units) are left to the middleware (its threshold). */
const THRESHOLD = 1024;
const VARY_ACCEPT_ENCODING_RE = /(?:^|,)\s*accept-encoding\s*(?:,|$)/i;

/**
 * Whether `header` accepts gzip with q=1, so hono's compress middleware would choose it.
 *
 * @param header the request's `Accept-Encoding`
 * @returns true for `gzip`, `gzip, br`, `deflate;q=0.5, gzip;q=1.0`; false for `gzip;q=0.9`,
 *   `identity`, `*` or none
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(prefersGzip("gzip, deflate, br"), true);
 * assert.equal(prefersGzip("gzip;q=0.9"), false);
 * ```
 */
export function prefersGzip(header: string | undefined): boolean {
  if (header === undefined) return false;
  return header.split(",").some((item) => {
    const [name, ...params] = item.split(";").map((p) => p.trim().toLowerCase());
    if (name !== "gzip") return false;
    const q = params.find((p) => p.startsWith("q="));
    return q === undefined || Number(q.slice(2)) === 1;
  });
}

/**
 * Answers `html` as `text/html`, gzip-compressed here when the request prefers gzip and the body
 * is at least 1 KB (with `Content-Encoding: gzip` and `Vary: Accept-Encoding`, as the middleware
 * sets them), else as text for the compress middleware to handle.
 *
 * @param c the request
 * @param html the complete page
 * @param status the response status
 * @returns the response
 */
export function sendHtml(c: Ctx, html: string, status: ContentfulStatusCode): Response {
  if (
    c.req.method === "HEAD" || html.length < THRESHOLD ||
    !prefersGzip(c.req.header("Accept-Encoding"))
  ) {
    return c.html(html, status);
  }
  // the page's bytes from TextEncoder: node:zlib's own string-to-Buffer step cost 5 % of a view
  const gzip = gzipSync(encoder.encode(html), { level: GZIP_LEVEL });
  const bytes = new Uint8Array(gzip.buffer as ArrayBuffer, gzip.byteOffset, gzip.byteLength);
  const res = c.body(bytes, status, {
    "Content-Type": "text/html; charset=UTF-8",
    "Content-Encoding": "gzip",
  });
  const vary = res.headers.get("Vary");
  if (vary !== "*" && !VARY_ACCEPT_ENCODING_RE.test(vary ?? "")) {
    res.headers.set("Vary", vary ? `${vary}, Accept-Encoding` : "Accept-Encoding");
  }
  return res;
}
