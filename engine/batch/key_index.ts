/**
 * Numbers by string key in typed arrays (issue 25: a listing of 250,000 devices indexed by owner,
 * serial and MAC held ~60 MB as `Map<string, number[]>` with its key strings, the one part of a
 * batch run's memory that grew with the company). An open-addressing hash table keeps, per entry,
 * the key's 32-bit FNV-1a hash and the number — 8 bytes, at most half the slots used — and not the
 * key: a lookup returns the numbers whose key hashes alike, which the caller checks against the
 * record they point to (a different key with the same hash is then dropped, never answered).
 *
 * @module
 */

/** Numbers by key, keys not kept; see {@link createKeyIndex}. */
export interface KeyIndex {
  /** Files `n` (0 ≤ n < 2³² − 1) under `key`. The same pair twice is kept twice. */
  add(key: string, n: number): void;
  /**
   * The numbers filed under `key`, ascending — and, rarely, numbers of another key with the same
   * hash: the caller checks each against what it numbers.
   */
  candidates(key: string): number[];
  /** Entries filed. */
  readonly size: number;
}

/** FNV-1a over the UTF-16 code units of `text`, as an unsigned 32-bit number. */
function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * An empty index: 16 slots, doubled whenever half are used (a million entries take 16 MiB at
 * most, 8 MiB at least).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const bySerial = createKeyIndex();
 * bySerial.add("C02X", 0);
 * bySerial.add("C02Y", 1);
 * bySerial.add("C02X", 2);
 * assert.deepEqual(bySerial.candidates("C02X"), [0, 2]);
 * assert.deepEqual(bySerial.candidates("NOPE"), []);
 * ```
 */
export function createKeyIndex(): KeyIndex {
  let hashes = new Uint32Array(16);
  let refs = new Uint32Array(16); // n + 1; 0 marks an empty slot
  let size = 0;

  const place = (h: number, ref: number) => {
    const mask = refs.length - 1;
    let slot = h & mask;
    while (refs[slot] !== 0) slot = (slot + 1) & mask;
    hashes[slot] = h;
    refs[slot] = ref;
  };
  const grow = () => {
    const [oldHashes, oldRefs] = [hashes, refs];
    hashes = new Uint32Array(oldRefs.length * 2);
    refs = new Uint32Array(oldRefs.length * 2);
    for (let i = 0; i < oldRefs.length; i++) {
      if (oldRefs[i] !== 0) place(oldHashes[i]!, oldRefs[i]!);
    }
  };

  return {
    add(key, n) {
      if (!Number.isInteger(n) || n < 0 || n >= 0xffffffff) {
        throw new RangeError(`Cannot index number ${n}: expected an integer in 0…4294967294`);
      }
      if ((size + 1) * 2 > refs.length) grow();
      place(hash32(key), n + 1);
      size++;
    },
    candidates(key) {
      const h = hash32(key);
      const mask = refs.length - 1;
      const out: number[] = [];
      for (let slot = h & mask; refs[slot] !== 0; slot = (slot + 1) & mask) {
        if (hashes[slot] === h) out.push(refs[slot]! - 1);
      }
      return out.sort((a, b) => a - b);
    },
    get size() {
      return size;
    },
  };
}
