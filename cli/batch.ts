/**
 * `batch`: collects every person's devices (issue 6/7).
 *
 * @module
 */
import type { CommandContext } from "./mod.ts";

/** Runs a batch; returns the exit code. */
export function batch(ctx: CommandContext): Promise<number> {
  ctx.printErr("batch: not available yet");
  return Promise.resolve(2);
}
