/**
 * Decoding the bytes of an exported file or an upstream answer into text, whatever encoding the
 * exporting tool chose: Windows PowerShell 5.1 writes UTF-8 *with* a byte-order mark
 * (`Out-File -Encoding UTF8`, PowerShell/PowerShell#8592), UTF-16 LE with a BOM by default
 * (`Out-File`, `>` redirection) or UTF-16 BE (`-Encoding BigEndianUnicode`), and the ANSI code
 * page (`Set-Content` default: Windows-1252 in the west). RFC 8259 §8.1 lets JSON readers ignore a
 * BOM, and a JSON text starts with an ASCII character, so UTF-16 without a BOM is recognised by its
 * zero bytes (RFC 4627 §3). One reason to change: a new encoding seen in exports.
 *
 * @module
 */

/** What {@link decodeText} found. */
export interface DecodedText {
  text: string;
  /** The encoding read: `utf-8`, `utf-16le`, `utf-16be` or `windows-1252`. */
  encoding: "utf-8" | "utf-16le" | "utf-16be" | "windows-1252";
  /** Whether a byte-order mark was found (and dropped). */
  bom: boolean;
}

/**
 * Decodes bytes into text, dropping any byte-order mark: UTF-8 (with or without BOM), UTF-16 LE or
 * BE (with a BOM, or without one when the text starts with an ASCII character, as JSON does), and
 * bytes that are not valid UTF-8 as Windows-1252 (the ANSI code page of Windows PowerShell 5.1).
 *
 * @param bytes the file or body as read
 * @returns the text, its encoding and whether a BOM was dropped
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(decodeText(new Uint8Array([0xef, 0xbb, 0xbf, 0x5b, 0x5d])).text, "[]");
 * const utf16 = new Uint8Array([0xff, 0xfe, 0x5b, 0x00, 0x5d, 0x00]);
 * assert.equal(decodeText(utf16).encoding, "utf-16le");
 * ```
 */
export function decodeText(bytes: Uint8Array): DecodedText {
  const [a, b, c] = bytes;
  if (a === 0xef && b === 0xbb && c === 0xbf) {
    return { text: utf8(bytes.subarray(3)), encoding: "utf-8", bom: true };
  }
  if (a === 0xff && b === 0xfe) return utf16("utf-16le", bytes.subarray(2), true);
  if (a === 0xfe && b === 0xff) return utf16("utf-16be", bytes.subarray(2), true);
  if (bytes.length >= 2 && a !== 0 && b === 0) return utf16("utf-16le", bytes, false);
  if (bytes.length >= 2 && a === 0 && b !== 0) return utf16("utf-16be", bytes, false);
  try {
    return {
      text: new TextDecoder("utf-8", { fatal: true }).decode(bytes),
      encoding: "utf-8",
      bom: false,
    };
  } catch {
    return {
      text: new TextDecoder("windows-1252").decode(bytes),
      encoding: "windows-1252",
      bom: false,
    };
  }
}

function utf8(bytes: Uint8Array): string {
  return new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes);
}

function utf16(
  encoding: "utf-16le" | "utf-16be",
  bytes: Uint8Array,
  bom: boolean,
): DecodedText {
  // ignoreBOM keeps a second mark (a file concatenated from two exports) for the parser to drop.
  return { text: new TextDecoder(encoding, { ignoreBOM: true }).decode(bytes), encoding, bom };
}
