/**
 * What `/proc` says about another process (Linux): resident memory and open file descriptors.
 * Reading another process's `/proc` entries needs `--allow-all` in Deno 2.
 *
 * @module
 */

/**
 * Resident memory of a process (`VmRSS` of `/proc/<pid>/status`).
 *
 * @param pid the process id
 * @returns the resident set size in KiB
 * @throws {Error} when the status file has no `VmRSS` line (e.g. a zombie)
 */
export async function rssKiB(pid: number): Promise<number> {
  const status = await Deno.readTextFile(`/proc/${pid}/status`);
  const match = /^VmRSS:\s+(\d+) kB/m.exec(status);
  if (!match) throw new Error(`No VmRSS line in /proc/${pid}/status`);
  return Number(match[1]);
}

/**
 * Open file descriptors of a process (entries of `/proc/<pid>/fd`).
 *
 * @param pid the process id
 * @returns how many descriptors are open
 */
export async function fdCount(pid: number): Promise<number> {
  let n = 0;
  for await (const _ of Deno.readDir(`/proc/${pid}/fd`)) n++;
  return n;
}

/** KiB as MiB with one decimal, for printing. */
export function mib(kib: number): string {
  return (kib / 1024).toFixed(1);
}

/** Clock ticks per second of `/proc/<pid>/stat` times (`USER_HZ`: 100 on Linux's usual builds). */
const TICKS_PER_SECOND = 100;

/**
 * CPU time a process has used so far, user + system (fields 14 and 15 of `/proc/<pid>/stat`, in
 * clock ticks of 10 ms), all its threads together.
 *
 * @param pid the process id
 * @returns seconds of CPU since the process started (10 ms resolution)
 * @throws {Error} when the stat line cannot be read (the process has ended)
 */
export function cpuSeconds(pid: number): number {
  const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
  // the command name (field 2) is in parentheses and may hold spaces: count fields after it
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) {
    throw new Error(`Unexpected /proc/${pid}/stat: ${stat.slice(0, 80)}`);
  }
  return (utime + stime) / TICKS_PER_SECOND;
}
