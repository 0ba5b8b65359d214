/**
 * Reading the real-world fixtures (`tests/realworld/fixtures/`), each named after its shape.
 *
 * @module
 */

/** Reads a fixture of `tests/realworld/fixtures/` as text (NDJSON inventories, logs). */
export async function realworldFixtureText(name: string): Promise<string> {
  return await Deno.readTextFile(new URL(`./fixtures/${name}`, import.meta.url));
}

/** Reads a fixture of `tests/realworld/fixtures/` as JSON. */
export async function realworldFixture<T = unknown>(name: string): Promise<T> {
  return JSON.parse(await realworldFixtureText(name));
}
