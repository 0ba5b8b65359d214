/**
 * The encryption evidence of one LANDESK / Ivanti computer from its `BitLocker` rows (spec §3.3:
 * `PROTECTIONSTATUS`, `CONVERSIONSTATUS`, `GENENCRYPT`, `ENCRYPTIONPERCENTAGE`). The inventory
 * keeps one row per encryptable volume, so the original's `LEFT JOIN` gives a computer one row
 * per volume; this module reads each volume and combines them by one rule (below). Changes when
 * that rule or the columns change.
 *
 * The rule. A computer is encrypted only when **every** volume the inventory reports is 100 %
 * encrypted with protection on (the original's test, applied to each volume). A volume still
 * being encrypted (`CONVERSIONSTATUS` 2, "Encryption In Progress") is not a failure: while no
 * volume fails and one is in progress the verdict is unknown, with "encryption in progress" in
 * the evidence (a disk mid-conversion is on its way, not a problem to fix — the same mistake
 * fleetdm/fleet#53426 reports). Any other volume short of that (off, paused, decrypting, below
 * 100 %) fails the computer. A computer without any BitLocker row is not encrypted, as in the
 * original, and the evidence says no volume was reported.
 *
 * Why every volume: no public Ivanti document names a drive-letter or volume-type column of the
 * `BitLocker` table (searched: Ivanti EPM inventory, LDMS BitLocker table, Computer.BitLocker), so
 * the operating-system volume cannot be told from a data or removable one. Requiring all of them
 * errs on the side of the person's data; the evidence names each volume by its position ("volume
 * 2 of 3"), the most the rows allow.
 *
 * The status columns hold the `Win32_EncryptableVolume` codes with their words, e.g. `"1 - on"`,
 * `"2 - Encryption In Progress"` (ProtectionStatus 0 off, 1 on, 2 unknown; ConversionStatus 0
 * fully decrypted, 1 fully encrypted, 2 encryption in progress, 3 decryption in progress, 4
 * encryption paused, 5 decryption paused); a bare number is read the same way.
 *
 * @module
 */
import type { PracticeData } from "../../engine/core/types.ts";
import type { Row } from "./landesk_sql.ts";

/** The `BitLocker` columns of the devices statement. */
const COLUMNS = ["PROTECTIONSTATUS", "CONVERSIONSTATUS", "GENENCRYPT", "ENCRYPTIONPERCENTAGE"];

/** One volume as its row reports it. */
export interface BitLockerVolume {
  /** `PROTECTIONSTATUS`'s code: 0 off, 1 on, 2 unknown; undefined when not reported. */
  protection?: number;
  /** `CONVERSIONSTATUS`'s code (see the module); undefined when not reported. */
  conversion?: number;
  /** `CONVERSIONSTATUS`'s words as sent, e.g. "Encryption In Progress". */
  conversionWords?: string;
  /** `ENCRYPTIONPERCENTAGE`, 0–100; undefined when not reported or not a number. */
  percentage?: number;
}

const CONVERSION_WORDS = [
  "fully decrypted",
  "fully encrypted",
  "encryption in progress",
  "decryption in progress",
  "encryption paused",
  "decryption paused",
];

/**
 * The distinct volumes of a computer's rows, in row order: rows whose four BitLocker columns are
 * all empty (the `LEFT JOIN` found none) give no volume; rows repeating a volume's four values
 * (the other joins repeat rows) count once.
 *
 * @param rows every row of one computer (same `Computer_Idn`)
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const volumes = bitLockerVolumes([
 *   { PROTECTIONSTATUS: "1 - on", ENCRYPTIONPERCENTAGE: 100 },
 *   { PROTECTIONSTATUS: null, ENCRYPTIONPERCENTAGE: null },
 * ]);
 * assert.deepEqual(volumes, [{ protection: 1, percentage: 100 }]);
 * ```
 */
export function bitLockerVolumes(rows: readonly Row[]): BitLockerVolume[] {
  const seen = new Set<string>();
  const out: BitLockerVolume[] = [];
  for (const row of rows) {
    const values = COLUMNS.map((c) => row[c] ?? null);
    if (values.every((v) => v === null || String(v).trim() === "")) continue;
    const key = JSON.stringify(values);
    if (seen.has(key)) continue;
    seen.add(key);
    const volume: BitLockerVolume = {};
    const protection = statusCode(row.PROTECTIONSTATUS, ["off", "on", "unknown"]);
    if (protection !== undefined) volume.protection = protection;
    const conversion = statusCode(row.CONVERSIONSTATUS, CONVERSION_WORDS);
    if (conversion !== undefined) volume.conversion = conversion;
    const words = statusWords(row.CONVERSIONSTATUS);
    if (words !== undefined) volume.conversionWords = words;
    const pct = row.ENCRYPTIONPERCENTAGE;
    const n = typeof pct === "string" && pct.trim() !== "" ? Number(pct) : pct;
    if (typeof n === "number" && Number.isFinite(n) && n >= 0 && n <= 100) volume.percentage = n;
    out.push(volume);
  }
  return out;
}

/**
 * The `encryption` evidence of a computer from its volumes, by the module's rule: `value` true
 * (every volume 100 % with protection on), false (a volume short of that, or no volume at all),
 * or null (none failing, one still being encrypted); `details` one sentence per volume, e.g.
 * `BitLocker volume 2 of 2: 40 % encrypted, protection off, encryption in progress.`
 *
 * @param volumes from {@link bitLockerVolumes}
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const evidence = bitLockerEvidence([
 *   { protection: 1, percentage: 100 },
 *   { protection: 0, percentage: 0 },
 * ]);
 * assert.deepEqual(evidence, {
 *   value: false,
 *   details: "BitLocker volume 1 of 2: 100 % encrypted, protection on.\n" +
 *     "BitLocker volume 2 of 2: 0 % encrypted, protection off.",
 * });
 * ```
 */
export function bitLockerEvidence(volumes: readonly BitLockerVolume[]): PracticeData {
  if (volumes.length === 0) {
    return { value: false, details: "No BitLocker volume is reported for this computer." };
  }
  const states = volumes.map(volumeState);
  const value = states.every((s) => s === "encrypted")
    ? true
    : states.includes("failing")
    ? false
    : null;
  const details = volumes.map((v, i) => {
    const label = volumes.length === 1
      ? "BitLocker volume"
      : `BitLocker volume ${i + 1} of ${volumes.length}`;
    const parts = [
      v.percentage === undefined ? "percentage not reported" : `${v.percentage} % encrypted`,
      PROTECTION_WORDS[v.protection ?? -1] ?? "protection not reported",
    ];
    // "fully encrypted" / "fully decrypted" repeat the percentage; other states add to it
    if (v.conversion === undefined || v.conversion >= 2) {
      const words = v.conversion === undefined ? undefined : CONVERSION_WORDS[v.conversion];
      const sent = words ?? v.conversionWords?.toLowerCase();
      if (sent !== undefined) parts.push(sent);
    }
    return `${label}: ${parts.join(", ")}.`;
  });
  return { value, details: details.join("\n") };
}

const PROTECTION_WORDS: Readonly<Record<number, string>> = {
  0: "protection off",
  1: "protection on",
  2: "protection unknown",
};

function volumeState(v: BitLockerVolume): "encrypted" | "in progress" | "failing" {
  if (v.percentage === 100 && v.protection === 1) return "encrypted";
  return v.conversion === 2 ? "in progress" : "failing";
}

/** The code of `"2 - Encryption In Progress"`, `2`, `"2"`, or of the words alone. */
function statusCode(value: unknown, words: readonly string[]): number | undefined {
  if (typeof value === "number" && Number.isInteger(value)) return value;
  if (typeof value !== "string") return undefined;
  const m = /^\s*(\d+)\b/.exec(value);
  if (m) return Number(m[1]);
  const i = words.indexOf(value.trim().toLowerCase());
  return i < 0 ? undefined : i;
}

/** The words of `"2 - Encryption In Progress"` ("Encryption In Progress"), or undefined. */
function statusWords(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  const words = value.replace(/^\s*\d+\s*-?\s*/, "").trim();
  return words === "" ? undefined : words;
}
