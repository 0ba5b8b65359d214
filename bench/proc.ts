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
