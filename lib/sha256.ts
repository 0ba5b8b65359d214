/**
 * SHA-256 digests through Web Crypto, and synchronously through `node:crypto` where many small
 * texts are hashed in a row (a batch's document ids: Web Crypto's one asynchronous call per
 * digest cost a third of a 10,000-person run's CPU). Changes only if how we hash text or bytes changes.
 *
 * @module
 */

import { createHash } from "node:crypto";
import { encodeHex } from "./hex.ts";

/**
 * The SHA-256 digest of `data` (a string is hashed as its UTF-8 bytes).
 *
 * @param data text or bytes
 * @returns the 32 digest bytes
 * @example Hash an empty string
 * ```ts
 * import assert from "node:assert/strict";
 * import { sha256 } from "./sha256.ts";
 * assert.equal((await sha256("")).length, 32);
 * ```
 */
export async function sha256(data: string | Uint8Array): Promise<Uint8Array> {
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  return new Uint8Array(await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>));
}

/**
 * The SHA-256 digest of `data` (a string is hashed as its UTF-8 bytes) as lowercase hex.
 *
 * @param data text or bytes
 * @returns 64 characters of `0-9a-f`
 * @example Hash "abc" (FIPS 180-2 test vector)
 * ```ts
 * import assert from "node:assert/strict";
 * import { sha256Hex } from "./sha256.ts";
 * assert.equal(
 *   await sha256Hex("abc"),
 *   "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
 * );
 * ```
 */
export async function sha256Hex(data: string | Uint8Array): Promise<string> {
  return encodeHex(await sha256(data));
}

/**
 * The SHA-256 digest of `text` (its UTF-8 bytes) as lowercase hex, synchronously: the same value
 * as {@link sha256Hex}.
 *
 * @param text the text
 * @returns 64 characters of `0-9a-f`
 * @example Hash "abc" (FIPS 180-2 test vector)
 * ```ts
 * import assert from "node:assert/strict";
 * import { sha256HexSync } from "./sha256.ts";
 * assert.equal(
 *   sha256HexSync("abc"),
 *   "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
 * );
 * ```
 */
export function sha256HexSync(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}
