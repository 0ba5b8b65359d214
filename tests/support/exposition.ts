/**
 * A strict reader of the Prometheus text exposition format 0.0.4 for tests that scrape `/metrics`
 * (https://prometheus.io/docs/instrumenting/exposition_formats/): every sample must belong to a
 * family announced by one `# HELP` and one `# TYPE` line before it, labels must be well formed,
 * values numbers, and a histogram's buckets cumulative with `le="+Inf"` equal to its `_count`.
 * Anything else throws with the offending line.
 *
 * @module
 */

/** One sample line. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** A metric family: its help, type and samples. */
export interface Family {
  help: string;
  type: "counter" | "gauge" | "histogram" | "summary" | "untyped";
  samples: Sample[];
}

const NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*";
const HELP_RE = new RegExp(`^# HELP (${NAME}) (.*)$`);
const TYPE_RE = new RegExp(`^# TYPE (${NAME}) (counter|gauge|histogram|summary|untyped)$`);
const SAMPLE_RE = new RegExp(`^(${NAME})(?:\\{(.*)\\})? (\\S+)(?: (-?\\d+))?$`);
const LABEL_RE = /^([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"(?:,|$)/;

function value(text: string, line: string): number {
  // Prometheus reads values with Go's ParseFloat: NaN and Inf in any letter case
  // (prom-client writes "Nan")
  if (/^\+?inf$/i.test(text)) return Infinity;
  if (/^-inf$/i.test(text)) return -Infinity;
  if (/^nan$/i.test(text)) return NaN;
  const n = Number(text);
  if (text === "" || Number.isNaN(n)) throw new SyntaxError(`not a number in: ${line}`);
  return n;
}

function labels(text: string, line: string): Record<string, string> {
  const out: Record<string, string> = {};
  let rest = text;
  while (rest !== "") {
    const m = LABEL_RE.exec(rest);
    if (!m) throw new SyntaxError(`bad labels in: ${line}`);
    if (Object.hasOwn(out, m[1]!)) throw new SyntaxError(`label ${m[1]} twice in: ${line}`);
    out[m[1]!] = m[2]!.replace(/\\(.)/g, (_, c: string) => (c === "n" ? "\n" : c));
    rest = rest.slice(m[0].length);
  }
  return out;
}

/** The family a sample name belongs to, given the families announced so far. */
function familyOf(name: string, families: Map<string, Family>): string | undefined {
  if (families.has(name)) return name;
  const base = name.replace(/_(bucket|sum|count)$/, "");
  return families.get(base)?.type === "histogram" ? base : undefined;
}

/**
 * Parses an exposition; throws `SyntaxError` naming the first line that breaks the format.
 *
 * @param text the body of a `/metrics` answer
 * @returns the families by name, in order of appearance
 */
export function parseExposition(text: string): Map<string, Family> {
  const families = new Map<string, Family>();
  const pending = new Map<string, { help?: string; type?: Family["type"] }>();
  if (!text.endsWith("\n")) throw new SyntaxError("the exposition must end with a newline");
  for (const line of text.split("\n")) {
    if (line === "") continue;
    const help = HELP_RE.exec(line);
    const type = TYPE_RE.exec(line);
    if (help || type) {
      const name = (help ?? type)![1]!;
      if (families.has(name)) throw new SyntaxError(`${name} announced again after samples`);
      const p = pending.get(name) ?? {};
      if (help) {
        if (p.help !== undefined) throw new SyntaxError(`two HELP lines for ${name}`);
        p.help = help[2]!;
      } else {
        if (p.type !== undefined) throw new SyntaxError(`two TYPE lines for ${name}`);
        p.type = type![2] as Family["type"];
      }
      pending.set(name, p);
      if (p.help !== undefined && p.type !== undefined) {
        families.set(name, { help: p.help, type: p.type, samples: [] });
        pending.delete(name);
      }
      continue;
    }
    if (line.startsWith("#")) continue;
    const m = SAMPLE_RE.exec(line);
    if (!m) throw new SyntaxError(`not a sample line: ${line}`);
    const family = familyOf(m[1]!, families);
    if (family === undefined) throw new SyntaxError(`sample without HELP and TYPE: ${line}`);
    families.get(family)!.samples.push({
      name: m[1]!,
      labels: labels(m[2] ?? "", line),
      value: value(m[3]!, line),
    });
  }
  if (pending.size > 0) {
    throw new SyntaxError(`HELP or TYPE missing for ${[...pending.keys()].join(", ")}`);
  }
  for (const [name, f] of families) if (f.type === "histogram") checkHistogram(name, f);
  return families;
}

function checkHistogram(name: string, f: Family): void {
  const series = new Map<string, { le: number; value: number }[]>();
  const counts = new Map<string, number>();
  for (const s of f.samples) {
    const { le, ...rest } = s.labels;
    const key = JSON.stringify(Object.entries(rest).sort());
    if (s.name === `${name}_bucket`) {
      if (le === undefined) throw new SyntaxError(`${name}_bucket without le`);
      series.set(key, [...(series.get(key) ?? []), { le: value(le, le), value: s.value }]);
    } else if (s.name === `${name}_count`) counts.set(key, s.value);
  }
  for (const [key, buckets] of series) {
    for (let i = 1; i < buckets.length; i++) {
      if (buckets[i]!.le <= buckets[i - 1]!.le || buckets[i]!.value < buckets[i - 1]!.value) {
        throw new SyntaxError(`${name}${key}: buckets not cumulative`);
      }
    }
    const inf = buckets.at(-1);
    if (inf?.le !== Infinity || inf.value !== counts.get(key)) {
      throw new SyntaxError(`${name}${key}: le="+Inf" bucket is not the _count`);
    }
  }
}

/**
 * The value of the one sample of `family` whose labels include `labels` (and named `name`, for a
 * histogram's `_count` / `_sum`); `undefined` when none.
 */
export function sampleValue(
  families: Map<string, Family>,
  family: string,
  labels: Record<string, string> = {},
  name: string = family,
): number | undefined {
  return families.get(family)?.samples.find((s) =>
    s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)
  )?.value;
}
