/**
 * Bytes as lowercase hexadecimal text. Changes only if the hex spelling of bytes changes.
 *
 * @module
 */

/**
 * The bytes as lowercase hex, two characters a byte, most significant nibble first.
 *
 * @param bytes the bytes (an `ArrayBuffer` is read whole)
 * @returns `2 × byteLength` characters of `0-9a-f`; `""` for no bytes
 * @example Encode two bytes
 * ```ts
 * import assert from "node:assert/strict";
 * import { encodeHex } from "./hex.ts";
 * assert.equal(encodeHex(new Uint8Array([0, 255])), "00ff");
 * ```
 */
export function encodeHex(bytes: Uint8Array | ArrayBuffer): string {
  const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  return Array.from(view, (b) => b.toString(16).padStart(2, "0")).join("");
}
