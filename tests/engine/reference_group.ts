/**
 * A slow, literal port of the ORIGINAL grouping (spec §6.2: `compare_identifiers`,
 * `merge_identifiers`, `group_devices`), used only as an oracle in property tests.
 *
 * `mutate: true` reproduces the original's in-place update of the first record's identifier map
 * during the pair test (on copies of the inputs, so the caller's records are untouched); that
 * variant is order dependent when records conflict. `mutate: false` tests on copies, which is the
 * behaviour the spec recommends and `groupRecords()` implements.
 *
 * @module
 */
import { filterMacs } from "../../engine/identity/identifiers.ts";
import type { Identifiers } from "../../engine/core/types.ts";

type Ids = Record<string, unknown>;

class MergeConflict extends Error {}

function len(v: unknown): number {
  return typeof v === "string" || Array.isArray(v) ? v.length : 1;
}

function pyEqual(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((x, i) => pyEqual(x, b[i]));
  }
  return a === b;
}

/** The original's `compare_identifiers(a, b)`. */
export function referenceCompare(a: Ids, b: Ids): boolean {
  for (const k of Object.keys(a)) {
    if (!(k in b)) continue;
    const va = a[k];
    const vb = b[k];
    if (len(va) === 0 || len(vb) === 0) continue;
    if (pyEqual(va, vb)) return true;
    if (typeof va === "string" && typeof vb === "string") continue;
    let la = (typeof va === "string" ? [va] : va) as string[];
    let lb = (typeof vb === "string" ? [vb] : vb) as string[];
    if (k === "mac_addresses") {
      la = filterMacs(la);
      lb = filterMacs(lb);
    }
    if (la.some((x) => lb.includes(x))) return true;
  }
  return false;
}

/** The original's `merge_identifiers([first, second])`; changes `first` in place. */
function mergeInto(first: Ids, second: Ids): void {
  for (const k of Object.keys(second)) {
    const v = second[k];
    if (!(k in first)) {
      first[k] = Array.isArray(v) ? [...v] : v;
      continue;
    }
    const cur = first[k];
    if (pyEqual(cur, v)) continue;
    if (typeof cur === "string" || typeof v === "string") throw new MergeConflict(k);
    if (Array.isArray(cur) && Array.isArray(v)) {
      first[k] = [...cur, ...v.filter((x) => !cur.includes(x))];
    } else throw new MergeConflict(k);
  }
}

function copyIds(ids: Identifiers | undefined): Ids {
  const out: Ids = {};
  for (const [k, v] of Object.entries(ids ?? {})) {
    if (v === undefined || v === null) continue;
    out[k] = Array.isArray(v) ? [...v] : v;
  }
  return out;
}

/**
 * The original's `group_devices`: repeatedly joins the first pair of groups (outer ascending,
 * inner ascending) holding a matching, non-conflicting pair of records.
 *
 * @returns groups of indexes, in the original's group and member order
 */
export function referenceGroup(
  records: readonly { identifiers?: Identifiers }[],
  options: { mutate: boolean },
): number[][] {
  const ids = records.map((r) => copyIds(r.identifiers));
  const groups: number[][] = records.map((_, i) => [i]);
  const pairOk = (d1: number, d2: number): boolean => {
    if (!referenceCompare(ids[d1]!, ids[d2]!)) return false;
    const target = options.mutate ? ids[d1]! : copyIds(ids[d1]! as Identifiers);
    try {
      mergeInto(target, ids[d2]!);
      return true;
    } catch (error) {
      if (error instanceof MergeConflict) return false;
      throw error;
    }
  };
  for (;;) {
    let joined = false;
    search: for (let i = 0; i < groups.length; i++) {
      for (let j = 0; j < groups.length; j++) {
        if (i === j) continue;
        for (const d1 of groups[i]!) {
          for (const d2 of groups[j]!) {
            if (!pairOk(d1, d2)) continue;
            groups[i] = [...groups[i]!, ...groups[j]!];
            groups.splice(j, 1);
            joined = true;
            break search;
          }
        }
      }
    }
    if (!joined) return groups;
  }
}

/** A partition in canonical form: members ascending, groups by first member. */
export function canonical(groups: readonly (readonly number[])[]): number[][] {
  return groups.map((g) => [...g].sort((a, b) => a - b)).sort((a, b) => a[0]! - b[0]!);
}
