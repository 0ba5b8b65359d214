/**
 * A gzip body compressed once and completed per response: the text is compressed with holes where
 * a per-response value goes (the page's CSP nonce), and each response splices its value into the
 * holes as stored (uncompressed) deflate blocks, with the gzip trailer's CRC-32 and length
 * computed for the result. One reason to change: the gzip framing (RFC 1952) around deflate blocks
 * (RFC 1951 §3.2.3–3.2.4); the compression itself is `node:zlib`'s.
 *
 * The compressed parts end on a byte boundary (`Z_SYNC_FLUSH`) and are compressed independently,
 * so a hole can sit between them: a stored block is a 0 header byte (not final, type 00), LEN and
 * its complement NLEN (16-bit little-endian), then the bytes. Only the last part is final.
 *
 * @module
 */
import { constants, crc32, deflateRawSync } from "node:zlib";

/** A text compressed around its holes, ready to be completed with {@link fillGzip}. */
export interface GzipTemplate {
  /** The compressed parts (raw deflate); a hole sits between each two. */
  parts: Uint8Array[];
  /** The uncompressed parts, for the CRC-32 of each completed body. */
  plain: Uint8Array[];
  /** Uncompressed length of the parts alone, bytes. */
  plainLength: number;
}

const encoder = new TextEncoder();
/** The gzip header: magic, deflate, no flags, no time, no extra flags, OS unknown (255). */
const HEADER = new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255]);
/** The largest stored block (LEN is 16 bits). */
const STORED_MAX = 65_535;

/**
 * Compresses `text` around every occurrence of `hole`.
 *
 * @param text the body, as it is sent (UTF-8)
 * @param hole the per-response value in it (e.g. the nonce the page was rendered with); an empty
 *   string means no hole
 * @returns the template; with no occurrence of `hole`, one part and nothing to fill
 * @example Compress once, complete per response
 * ```ts
 * import { gunzipSync } from "node:zlib";
 * const t = gzipTemplate('<script nonce="n1"></script>', "n1");
 * const body = fillGzip(t, "n2");
 * new TextDecoder().decode(gunzipSync(body)); // '<script nonce="n2"></script>'
 * ```
 */
export function gzipTemplate(text: string, hole: string): GzipTemplate {
  const pieces = hole === "" ? [text] : text.split(hole);
  const plain = pieces.map((p) => encoder.encode(p));
  const parts = plain.map((p, i) =>
    deflateRawSync(
      p,
      i < plain.length - 1 ? { finishFlush: constants.Z_SYNC_FLUSH } : {},
    )
  );
  return {
    parts: parts.map((p) => new Uint8Array(p.buffer, p.byteOffset, p.byteLength)),
    plain,
    plainLength: plain.reduce((n, p) => n + p.length, 0),
  };
}

/**
 * The gzip body of `template` with `value` in every hole.
 *
 * @param template from {@link gzipTemplate}
 * @param value what goes in each hole (UTF-8); at most 65,535 bytes
 * @returns a complete gzip member (header, deflate blocks, CRC-32, length)
 * @throws {RangeError} when `value` is longer than one stored block
 */
export function fillGzip(template: GzipTemplate, value: string): Uint8Array<ArrayBuffer> {
  const bytes = encoder.encode(value);
  if (bytes.length > STORED_MAX) {
    throw new RangeError(`A gzip hole holds at most ${STORED_MAX} bytes, got ${bytes.length}`);
  }
  const holes = template.parts.length - 1;
  const stored = new Uint8Array(5 + bytes.length);
  stored[1] = bytes.length & 0xff;
  stored[2] = bytes.length >> 8;
  stored[3] = ~bytes.length & 0xff;
  stored[4] = (~bytes.length >> 8) & 0xff;
  stored.set(bytes, 5);
  let crc = 0;
  template.plain.forEach((p, i) => {
    crc = crc32(p, crc);
    if (i < holes) crc = crc32(bytes, crc);
  });
  const trailer = new Uint8Array(8);
  const view = new DataView(trailer.buffer);
  view.setUint32(0, crc >>> 0, true);
  view.setUint32(4, (template.plainLength + holes * bytes.length) >>> 0, true);
  const size = HEADER.length + template.parts.reduce((n, p) => n + p.length, 0) +
    holes * stored.length + trailer.length;
  const out = new Uint8Array(size);
  out.set(HEADER, 0);
  let at = HEADER.length;
  template.parts.forEach((p, i) => {
    out.set(p, at);
    at += p.length;
    if (i < holes) {
      out.set(stored, at);
      at += stored.length;
    }
  });
  out.set(trailer, at);
  return out;
}
