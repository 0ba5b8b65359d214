/**
 * Side-by-side engine comparisons for `bench:engine`, measured alternately in one run so both
 * sides meet the same load of a shared machine:
 *
 * - `BENCH_ENGINE_BASE=DIR`: another checkout of this repository (e.g. `git worktree add DIR
 *   9467403`, round 1's reference); its own `engine/` runs the same pipeline on the same
 *   `user_100.json`, in turns with ours; the ratios (ours ÷ theirs, CPU time and elapsed time per
 *   call) are printed as min / median / max over the turns (≤ 1.0: at least as fast).
 * - `BENCH_ORIGINAL=DIR`: a checkout of the original Stethoscope (Python); `bench/original_merge.py`
 *   times its `stethoscope.api.devices.merge_devices` on the same `user_100.json` with
 *   `BENCH_PYTHON` (default `python3`, which needs the `arrow`, `logbook` and `six` modules; on
 *   Debian `apt-get install python3-arrow python3-logbook` and `BENCH_PYTHON=/usr/bin/python3`), in
 *   turns with ours; the speed-up (theirs ÷ ours) is printed as min / median / max.
 *
 * @module
 */
// deno-lint-ignore-file no-console
import process from "node:process";
import type { DeviceRecord, MergedDevice } from "../engine/core/types.ts";

/** A pipeline and the function that reads its input from the wire. */
export interface Side {
  fromWire: (raw: unknown) => DeviceRecord;
  run: (records: DeviceRecord[]) => MergedDevice[] | unknown;
}

/** Where the pipeline's modules live in a checkout with `engine/` in sub-folders (since issue 23). */
const FOLDERS: Record<string, string> = {
  "wire.ts": "core/wire.ts",
  "default_practices.ts": "practices/default_practices.ts",
  "merge.ts": "identity/merge.ts",
  "practices.ts": "practices/practices.ts",
};

/**
 * Loads `engine/` of another checkout at `dir` as a {@link Side}: a flat `engine/` (round 1) or
 * one in sub-folders.
 */
export async function loadSide(dir: string): Promise<Side> {
  const root = new URL("engine/", `file://${dir.replace(/\/?$/, "/")}`);
  let nested = true;
  try {
    await Deno.stat(new URL(FOLDERS["wire.ts"]!, root));
  } catch {
    nested = false;
  }
  const at = (p: string) => new URL(nested ? FOLDERS[p]! : p, root).href;
  const { recordFromWire } = await import(at("wire.ts"));
  const { DEFAULT_PRACTICES } = await import(at("default_practices.ts"));
  const { mergeDevices } = await import(at("merge.ts"));
  const { applyPractices, buildPracticeSet } = await import(at("practices.ts"));
  const practices = buildPracticeSet(DEFAULT_PRACTICES);
  return {
    fromWire: recordFromWire,
    run: (records) => mergeDevices(applyPractices(records, practices)),
  };
}

/** Milliseconds per call of `fn` over about `budgetMs` (after a third of it spent warming up). */
export function msPerCall(fn: () => void, budgetMs: number): number {
  const warm = performance.now();
  let calls = 0;
  while (performance.now() - warm < budgetMs / 3 || calls < 3) {
    fn();
    calls++;
  }
  const start = performance.now();
  let n = 0;
  while (performance.now() - start < budgetMs || n < 3) {
    fn();
    n++;
  }
  return (performance.now() - start) / n;
}

/** `min / median / max` of a list of numbers, with `digits` decimals. */
export function spread(values: number[], digits = 3): string {
  const s = [...values].sort((a, b) => a - b);
  const f = (n: number) => n.toFixed(digits);
  return `${f(s[0]!)} / ${f(s[Math.floor(s.length / 2)]!)} / ${f(s[s.length - 1]!)}`;
}

/** This process's CPU time (user + system) in milliseconds. */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** The ratios of one side-by-side run: per turn, ours ÷ theirs. */
export interface Ratios {
  /** Elapsed time per call: what a person waits, including time spent waiting for a core. */
  wall: number[];
  /**
   * CPU time per call (this process's user + system time around each batch): the engine's own
   * cost, which the load of a shared machine moves much less than elapsed time.
   */
  cpu: number[];
}

/**
 * Ours against another checkout, alternately: each turn runs both sides in small batches, one
 * after the other (which side goes first alternates), for about `budgetMs` in all, so a burst of
 * load elsewhere on the machine (or a garbage collection) falls on both sides alike.
 *
 * @returns the ratios ours ÷ theirs (elapsed and CPU time per call), one per turn
 */
export function compareWithBase(
  raw: unknown[],
  ours: Side,
  base: Side,
  options: { turns?: number; budgetMs?: number } = {},
): Ratios {
  const ourRecords = raw.map(ours.fromWire);
  const baseRecords = raw.map(base.fromWire);
  const runOurs = () => ours.run(ourRecords);
  const runBase = () => base.run(baseRecords);
  msPerCall(runOurs, 200); // warm both up
  msPerCall(runBase, 200);
  const batch = 5;
  const ratios: Ratios = { wall: [], cpu: [] };
  for (let t = 0; t < (options.turns ?? 15); t++) {
    const wall = [0, 0]; // ours, base
    const cpu = [0, 0];
    const start = performance.now();
    for (let k = 0; performance.now() - start < (options.budgetMs ?? 600); k++) {
      for (const side of k % 2 === 0 ? [0, 1] : [1, 0]) {
        const run = side === 0 ? runOurs : runBase;
        const w = performance.now();
        const c = cpuMs();
        for (let i = 0; i < batch; i++) run();
        cpu[side]! += cpuMs() - c;
        wall[side]! += performance.now() - w;
      }
    }
    ratios.wall.push(wall[0]! / wall[1]!);
    ratios.cpu.push(cpu[0]! / cpu[1]!);
  }
  return ratios;
}

/**
 * Seconds per `merge_devices` call of the original on `file`, timed by `bench/original_merge.py`
 * in a python process (one call per process: the original takes over a second at 100 records).
 *
 * @throws {Error} when python fails (the message carries its stderr)
 */
export async function originalSeconds(
  originalDir: string,
  file: string,
  python = Deno.env.get("BENCH_PYTHON") ?? "python3",
): Promise<number> {
  const script = new URL("original_merge.py", import.meta.url).pathname;
  const out = await new Deno.Command(python, { args: [script, originalDir, file] }).output();
  if (!out.success) {
    throw new Error(`The original's merge failed: ${new TextDecoder().decode(out.stderr).trim()}`);
  }
  return Number(new TextDecoder().decode(out.stdout).trim());
}

/** Prints both comparisons that are configured by the environment (see the module doc). */
export async function printComparisons(
  raw100: unknown[],
  file100: string,
  ours: Side,
): Promise<void> {
  const baseDir = Deno.env.get("BENCH_ENGINE_BASE");
  if (baseDir) {
    const ratios = compareWithBase(raw100, ours, await loadSide(baseDir));
    const turns = ratios.cpu.length;
    console.log(
      `\nuser_100, ours ÷ ${baseDir} (alternating, ${turns} turns), min / median / max:\n` +
        `  CPU time per call      ${spread(ratios.cpu)}\n` +
        `  elapsed time per call  ${spread(ratios.wall)}`,
    );
  }
  const originalDir = Deno.env.get("BENCH_ORIGINAL");
  if (originalDir) {
    const records = raw100.map(ours.fromWire);
    const speedups: number[] = [];
    for (let t = 0; t < 5; t++) {
      const theirs = await originalSeconds(originalDir, file100);
      const mine = msPerCall(() => ours.run(records), 300);
      speedups.push(theirs * 1000 / mine);
    }
    console.log(
      `user_100, original merge_devices ÷ ours (side by side, 5 turns): ` +
        `min / median / max ${spread(speedups, 0)}×`,
    );
  }
}
