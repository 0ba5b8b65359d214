/**
 * Who a batch run looks up (spec §10): the people of an emails file, and which of them belong to
 * this machine's shard. Changes when the input file's rules or the sharding scheme change.
 *
 * @module
 */
import { foldEmail } from "../identity/emails.ts";
import { isValidEmail } from "../identity/identifiers.ts";
import { sha256HexSync } from "../../lib/sha256.ts";

const STRIP_RE = /["\s]/g;

/** The people of an emails file: valid, deduplicated addresses in file order. */
export interface EmailList {
  emails: string[];
  /** Lines that are not email addresses, as written (after stripping). */
  invalid: string[];
  /** Lines skipped because the address came earlier (compared by `foldEmail`: ASCII case only). */
  duplicates: number;
}

/**
 * Reads an emails file: one address per line, whitespace and `"` stripped (spec §10), blank lines
 * and repeated addresses skipped, anything else that is not an address reported in `invalid`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.deepEqual(parseEmailList('"fry@example.com"\n\nfry@example.com\nnope\n'), {
 *   emails: ["fry@example.com"],
 *   invalid: ["nope"],
 *   duplicates: 1,
 * });
 * ```
 */
export function parseEmailList(text: string): EmailList {
  const seen = new Set<string>();
  const out: EmailList = { emails: [], invalid: [], duplicates: 0 };
  for (const line of text.split(/\r?\n/)) {
    const email = line.replace(STRIP_RE, "");
    if (email === "") continue;
    if (!isValidEmail(email)) {
      out.invalid.push(email);
      continue;
    }
    const key = foldEmail(email);
    if (seen.has(key)) {
      out.duplicates++;
      continue;
    }
    seen.add(key);
    out.emails.push(email);
  }
  return out;
}

/** One machine's part of a run: `index` of `count` (1-based). */
export interface Shard {
  index: number;
  count: number;
}

/**
 * Parses `--shard I/N`.
 *
 * @throws {RangeError} when the text is not `I/N` with 1 ≤ I ≤ N
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.deepEqual(parseShard("2/4"), { index: 2, count: 4 });
 * ```
 */
export function parseShard(text: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (!m || count < 1 || index < 1 || index > count) {
    throw new RangeError(`Invalid shard "${text}": expected I/N with 1 ≤ I ≤ N, e.g. 2/4`);
  }
  return { index, count };
}

/**
 * The shard (1..count) an email belongs to: the first 4 bytes of SHA-256 of the address folded
 * by `foldEmail`, modulo `count`. Stable across machines and runs.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(await shardOf("fry@example.com", 4), 1);
 * assert.equal(await shardOf("FRY@example.com", 4), 1); // the same person, the same shard
 * ```
 */
export function shardOf(email: string, count: number): Promise<number> {
  return Promise.resolve(shardOfSync(email, count));
}

function shardOfSync(email: string, count: number): number {
  // the first 8 hex digits are the first 4 bytes, big-endian
  return (parseInt(sha256HexSync(foldEmail(email)).slice(0, 8), 16) % count) + 1;
}

/** The emails of `list` that belong to `shard`, in their order. */
export function selectShard(list: readonly string[], shard: Shard): Promise<string[]> {
  if (shard.count === 1) return Promise.resolve([...list]);
  return Promise.resolve(list.filter((e) => shardOfSync(e, shard.count) === shard.index));
}
