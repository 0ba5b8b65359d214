/**
 * Shared generators and limits of the fuzz suite: random JSON, fixtures with random parts
 * replaced, and the run parameters every property uses (seeded, bounded in time).
 *
 * Reproduce a failure with the seed fast-check prints: `FUZZ_SEED=<seed> deno test -A tests/fuzz`.
 *
 * @module
 */
import fc from "fast-check";

/** A seed from `FUZZ_SEED`, else a fresh one (fast-check prints it on failure). */
export const SEED: number = (() => {
  const raw = Deno.env.get("FUZZ_SEED");
  return raw !== undefined && /^-?\d+$/.test(raw) ? Number(raw) : Date.now() ^ 0x5eed;
})();

/**
 * Run parameters: a fixed, modest number of runs. No limit on the whole property's time: on a
 * loaded machine a slow property is not a failing one (an interrupted property used to fail the
 * suite under load). A single run that never ends is still caught as a hang.
 */
export function params(numRuns = 300): fc.Parameters<unknown> {
  return {
    numRuns,
    seed: SEED,
    // A single run that takes longer than this fails the property: a hang, far beyond a slow machine.
    timeout: 30_000,
  };
}

/** Any JSON-ish value, including awkward strings and numbers. */
export const anyJson: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  // Not null-prototype or boxed values: upstream answers come from JSON.parse, which never makes them.
  fc.anything({ maxDepth: 2 }),
  fc.constantFrom(
    "",
    " ",
    "null",
    "0",
    "-1",
    "NaN",
    "1e999",
    "9999-99-99",
    "2016-02-26T10:58:57.853-0800",
    "00:00:00:00:00:00",
    "ff:ff:ff:ff:ff:ff",
    "\u0000",
    "\ud800",
    "<script>",
    "__proto__",
    Number.MAX_SAFE_INTEGER,
    -0,
    1e308,
    [],
    {},
  ),
);

type Path = (string | number)[];

function pathsOf(value: unknown, prefix: Path = [], out: Path[] = []): Path[] {
  out.push(prefix);
  if (Array.isArray(value)) value.forEach((v, i) => pathsOf(v, [...prefix, i], out));
  else if (typeof value === "object" && value !== null) {
    for (const [k, v] of Object.entries(value)) pathsOf(v, [...prefix, k], out);
  }
  return out;
}

const REMOVE = Symbol("remove");

function apply(base: unknown, path: Path, edit: unknown): unknown {
  // A copy: generated values may be shared instances (constants), which edits must not tie in knots.
  const value = edit === REMOVE ? REMOVE : structuredClone(edit);
  if (path.length === 0) return value === REMOVE ? undefined : value;
  // An earlier edit may have replaced a container on the way with a primitive: then skip.
  if (typeof base !== "object" || base === null) return base;
  let parent = base as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) {
    const next = parent[key];
    if (typeof next !== "object" || next === null) return base;
    parent = next as Record<string | number, unknown>;
  }
  const last = path[path.length - 1]!;
  if (value === REMOVE) {
    if (Array.isArray(parent) && typeof last === "number") parent.splice(last, 1);
    else delete parent[last];
  } else parent[last] = value;
  return base;
}

/**
 * A copy of `fixture` with one to `maxEdits` random places replaced by random values or removed.
 *
 * @example
 * ```ts
 * fc.assert(fc.property(mutated(computer), (raw) => { processComputer(raw, opts); }));
 * ```
 */
export function mutated(fixture: unknown, maxEdits = 4): fc.Arbitrary<unknown> {
  const paths = pathsOf(fixture);
  // Leaves and deep paths are where parsers are least careful: weigh them up.
  const edit = fc.tuple(
    fc.constantFrom(...paths),
    fc.oneof({ weight: 4, arbitrary: anyJson }, { weight: 1, arbitrary: fc.constant(REMOVE) }),
  );
  return fc.array(edit, { minLength: 1, maxLength: maxEdits }).map((edits) => {
    let out: unknown = structuredClone(fixture);
    for (const [path, value] of edits) out = apply(out, path, value);
    return out;
  });
}

/** Reads a JSON fixture relative to `tests/fixtures/`. */
export function fixture(path: string): unknown {
  return JSON.parse(Deno.readTextFileSync(new URL(`../fixtures/${path}`, import.meta.url)));
}
