/**
 * Runs `main.ts` as an operator does (a subprocess) against a configuration file written for the
 * test: keys from the environment (`{"env": …}`), a SQLite store in the test's folder. For the
 * CLI tests of `connectivity` and friends.
 *
 * @module
 */

const MAIN = new URL("../../main.ts", import.meta.url).pathname;

/** Strong keys the configuration reads from the environment (weak ones are refused). */
export const CLI_SECRETS: Readonly<Record<string, string>> = {
  STETHOSCOPE_SECRET: "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a6978",
  STETHOSCOPE_JWT: "8796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0",
};

/**
 * Writes `dir/config.json`: the signing keys as `{"env": …}` references, the SQLite store in
 * `dir`, and `rest` (PLUGINS, RELEASE_DATA …).
 *
 * @returns the file's path
 */
export async function writeCliConfig(dir: string, rest: Record<string, unknown>): Promise<string> {
  const path = `${dir}/config.json`;
  await Deno.writeTextFile(
    path,
    JSON.stringify({
      SECRET_KEY: { env: "STETHOSCOPE_SECRET" },
      JWT_SECRET_KEY: { env: "STETHOSCOPE_JWT" },
      STORE: { TYPE: "sqlite", PATH: `${dir}/stethoscope.db` },
      ...rest,
    }),
  );
  return path;
}

/**
 * Runs `main.ts <args>` with all permissions and `env` (default {@link CLI_SECRETS}).
 *
 * @returns its exit code and standard output
 */
export async function runMain(
  args: string[],
  env: Record<string, string> = { ...CLI_SECRETS },
): Promise<{ code: number; stdout: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, ...args],
    env: { ...env, NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  return { code: out.code, stdout: new TextDecoder().decode(out.stdout) };
}
