/**
 * The import rules of DESIGN.md §4, checked over every import edge of the tree (static,
 * re-export and dynamic `import()`), plus the sideways imports issue 17 removed:
 *
 * - `engine/` imports nothing from hono, `routes/`, `views/`, `plugins/` or `config/`;
 * - `plugins/` never import `routes/` or `views/`; `views/` never import `routes/` or `plugins/`;
 * - a route module (one that exports a Hono sub-app) is imported by other routes only to mount its
 *   sub-app: its page logic is never borrowed (shared helpers live in modules without a sub-app);
 * - `routes/` and `cli/` never import the demo plugin's data (they get the demo people through
 *   `Services.demoPeople`).
 * - no import circle, type-only imports included (issue 23): a port (`engine/core/store_ports.ts`)
 *   holds the types its concerns need and imports nothing that imports it.
 *
 * @module
 */
import assert from "node:assert/strict";
import { dirname, join, normalize, relative } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = normalize(join(dirname(fileURLToPath(import.meta.url)), ".."));
const FOLDERS = ["engine", "plugins", "routes", "views", "config", "cli", "lib"];

/** One import: who imports, the target (repo-relative path or bare specifier), value names. */
interface Edge {
  from: string;
  to: string;
  /** Value (non-type) names imported; `*` for a namespace, a re-export-all or `import()`. */
  names: string[];
  /** An `import "x"` for its effects only (run-time, though it names nothing). */
  bare?: true;
}

const STATIC_RE = /^\s*(import|export)\s+(type\s+)?([^;]*?)\s*from\s*["']([^"']+)["']/gm;
const BARE_RE = /^\s*import\s+["']([^"']+)["']/gm;
const DYNAMIC_RE = /\bimport\(\s*["']([^"']+)["']\s*\)/g;

async function* sourceFiles(dir: string): AsyncGenerator<string> {
  let entries: Deno.DirEntry[];
  try {
    entries = await Array.fromAsync(Deno.readDir(join(ROOT, dir)));
  } catch (error: unknown) {
    if (error instanceof Deno.errors.NotFound) return;
    throw error;
  }
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const path = `${dir}/${e.name}`;
    if (e.isDirectory) yield* sourceFiles(path);
    else if (/\.tsx?$/.test(e.name)) yield path;
  }
}

/** Value names of an import clause (`a, { b, type C, d as e }`, `* as f`). */
function valueNames(clause: string): string[] {
  if (clause.includes("*")) return ["*"];
  const names: string[] = [];
  const braces = /\{([\s\S]*)\}/.exec(clause);
  const outside = clause.replace(/\{[\s\S]*\}/, "").split(",").map((s) => s.trim());
  for (const d of outside) if (d !== "") names.push("default");
  for (const part of (braces?.[1] ?? "").split(",")) {
    const item = part.trim();
    if (item === "" || item.startsWith("type ")) continue;
    names.push(item.split(/\s+as\s+/)[0]!.trim());
  }
  return names;
}

function target(from: string, specifier: string): string {
  if (!specifier.startsWith(".")) return specifier;
  return relative(ROOT, join(ROOT, dirname(from), specifier)).replaceAll("\\", "/");
}

/** Every import edge of the given file's text (comments with code examples are skipped). */
function edgesOf(from: string, text: string): Edge[] {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
  const edges: Edge[] = [];
  for (const m of code.matchAll(STATIC_RE)) {
    const typeOnly = m[2] !== undefined;
    edges.push({ from, to: target(from, m[4]!), names: typeOnly ? [] : valueNames(m[3]!) });
  }
  for (const m of code.matchAll(BARE_RE)) {
    edges.push({ from, to: target(from, m[1]!), names: [], bare: true });
  }
  for (const m of code.matchAll(DYNAMIC_RE)) {
    edges.push({ from, to: target(from, m[1]!), names: ["*"] });
  }
  return edges;
}

async function allEdges(): Promise<{ edges: Edge[]; subApps: Map<string, Set<string>> }> {
  const edges: Edge[] = [];
  const subApps = new Map<string, Set<string>>();
  for (const folder of FOLDERS) {
    for await (const path of sourceFiles(folder)) {
      const text = await Deno.readTextFile(join(ROOT, path));
      edges.push(...edgesOf(path, text));
      const names = [...text.matchAll(/^export const (\w+): Hono</gm)].map((m) => m[1]!);
      if (path.startsWith("routes/") && names.length > 0) subApps.set(path, new Set(names));
    }
  }
  return { edges, subApps };
}

const { edges, subApps } = await allEdges();

function offending(rule: (e: Edge) => boolean): string[] {
  return edges.filter(rule).map((e) => `${e.from} -> ${e.to} {${e.names.join(", ")}}`);
}

const under = (path: string, ...folders: string[]) => folders.some((f) => path.startsWith(`${f}/`));

/** Whether an import target is Hono, however spelled (`hono`, `hono/jsx`, `npm:hono@4`, JSR). */
function isHono(to: string): boolean {
  return /^(?:npm:\/?|jsr:\/?@hono\/)?hono(?:@[^/]*)?(?:\/|$)/.test(to);
}

Deno.test("the import graph is read: hundreds of edges, every route sub-app found", () => {
  assert.ok(edges.length > 300, `only ${edges.length} import edges found`);
  for (
    const route of [
      "routes/pages/devices.tsx",
      "routes/pages/overview.tsx",
      "routes/signin/auth.tsx",
    ]
  ) {
    assert.ok(subApps.has(route), `${route} not seen as a route module`);
  }
  assert.deepEqual([...subApps.get("routes/pages/devices.tsx")!], ["devices"]);
});

Deno.test("engine/ imports nothing from hono, routes/, views/, plugins/ or config/", () => {
  assert.deepEqual(
    offending((e) =>
      under(e.from, "engine") &&
      (isHono(e.to) || under(e.to, "routes", "views", "plugins", "config"))
    ),
    [],
  );
});

Deno.test("plugins/ never import routes/ or views/; views/ never import routes/ or plugins/", () => {
  assert.deepEqual(
    offending((e) =>
      (under(e.from, "plugins") && under(e.to, "routes", "views")) ||
      (under(e.from, "views") && under(e.to, "routes", "plugins"))
    ),
    [],
  );
});

Deno.test("a route module is imported by another route only to mount its sub-app", () => {
  assert.deepEqual(
    offending((e) => {
      const apps = subApps.get(e.to);
      if (!under(e.from, "routes") || apps === undefined || e.from === e.to) return false;
      return e.names.some((n) => !apps.has(n));
    }),
    [],
  );
});

Deno.test("routes/ and cli/ never import the demo plugin's data or the demo plugin", () => {
  assert.deepEqual(
    offending((e) => under(e.from, "routes", "cli") && /^plugins\/sources\/demo/.test(e.to)),
    [],
  );
});

/** Whether an edge is there when the program runs (type-only imports are erased). */
const atRunTime = (e: Edge) => e.names.length > 0 || e.bare === true;

/**
 * The import circles among the tree's modules, each as `a -> b -> … -> a`: of the edges `counts`
 * keeps (by default the run-time ones).
 */
function circles(list: readonly Edge[], counts: (e: Edge) => boolean = atRunTime): string[] {
  const next = new Map<string, Set<string>>();
  for (const e of list) {
    if (!counts(e) || !/\.tsx?$/.test(e.to)) continue;
    if (!next.has(e.from)) next.set(e.from, new Set());
    next.get(e.from)!.add(e.to);
  }
  const found = new Set<string>();
  const done = new Set<string>();
  const path: string[] = [];
  const visit = (node: string) => {
    const at = path.indexOf(node);
    if (at !== -1) {
      const loop = path.slice(at);
      const first = loop.indexOf([...loop].sort()[0]!); // one spelling per circle
      found.add([...loop.slice(first), ...loop.slice(0, first), loop[first]].join(" -> "));
      return;
    }
    if (done.has(node)) return;
    path.push(node);
    for (const to of [...next.get(node) ?? []].sort()) visit(to);
    path.pop();
    done.add(node);
  };
  for (const node of [...next.keys()].sort()) visit(node);
  return [...found];
}

Deno.test("no run-time import circle anywhere in the tree", () => {
  assert.deepEqual(circles(edges), []);
});

Deno.test("no import circle either through type-only imports: a port lives below its users", () => {
  assert.deepEqual(circles(edges, () => true), []);
});

Deno.test("circles() finds a run-time circle and ignores one closed by a type-only import", () => {
  const e = (from: string, to: string, names: string[]) => ({ from, to, names });
  assert.deepEqual(
    circles([
      e("routes/rendering/render.tsx", "routes/rendering/person_data.ts", ["todoOf"]),
      e("routes/rendering/person_data.ts", "routes/rendering/person.tsx", ["viewFor"]),
      e("routes/rendering/person.tsx", "routes/rendering/render.tsx", ["page"]),
      e("engine/a.ts", "engine/b.ts", ["b"]),
      e("engine/b.ts", "engine/a.ts", []),
    ]),
    ["routes/rendering/person.tsx -> routes/rendering/render.tsx -> routes/rendering/person_data.ts -> routes/rendering/person.tsx"],
  );
});

/** Engine modules that transform, evaluate, merge, apply history or order: the view's insides. */
const PIPELINE = [
  "engine/identity/merge.ts",
  "engine/identity/group.ts",
  "engine/identity/merged_platform.ts",
  "engine/practices/practices.ts",
  "engine/view/since.ts",
  "engine/view/person_view.ts",
];

Deno.test("routes/, views/ and cli/ import nothing that merges or evaluates: they ask the engine", () => {
  assert.deepEqual(
    offending((e) =>
      under(e.from, "routes", "views", "cli") && atRunTime(e) &&
      (PIPELINE.includes(e.to) ||
        (e.to === "engine/view/rating.ts" && e.names.includes("sortDevices")))
    ),
    [],
  );
});

Deno.test("cli/batch.ts imports at most two engine modules: the batch use case lives in the engine", () => {
  const engineModules = new Set(
    edges.filter((e) => e.from === "cli/batch.ts" && under(e.to, "engine")).map((e) => e.to),
  );
  assert.ok(engineModules.has("engine/batch/batch_run.ts"));
  assert.ok(engineModules.size <= 2, [...engineModules].join(", "));
});

Deno.test("edgesOf() reads named, default, type-only, re-exported and dynamic imports", () => {
  const text = [
    'import { a, type B, c as d } from "./x.ts";',
    'import type { E } from "../engine/core/types.ts";',
    'import f, { g } from "hono";',
    'export { h } from "./y.tsx";',
    "/** ```ts",
    ' * import { z } from "./doc_only.ts";',
    " * ``` */",
    'const m = await import("./sources/demo_people.ts");',
  ].join("\n");
  assert.deepEqual(edgesOf("plugins/assemble.ts", text), [
    { from: "plugins/assemble.ts", to: "plugins/x.ts", names: ["a", "c"] },
    { from: "plugins/assemble.ts", to: "engine/core/types.ts", names: [] },
    { from: "plugins/assemble.ts", to: "hono", names: ["default", "g"] },
    { from: "plugins/assemble.ts", to: "plugins/y.tsx", names: ["h"] },
    { from: "plugins/assemble.ts", to: "plugins/sources/demo_people.ts", names: ["*"] },
  ]);
});

Deno.test("isHono() sees Hono under every specifier Deno accepts, and nothing else", () => {
  for (
    const to of [
      "hono",
      "hono/jsx",
      "npm:hono",
      "npm:hono@4.13.19",
      "npm:/hono@4/cookie",
      "jsr:@hono/hono",
    ]
  ) {
    assert.equal(isHono(to), true, to);
  }
  for (const to of ["honorific", "npm:honox", "engine/hono.ts", "node:zlib", "zod"]) {
    assert.equal(isHono(to), false, to);
  }
});
