/**
 * Engine benchmark (`deno task bench:engine`): group + merge + practices on the synthetic inputs
 * the original was timed on (`shared/bench/gen_data.py`), with their ground truth checked.
 *
 * Run: `deno run --allow-read --allow-write=bench/data --allow-run=python3 bench/engine.ts`
 *
 * @module
 */
// deno-lint-ignore-file no-console
import { createHash } from "node:crypto";
import { DEFAULT_PRACTICES } from "../engine/practices/default_practices.ts";
import { groupRecords } from "../engine/identity/group.ts";
import { isUniqueMac } from "../engine/identity/identifiers.ts";
import { mergeDevices } from "../engine/identity/merge.ts";
import { applyPractices, buildPracticeSet } from "../engine/practices/practices.ts";
import type { DeviceRecord, MergedDevice } from "../engine/core/types.ts";
import { recordFromWire } from "../engine/core/wire.ts";
import { printComparisons } from "./engine_compare.ts";

const DATA = new URL("./data/", import.meta.url);
// The generator and checksums live in the project's shared folder, beside the repository
// (`BENCH_SHARED=DIR` names it when the checkout lives elsewhere, e.g. in a git worktree).
const SHARED = Deno.env.get("BENCH_SHARED")
  ? new URL(`file://${Deno.env.get("BENCH_SHARED")!.replace(/\/?$/, "/")}`)
  : new URL("../../shared/bench/", import.meta.url);
const GENERATOR = new URL("gen_data.py", SHARED).pathname;
const CHECKSUMS = new URL("data_md5.txt", SHARED).pathname;
/** The original's timings on this machine (seconds), from shared/bench/README.md. */
const ORIGINAL_S: Record<string, number> = {
  user_100: 1.27,
  user_300: 61.4,
  user_1000: 1809,
  batch_10000: 18.7,
};
const SIZES = [6, 30, 100, 300, 1000] as const;
const PRACTICES = buildPracticeSet(DEFAULT_PRACTICES);

/** One person's input and, per record, the physical device it came from. */
export interface Person {
  email: string;
  records: DeviceRecord[];
  truth: number[];
}

/** The pipeline being timed: practices on every record, then grouping and merging. */
export function pipeline(records: DeviceRecord[]): MergedDevice[] {
  return mergeDevices(applyPractices(records, PRACTICES));
}

/** Generates `bench/data` when missing and checks every file against the expected MD5. */
export async function ensureData(): Promise<void> {
  const path = DATA.pathname;
  try {
    await Deno.stat(new URL("batch_10000.jsonl", DATA));
  } catch {
    console.log(`generating ${path} with ${GENERATOR} …`);
    const out = await new Deno.Command("python3", { args: [GENERATOR, path] }).output();
    if (!out.success) {
      throw new Error(`Cannot generate ${path}: ${new TextDecoder().decode(out.stderr)}`);
    }
  }
  for (const line of (await Deno.readTextFile(CHECKSUMS)).trim().split("\n")) {
    const [sum, file] = line.trim().split(/\s+/);
    const bytes = await Deno.readFile(new URL(file!, DATA));
    const actual = createHash("md5").update(bytes).digest("hex");
    if (actual !== sum) {
      throw new Error(`Checksum mismatch for bench/data/${file}: delete bench/data and run again`);
    }
  }
}

/** The synthetic person with `n` records. */
export async function loadUser(n: number): Promise<Person> {
  const raw = JSON.parse(await Deno.readTextFile(new URL(`user_${n}.json`, DATA))) as unknown[];
  const truth = JSON.parse(
    await Deno.readTextFile(new URL(`user_${n}.truth.json`, DATA)),
  ) as number[];
  return { email: `user${n}@example.com`, records: raw.map(recordFromWire), truth };
}

/** The 10,000-person batch. */
export async function loadBatch(): Promise<Person[]> {
  const lines = (await Deno.readTextFile(new URL("batch_10000.jsonl", DATA))).trim().split("\n");
  const truths = (await Deno.readTextFile(new URL("batch_10000.truth.jsonl", DATA))).trim().split(
    "\n",
  );
  return lines.map((line, i) => {
    const { email, devices } = JSON.parse(line) as { email: string; devices: unknown[] };
    const { truth } = JSON.parse(truths[i]!) as { truth: number[] };
    return { email, records: devices.map(recordFromWire), truth };
  });
}

/** Milliseconds per call of `fn`: the median and the best of 7 samples filling `budgetMs`. */
function time(fn: () => void, budgetMs = 400): { median: number; best: number } {
  const warm = performance.now(); // warm up the JIT for about a third of the budget
  let calls = 0;
  while (performance.now() - warm < budgetMs / 3 || calls < 3) {
    fn();
    calls++;
  }
  const estimate = Math.max((performance.now() - warm) / calls, 0.001);
  const reps = Math.min(Math.max(Math.ceil(budgetMs / 7 / estimate), 1), 2000);
  const samples: number[] = [];
  for (let s = 0; s < 7; s++) {
    const start = performance.now();
    for (let r = 0; r < reps; r++) fn();
    samples.push((performance.now() - start) / reps);
  }
  samples.sort((a, b) => a - b);
  return { median: samples[3]!, best: samples[0]! };
}

/** Whether two records share an identifier value that can identify one device. */
function shareUsable(a: DeviceRecord, b: DeviceRecord): boolean {
  const x = a.identifiers ?? {};
  const y = b.identifiers ?? {};
  for (const [k, v] of Object.entries(x)) {
    const w = (y as Record<string, unknown>)[k];
    if (typeof v === "string" && v !== "" && v === w) return true;
    if (Array.isArray(v) && Array.isArray(w)) {
      if (v.some((m) => isUniqueMac(m) && w.includes(m))) return true;
    }
  }
  return false;
}

/**
 * Checks a grouping against the truth: no group mixes two physical devices, and the groups of a
 * device are exactly the sets of its records connected by usable shared identifiers.
 */
export function checkTruth(person: Person): string[] {
  const problems: string[] = [];
  const { records, truth } = person;
  const groups = groupRecords(records);
  const groupOf = new Map<number, number>();
  groups.forEach((g, n) => {
    if (new Set(g.map((i) => truth[i])).size > 1) {
      problems.push(`${person.email}: group ${n} mixes devices`);
    }
    for (const i of g) groupOf.set(i, n);
  });
  const expected = records.map((_, i) => i);
  const find = (i: number): number => (expected[i] === i ? i : (expected[i] = find(expected[i]!)));
  for (let i = 0; i < records.length; i++) {
    for (let j = i + 1; j < records.length; j++) {
      if (truth[i] === truth[j] && shareUsable(records[i]!, records[j]!)) {
        expected[find(j)] = find(i);
      }
    }
  }
  for (let i = 0; i < records.length; i++) {
    for (let j = i + 1; j < records.length; j++) {
      const together = groupOf.get(i) === groupOf.get(j);
      if (together !== (find(i) === find(j))) {
        problems.push(
          `${person.email}: records ${i} and ${j} ${together ? "wrongly joined" : "wrongly apart"}`,
        );
      }
    }
  }
  return problems;
}

function fmt(n: number, digits = 3): string {
  return n.toLocaleString("en-US", { maximumFractionDigits: digits });
}

async function main(): Promise<void> {
  await ensureData();
  const problems: string[] = [];
  const perUser = new Map<number, number>();
  const bestPerUser = new Map<number, number>();
  console.log("group + merge + practices (median per call)\n");
  console.log("input          records   ms/call    records/s      vs original");
  for (const n of SIZES) {
    const person = await loadUser(n);
    problems.push(...checkTruth(person));
    const { median: ms, best } = time(() => pipeline(person.records), 1500);
    perUser.set(n, ms);
    bestPerUser.set(n, best);
    const original = ORIGINAL_S[`user_${n}`];
    const ratio = original ? `${fmt(original * 1000 / ms, 0)}× faster` : "";
    console.log(
      `user_${n}`.padEnd(14) + String(n).padStart(8) + fmt(ms, 4).padStart(10) +
        fmt(n / ms * 1000, 0).padStart(13) + "   " + ratio,
    );
  }
  const batch = await loadBatch();
  for (const p of batch) problems.push(...checkTruth(p));
  const total = batch.reduce((s, p) => s + p.records.length, 0);
  const batchMs = time(() => {
    for (const p of batch) pipeline(p.records);
  }, 3000).median;
  console.log(
    "batch_10000".padEnd(14) + String(total).padStart(8) + fmt(batchMs, 1).padStart(10) +
      fmt(total / batchMs * 1000, 0).padStart(13) + `   ${fmt(18.7 * 1000 / batchMs, 0)}× faster`,
  );
  const file100 = new URL("user_100.json", DATA).pathname;
  const raw100 = JSON.parse(await Deno.readTextFile(file100)) as unknown[];
  await printComparisons(raw100, file100, { fromWire: recordFromWire, run: pipeline });
  const t100 = perUser.get(100)!;
  const t1000 = perUser.get(1000)!;
  // The growth exponent compares the best sample of each size: on a shared machine a median can
  // catch another process's burst or a major GC in one size and not the other.
  const exponent = Math.log(bestPerUser.get(1000)! / bestPerUser.get(100)!) / Math.log(10);
  const medianExponent = Math.log(t1000 / t100) / Math.log(10);
  console.log(
    `\ngrowth exponent 100→1000 records: ${fmt(exponent, 2)} from best samples, ` +
      `${fmt(medianExponent, 2)} from medians (original ≈ 3.5)`,
  );
  const targets: [string, boolean][] = [
    [`growth exponent ≤ 1.2 (${fmt(exponent, 2)})`, exponent <= 1.2],
    [`100 records < 1 ms (${fmt(t100, 3)} ms)`, t100 < 1],
    [`1000 records < 15 ms (${fmt(t1000, 2)} ms)`, t1000 < 15],
    [`10,000-user batch < 0.6 s (${fmt(batchMs / 1000, 3)} s)`, batchMs < 600],
    [
      `truth: no merged device mixes devices, orphans stay apart (${problems.length} problems)`,
      problems.length === 0,
    ],
  ];
  console.log("");
  for (const [label, ok] of targets) console.log(`${ok ? "PASS" : "FAIL"}  ${label}`);
  for (const p of problems.slice(0, 20)) console.log(`  ${p}`);
  if (targets.some(([, ok]) => !ok)) Deno.exitCode = 1;
}

if (import.meta.main) await main();
