/**
 * Runs `main.ts`'s `main()` in-process with stdout and stderr captured, for the command-line tests.
 *
 * @module
 */
import { createLogger } from "../../config/log.ts";
import { main } from "../../main.ts";

/** Runs `main(args)` with a silent logger; returns its exit code and what it printed. */
export async function runMain(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const decoder = new TextDecoder();
  const origOut = Deno.stdout.writeSync;
  const origErr = Deno.stderr.writeSync;
  Deno.stdout.writeSync = (p: Uint8Array) => (out.push(decoder.decode(p)), p.length);
  Deno.stderr.writeSync = (p: Uint8Array) => (err.push(decoder.decode(p)), p.length);
  try {
    const code = await main(args, createLogger({ sink: () => {} }));
    return { code, out: out.join(""), err: err.join("") };
  } finally {
    Deno.stdout.writeSync = origOut;
    Deno.stderr.writeSync = origErr;
  }
}
