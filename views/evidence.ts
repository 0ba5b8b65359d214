/**
 * A source's evidence (`PracticeData.details`) as plain sentences for a person. Sources write it
 * in their own shapes; the known ones are reworded, anything else is shown line by line as is.
 *
 * | source text | shown as |
 * | --- | --- |
 * | `Encryption Percentage: 0` (LANDESK `ENCRYPTIONPERCENTAGE`) | `Disk encryption is at 0 %.` |
 * | `Macintosh HD: Not Encrypted (0%)` (JAMF `filevault2_status`, `filevault2_percent`) | `Macintosh HD is not encrypted (0 %).` |
 * | `Missing Updates:` + indented titles (JAMF, LANDESK) | `Updates not installed yet: A, B.` |
 * | `Disabled settings:` + indented labels (JAMF) | `Turned off: A, B.` |
 * | `  • text` bullets (LANDESK screen saver) | `text` |
 * | `Firewall not enabled for adapter 'MAC'` (LANDESK) | `The firewall is off for the network adapter with MAC address MAC.` |
 *
 * @module
 */

const HEADED_RE = /^(Missing Updates|Disabled settings):\s*$/i;
const PERCENT_RE = /^Encryption Percentage:\s*(\d+(?:\.\d+)?)\s*%?$/i;
const PARTITION_RE =
  /^(.+): (Encrypted|Not Encrypted|Encrypting|Decrypting|Pending)(?: \((\d+)%\))?$/;
const ADAPTER_RE = /^Firewall not enabled for adapter '([^']*)'$/;
const BULLET_RE = /^[•*-]\s+/;

const HEADINGS: Record<string, string> = {
  "missing updates": "Updates not installed yet",
  "disabled settings": "Turned off",
};

function sentence(text: string): string {
  const t = text.trim();
  return /[.!?]$/.test(t) ? t : `${t}.`;
}

function line(text: string): string {
  const percent = PERCENT_RE.exec(text);
  if (percent) return `Disk encryption is at ${percent[1]} %.`;
  const partition = PARTITION_RE.exec(text);
  if (partition) {
    const pct = partition[3] === undefined ? "" : ` (${partition[3]} %)`;
    return `${partition[1]} is ${partition[2]!.toLowerCase()}${pct}.`;
  }
  const adapter = ADAPTER_RE.exec(text);
  if (adapter) {
    return adapter[1] && adapter[1] !== "unknown"
      ? `The firewall is off for the network adapter with MAC address ${adapter[1]}.`
      : "The firewall is off for a network adapter.";
  }
  return sentence(text.replace(BULLET_RE, ""));
}

/**
 * The evidence as sentences, in the source's order; `[]` for empty or blank details.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const report = "Missing Updates:\n    macOS Sequoia 15.7.2\n    Safari 26.1\n";
 * assert.deepEqual(evidenceSentences(report), [
 *   "Updates not installed yet: macOS Sequoia 15.7.2, Safari 26.1.",
 * ]);
 * ```
 */
export function evidenceSentences(details: string | undefined): string[] {
  if (typeof details !== "string" || details === "") return [];
  const lines = details.split("\n").map((l) => l.trim()).filter((l) => l !== "");
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const head = HEADED_RE.exec(lines[i]!);
    if (head) {
      const items: string[] = [];
      while (i + 1 < lines.length && !HEADED_RE.test(lines[i + 1]!)) {
        items.push(lines[++i]!.replace(BULLET_RE, ""));
      }
      if (items.length > 0) out.push(`${HEADINGS[head[1]!.toLowerCase()]}: ${items.join(", ")}.`);
      continue;
    }
    out.push(line(lines[i]!));
  }
  return out;
}
