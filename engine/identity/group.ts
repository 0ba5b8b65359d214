/**
 * Grouping records that describe the same physical device (spec §6.2), in near-linear time.
 *
 * The original compares every pair of groups until none qualifies: two groups join when a record
 * of one and a record of the other *match* (share an identifier value) and *do not conflict*
 * (no single-valued identifier with two different values). Done on copies of the identifier maps,
 * that fixed point is exactly the connected components of the graph whose edges are the matching,
 * non-conflicting record pairs — whatever the input order. This module computes those components
 * directly: it indexes identifier values (value → records), and inside each index entry joins the
 * records that are compatible, using a union–find.
 *
 * Where the original differs: it merges each tested pair's identifiers into the first record's map
 * in place, so with conflicting records its groups depend on input order. Without conflicts that
 * in-place merge changes nothing; with them we follow the order-free semantics (on copies).
 *
 * @module
 */
import { isUniqueMac } from "./identifiers.ts";
import type { Identifiers } from "../core/types.ts";
import { UnionFind } from "../../lib/union_find.ts";

/** The identifier key whose values are MAC lists, filtered before matching. */
export const MAC_KEY = "mac_addresses";
/** The token of a list value (any string value differs from it: lists never conflict). */
const LIST_TOKEN: unique symbol = Symbol("list");
type Token = string | typeof LIST_TOKEN | undefined;
const SMALL_BUCKET = 8;
/** Up to this many records, {@link groupRecords} tests every pair rather than build its index. */
const FEW = 8;

/** An identifier value found on two or more records. */
export interface SharedIdentifier {
  key: string;
  /** The shared value; for identical lists of non-unique MACs, the list joined by `, `. */
  value: string;
  /** Indexes of the records holding it, ascending. */
  members: number[];
}

/** A single-valued identifier on which two records disagree. */
export interface IdentifierClash {
  key: string;
  a: string;
  b: string;
}

/** Records holding one identifier value (a candidate for joining). */
interface Bucket {
  /** `e`: a usable value; `=`: a non-unique MAC, matched only as itself; `L`: an all-filtered list. */
  kind: "e" | "=" | "L";
  key: string;
  value: string;
  /** Indexes of the records holding it, ascending, each once. */
  members: number[];
}

interface Prepared {
  /** Every bucket, in the order its value was first seen. */
  buckets: Bucket[];
  /** Per record: bit mask of the identifier keys it defines. */
  masks: number[];
  /** Per record: per key bit, the string value, or `LIST_TOKEN` for a list. */
  tokens: Token[][];
  keyCount: number;
}

type IdSource = { identifiers?: Identifiers | undefined };

/**
 * The buckets of one kind, by identifier key then value: two map reads per value and no string
 * built from the key and the value (this runs for every identifier of every record).
 */
class BucketIndex {
  readonly #byKey = new Map<string, Map<string, Bucket>>();
  constructor(readonly kind: Bucket["kind"], readonly all: Bucket[]) {}
  add(key: string, value: string, i: number): void {
    let byValue = this.#byKey.get(key);
    if (byValue === undefined) this.#byKey.set(key, byValue = new Map());
    const bucket = byValue.get(value);
    if (bucket === undefined) {
      const created: Bucket = { kind: this.kind, key, value, members: [i] };
      byValue.set(value, created);
      this.all.push(created);
    } else if (bucket.members[bucket.members.length - 1] !== i) bucket.members.push(i);
  }
}

function prepare(records: readonly IdSource[]): Prepared {
  const buckets: Bucket[] = [];
  const usable = new BucketIndex("e", buckets);
  const exact = new BucketIndex("=", buckets);
  const lists = new BucketIndex("L", buckets);
  const bits = new Map<string, number>();
  const masks: number[] = new Array(records.length);
  const tokens: Token[][] = new Array(records.length);
  for (let i = 0; i < records.length; i++) {
    const ids = records[i]?.identifiers as Record<string, unknown> | undefined;
    let mask = 0;
    const tok: Token[] = [];
    if (ids) {
      for (const k in ids) {
        const v = ids[k];
        let token: Token;
        if (typeof v === "string") {
          token = v;
          if (v !== "") (k === MAC_KEY && !isUniqueMac(v) ? exact : usable).add(k, v, i);
        } else if (Array.isArray(v)) {
          token = LIST_TOKEN;
          let found = 0;
          for (const e of v) {
            if (typeof e !== "string" || (k === MAC_KEY && !isUniqueMac(e))) continue;
            found++;
            usable.add(k, e, i);
          }
          // The original matches identical lists before filtering: keep that for all-filtered lists.
          if (found === 0 && v.length > 0) lists.add(k, JSON.stringify(v), i);
        } else continue; // null and other non-identifier values count as absent
        let bit = bits.get(k);
        if (bit === undefined) bits.set(k, bit = bits.size);
        if (bit < 31) mask |= 1 << bit;
        tok[bit] = token;
      }
    }
    masks[i] = mask;
    tokens[i] = tok;
  }
  return { buckets, masks, tokens, keyCount: bits.size };
}

function compatible(p: Prepared, a: number, b: number): boolean {
  const ta = p.tokens[a]!;
  const tb = p.tokens[b]!;
  const n = Math.min(ta.length, tb.length);
  for (let k = 0; k < n; k++) {
    const x = ta[k];
    const y = tb[k];
    if (x !== undefined && y !== undefined && x !== y) return false;
  }
  return true;
}

/** Joins the compatible records of one bucket (all of them share an identifier value). */
function joinBucket(p: Prepared, uf: UnionFind, members: number[]): void {
  const m = members.length;
  if (m < 2) return;
  if (m <= SMALL_BUCKET || p.keyCount > 31) {
    for (let x = 0; x < m; x++) {
      for (let y = x + 1; y < m; y++) {
        const a = members[x]!;
        const b = members[y]!;
        if (compatible(p, a, b)) uf.union(a, b);
      }
    }
    return;
  }
  // Records with key sets A and B are compatible iff they agree on A ∩ B: bucket both sides by
  // their values on A ∩ B; every A-record and B-record under one projection are pairwise linked.
  const byMask = new Map<number, number[]>();
  for (const r of members) {
    const list = byMask.get(p.masks[r]!);
    if (list === undefined) byMask.set(p.masks[r]!, [r]);
    else list.push(r);
  }
  const masks = [...byMask.keys()];
  for (let x = 0; x < masks.length; x++) {
    for (let y = x; y < masks.length; y++) {
      const common = masks[x]! & masks[y]!;
      const sides = new Map<string, [number[], number[]]>();
      for (const side of x === y ? [0] : [0, 1]) {
        for (const r of byMask.get(masks[side === 0 ? x : y]!)!) {
          const key = projection(p.tokens[r]!, common);
          let entry = sides.get(key);
          if (entry === undefined) sides.set(key, entry = [[], []]);
          entry[side]!.push(r);
        }
      }
      for (const [as, bs] of sides.values()) {
        if (x !== y && bs.length === 0) continue;
        const first = as[0];
        if (first === undefined) continue;
        for (const r of as) uf.union(first, r);
        for (const r of bs) uf.union(first, r);
      }
    }
  }
}

function projection(tokens: Token[], mask: number): string {
  let key = "";
  for (let k = 0; mask !== 0; k++, mask >>>= 1) {
    if (mask & 1) {
      const t = tokens[k];
      key += (t === LIST_TOKEN ? "l" : "s" + t) + "\u0000";
    }
  }
  return key;
}

/**
 * Groups records of the same device. Groups are ordered by their first record, and records within
 * a group keep their input order; the partition itself does not depend on input order.
 *
 * @param records records (only `identifiers` is read)
 * @returns the groups, as indexes into `records`
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const a = { identifiers: { serial: "A" } };
 * const records = [a, { identifiers: {} }, a];
 * assert.deepEqual(groupRecords(records), [[0, 2], [1]]);
 * ```
 */
export function groupRecords(records: readonly IdSource[]): number[][] {
  if (records.length <= FEW) return groupFew(records);
  const p = prepare(records);
  const uf = new UnionFind(records.length);
  for (const bucket of p.buckets) joinBucket(p, uf, bucket.members);
  const groups: number[][] = [];
  const slot = new Int32Array(records.length).fill(-1);
  for (let i = 0; i < records.length; i++) {
    const root = uf.find(i);
    if (slot[root] === -1) slot[root] = groups.push([i]) - 1;
    else groups[slot[root]!]!.push(i);
  }
  return groups;
}

/**
 * {@link groupRecords} of at most {@link FEW} records, by testing every pair: the same groups as
 * the index (two records join when they share a value the index would put in one bucket and are
 * {@link compatible}), without its maps, token tables and typed arrays. Written so because a page
 * view groups one person's few records, where setting up the index cost more than the pairs
 * (issue 24: the demo people's 0–8 records, ~2.2 → ~0.5 µs per person at load 7).
 */
function groupFew(records: readonly IdSource[]): number[][] {
  const n = records.length;
  const root: number[] = [];
  for (let i = 0; i < n; i++) root.push(i);
  const find = (i: number) => {
    while (root[i] !== i) i = root[i]!;
    return i;
  };
  for (let b = 1; b < n; b++) {
    const y = records[b]?.identifiers as Record<string, unknown> | undefined;
    if (!y) continue;
    for (let a = 0; a < b; a++) {
      const x = records[a]?.identifiers as Record<string, unknown> | undefined;
      if (!x || !joins(x, y)) continue;
      const ra = find(a);
      const rb = find(b);
      if (ra < rb) root[rb] = ra; // the smaller index stays the root, as in `UnionFind`
      else if (rb < ra) root[ra] = rb;
    }
  }
  const groups: number[][] = [];
  const slot: number[] = [];
  for (let i = 0; i < n; i++) {
    const r = find(i);
    if (r === i) slot[i] = groups.push([i]) - 1;
    else groups[slot[r]!]!.push(i);
  }
  return groups;
}

/**
 * Whether two records' identifiers put them in one group: no identifier conflicts (a key whose
 * values are two different strings, or a string and a list) and one is shared — the same
 * non-empty string, a list element both lists hold (MACs only when unique), or, for lists whose
 * every element is filtered out, the same list.
 */
function joins(x: Record<string, unknown>, y: Record<string, unknown>): boolean {
  let shared = false;
  for (const k in x) {
    const u = x[k];
    const v = y[k];
    if (typeof u === "string") {
      if (typeof v === "string") {
        if (u !== v) return false;
        if (u !== "") shared = true;
      } else if (Array.isArray(v)) return false;
    } else if (Array.isArray(u)) {
      if (typeof v === "string") return false;
      if (!shared && Array.isArray(v) && listsShare(k, u, v)) shared = true;
    }
  }
  return shared;
}

/** Whether two lists of one identifier key would meet in a bucket of the index (see `prepare`). */
function listsShare(key: string, u: readonly unknown[], v: readonly unknown[]): boolean {
  const macs = key === MAC_KEY;
  let usable = 0;
  for (const e of u) {
    if (typeof e !== "string" || (macs && !isUniqueMac(e))) continue;
    usable++;
    if (v.includes(e)) return true;
  }
  // a list with nothing usable is matched as a whole (the original compares lists before filtering)
  return usable === 0 && u.length > 0 && JSON.stringify(u) === JSON.stringify(v);
}

/** Every identifier value held by two or more records (the candidates for grouping). */
export function sharedIdentifiers(records: readonly IdSource[]): SharedIdentifier[] {
  const out: SharedIdentifier[] = [];
  for (const { kind, key, value, members } of prepare(records).buckets) {
    if (members.length < 2) continue;
    const shown = kind === "L" ? (JSON.parse(value) as string[]).join(", ") : value;
    out.push({ key, value: shown, members });
  }
  return out;
}

/** The first single-valued identifier on which `a` and `b` disagree, or `null`. */
export function identifierClash(
  a: Identifiers | undefined,
  b: Identifiers | undefined,
): IdentifierClash | null {
  if (!a || !b) return null;
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  for (const k in ra) {
    const x = ra[k];
    const y = rb[k];
    if (!isIdentifierValue(x) || !isIdentifierValue(y)) continue;
    if (Array.isArray(x) && Array.isArray(y)) continue;
    if (typeof x === "string" && typeof y === "string" && x === y) continue;
    if (typeof x === "string" || typeof y === "string") return { key: k, a: show(x), b: show(y) };
  }
  return null;
}

function isIdentifierValue(v: unknown): v is string | unknown[] {
  return typeof v === "string" || Array.isArray(v);
}

function show(v: unknown): string {
  return Array.isArray(v) ? v.join(", ") : String(v);
}
