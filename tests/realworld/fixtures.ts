/**
 * Reads the real-world fixtures of `tests/realworld/fixtures/`, each named after the shape it
 * rebuilds (personal details made up, shapes and the values that matter kept).
 *
 * @module
 */

/** The text of `tests/realworld/fixtures/<name>`. */
export function fixtureText(name: string): string {
  return Deno.readTextFileSync(new URL(`./fixtures/${name}`, import.meta.url));
}

/** `fixtureText(name)` parsed as JSON. */
export function fixtureJson<T = unknown>(name: string): T {
  return JSON.parse(fixtureText(name)) as T;
}
