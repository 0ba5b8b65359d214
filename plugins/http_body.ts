/**
 * Reading an HTTP response body with a size limit, so a huge or endless upstream answer never
 * fills memory. Changes when the way bodies are read or limited changes.
 *
 * @module
 */

import { decodeText } from "../lib/decode_text.ts";

/**
 * Reads a response body as text (UTF-8, or UTF-16 by its byte-order mark: `lib/decode_text.ts`), giving up (and cancelling the body) as soon as it passes
 * `maxBytes`, so a huge or endless answer never fills memory. A declared `Content-Length` above
 * the limit is refused before any byte is read.
 *
 * @param response the upstream answer; its body is consumed (or cancelled)
 * @param maxBytes the largest body accepted, in bytes
 * @returns the text (`""` for no body), or `null` when the body is larger than `maxBytes`
 * @example Refusing a body over 4 bytes
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(await readBounded(new Response("hello"), 4), null);
 * assert.equal(await readBounded(new Response("hey"), 4), "hey");
 * ```
 */
export async function readBounded(response: Response, maxBytes: number): Promise<string | null> {
  const declared = Number(response.headers.get("Content-Length") ?? "NaN");
  if (declared > maxBytes) {
    await response.body?.cancel();
    return null;
  }
  const reader = response.body?.getReader();
  if (!reader) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  const all = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.byteLength;
  }
  return decodeText(all).text;
}
