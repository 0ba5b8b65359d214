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
import { constants, createGzip, gunzipSync, gzipSync } from "node:zlib";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { Ctx } from "../context.ts";

/**
 * zlib's fastest level, nginx's default `gzip_comp_level` (ngx_http_gzip_module): for a 9–31 KB
 * Devices page it halves the compression's CPU against zlib's default 6 (0.10 against 0.20 ms),
 * for 35–40 % more bytes (a 31 KB page: 7.0 KB instead of 5.0 KB; issue 24, bench/README.md).
 */
const GZIP_LEVEL = 1;

const encoder = new TextEncoder();

/**
 * The page's UTF-8 bytes are written here (`encodeInto`) rather than into a new array per page:
 * `TextEncoder.encode` of a 31 KB page cost 0.05–0.07 ms, `encodeInto` a reused buffer 0.035 ms
 * (issue 24). Safe to share: `gzipSync` reads it synchronously and returns its own bytes, so the
 * buffer is free again before the next page is encoded. Grown (never shrunk) to 3 bytes per UTF-16
 * code unit of the largest page sent, the most UTF-8 can take.
 */
let scratch = new Uint8Array(64 * 1024);

/**
 * The part of node:zlib's Gzip object a page is compressed with: its native handle, reset and
 * written once per page (`writeSync` with `Z_FINISH`), and the array it reports into
 * (`[availOut, availIn]`). Node's own `zlibBufferSync` does the same, but on a new Gzip object each
 * time: setting one up (stream machinery, zlib's `deflateInit2`) was more than half of
 * `gzipSync`'s CPU for a 4–31 KB page (8 KB: 27 µs against 16.5 µs reused; 31 KB: 46 against 35;
 * issue 24). These are node:zlib's internals, so {@link reusedGzip} checks them once at start-up
 * against `gunzipSync` and falls back to `gzipSync` if they are not as expected.
 */
interface GzipHandle {
  reset(): void;
  writeSync(
    flush: number,
    input: Uint8Array,
    inOffset: number,
    inLength: number,
    output: Uint8Array,
    outOffset: number,
    outLength: number,
  ): void;
}

/** The reused handle and its report array, or `null` when node:zlib does not have them. */
function reusedGzip(): { handle: GzipHandle; state: Uint32Array | number[] } | null {
  try {
    const gzip = createGzip({ level: GZIP_LEVEL }) as unknown as {
      _handle?: Partial<GzipHandle>;
      _writeState?: Uint32Array | number[];
    };
    const handle = gzip._handle;
    const state = gzip._writeState;
    if (
      typeof handle?.reset !== "function" || typeof handle.writeSync !== "function" ||
      state === undefined
    ) return null;
    const found = { handle: handle as GzipHandle, state };
    const probe = "Checked · ✓ — ".repeat(200);
    for (let i = 0; i < 2; i++) { // twice: the second after a reset
      const bytes = deflated(found, encoder.encode(probe));
      if (bytes === null || new TextDecoder().decode(gunzipSync(bytes)) !== probe) return null;
    }
    return found;
  } catch {
    return null;
  }
}

/** Where the reused handle writes; a page's bytes are copied out of it. */
let zipped = new Uint8Array(16 * 1024);

/** `input` gzip-compressed by the reused handle, or `null` if its output did not fit. */
function deflated(
  gzip: { handle: GzipHandle; state: Uint32Array | number[] },
  input: Uint8Array,
): Uint8Array<ArrayBuffer> | null {
  // room for HTML, which compresses; text that does not can come out ~10 % larger at level 1
  // here (not zlib's deflateBound()): it does not fit, and gzip() falls back and replaces the handle
  const bound = input.length + (input.length >> 10) + 128;
  if (zipped.length < bound) zipped = new Uint8Array(bound);
  gzip.handle.reset();
  gzip.handle.writeSync(constants.Z_FINISH, input, 0, input.length, zipped, 0, zipped.length);
  const [availOut, availIn] = gzip.state;
  if (availOut === undefined || availOut === 0 || availIn !== 0) return null;
  return zipped.slice(0, zipped.length - availOut);
}

let reused = reusedGzip();

/** Whether pages are compressed with the one reused handle (else `gzipSync` per page). */
export const REUSES_GZIP: boolean = reused !== null;

/**
 * `input` gzip-compressed at {@link GZIP_LEVEL}: with the one reused handle when node:zlib has it,
 * else by `gzipSync`. Synchronous, so one handle serves every request of this thread. A page the
 * handle could not finish (its output did not fit: level 1 can make text that does not compress
 * a tenth larger) goes through `gzipSync`, and the handle is replaced: `reset()` does not drop
 * what it held back, and the next page sent began with those bytes (a corrupt page).
 */
function gzip(input: Uint8Array): Uint8Array<ArrayBuffer> {
  if (reused !== null) {
    const bytes = deflated(reused, input);
    if (bytes !== null) return bytes;
    reused = reusedGzip();
  }
  const zipped = gzipSync(input, { level: GZIP_LEVEL });
  return new Uint8Array(zipped.buffer as ArrayBuffer, zipped.byteOffset, zipped.byteLength);
}

/** `text` as UTF-8, in {@link scratch}: valid until the next call. */
function utf8(text: string): Uint8Array {
  if (scratch.length < text.length * 3) scratch = new Uint8Array(text.length * 3);
  const { written } = encoder.encodeInto(text, scratch);
  return scratch.subarray(0, written);
}

/**
 * A page's text as gzip bytes, zlib level 1 — the same bytes as `gzipSync(utf8, { level: 1 })`.
 *
 * @param text the page
 * @returns its UTF-8 bytes, gzip-compressed (a new array of its own)
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { gunzipSync } from "node:zlib";
 * const page = "<p>Checked · ✓</p>".repeat(100);
 * assert.equal(new TextDecoder().decode(gunzipSync(gzipText(page))), page);
 * ```
 */
export function gzipText(text: string): Uint8Array<ArrayBuffer> {
  return gzip(utf8(text));
}

/** Bodies shorter than this (UTF-16 code units) are left to the middleware (its threshold). */
const THRESHOLD = 1024;
const VARY_ACCEPT_ENCODING_RE = /(?:^|,)\s*accept-encoding\s*(?:,|$)/i;

/**
 * The last `Accept-Encoding` answered and the answer: browsers send a handful of spellings, so
 * most page views ask {@link prefersGzip} again what it just worked out (a pure function of the
 * header, shared by everybody).
 */
let lastAccept = { header: "", gzip: false };

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
  if (header === lastAccept.header) return lastAccept.gzip;
  const gzip = header.split(",").some((item) => {
    const [name, ...params] = item.split(";").map((p) => p.trim().toLowerCase());
    if (name !== "gzip") return false;
    const q = params.find((p) => p.startsWith("q="));
    return q === undefined || Number(q.slice(2)) === 1;
  });
  lastAccept = { header, gzip };
  return gzip;
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
  const res = c.body(gzipText(html), status, {
    "Content-Type": "text/html; charset=UTF-8",
    "Content-Encoding": "gzip",
  });
  const vary = res.headers.get("Vary");
  if (vary !== "*" && !VARY_ACCEPT_ENCODING_RE.test(vary ?? "")) {
    res.headers.set("Vary", vary ? `${vary}, Accept-Encoding` : "Accept-Encoding");
  }
  return res;
}
