/**
 * A temporary folder for a test's files (a store file, a config file), removed with everything in
 * it when the test is done, whether it passed or threw.
 *
 * @module
 */

/**
 * Runs `fn` with a fresh temporary folder, then removes the folder recursively.
 *
 * @param fn the test body, given the folder's path (no trailing slash)
 * @returns what `fn` resolves; rejects with what `fn` threw (the folder is removed either way)
 * @example A store file that lives as long as the test
 * ```ts
 * await inTempDir(async (dir) => {
 *   await Deno.writeTextFile(`${dir}/config.json`, "{}");
 * });
 * ```
 */
export async function inTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await Deno.makeTempDir({ prefix: "stethoscope-test-" });
  try {
    return await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
