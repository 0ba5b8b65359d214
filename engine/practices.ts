/**
 * Practice evaluation (spec §5). STUB (issue 2/7).
 *
 * @module
 */
import type { DeviceRecord, PracticeData, Status } from "./types.ts";

/** One configured practice, ready to evaluate. */
export interface Practice {
  key: string;
  evaluate(record: DeviceRecord): PracticeData;
}

/** The enabled practices, in order. */
export type PracticeSet = readonly Practice[];

/** Evaluates every practice on every record; returns new records. */
export function applyPractices(records: DeviceRecord[], practices: PracticeSet): DeviceRecord[] {
  return records.map((r) => {
    const out: Record<string, PracticeData> = { ...r.practices };
    for (const p of practices) out[p.key] = p.evaluate(r);
    return { ...r, practices: out };
  });
}

/** A key-existence practice: ok when the evidence says followed. */
export function keyExistence(key: string, title: string, ifMissing: Status = "nudge"): Practice {
  return {
    key,
    evaluate(record) {
      const pd = record.practices?.[key] ?? {};
      const status: Status = pd.value == null ? "unknown" : pd.value ? "ok" : ifMissing;
      return { ...pd, title, status, display: true, description: "" };
    },
  };
}
