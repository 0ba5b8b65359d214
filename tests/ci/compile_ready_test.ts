/**
 * What `deno compile` needs, proved without building (its `denort` runtime cannot be downloaded
 * where this project is built): every asset is reached through imports from `main.ts` (the
 * compiler embeds exactly the module graph), no module reads the source tree at run time, every
 * dynamic import has a literal specifier the compiler can see, and the `compile` task's
 * permissions cover what `serve` and `batch` are run with — shown by running both with exactly
 * those flags.
 *
 * @module
 */
import assert from "node:assert/strict";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "../..");
const TASKS = JSON.parse(await Deno.readTextFile(join(ROOT, "deno.json"))).tasks as Record<
  string,
  string
>;

/** Files under the repository root reached from main.ts, static and dynamic imports alike. */
async function moduleGraph(): Promise<string[]> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", "main.ts"],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  const info = JSON.parse(new TextDecoder().decode(out.stdout)) as {
    modules: { specifier: string }[];
  };
  return info.modules.map((m) => m.specifier).filter((s) => s.startsWith("file://"))
    .map((s) => relative(ROOT, fileURLToPath(s))).sort();
}

const GRAPH = await moduleGraph();
const CODE = GRAPH.filter((f) => /\.tsx?$/.test(f));
const text = (file: string) =>
  Deno.readTextFileSync(join(ROOT, file)).replace(/\/\*[\s\S]*?\*\//g, "")
    .replace(/^\s*\/\/.*$/gm, "");

/**
 * Every read of a file at run time, with what it reads: each is a path an operator gives (or the
 * kernel's), never a file of the source tree. A new one must be added here with its reason.
 */
const OPERATOR_READS: Record<string, number> = {
  "cli/batch.ts": 2, // the people file (or stdin), and --log-file opened to append
  "cli/explain.ts": 1, // --input records.json
  "cli/nudges.ts": 1, // the people file of `nudges FILE`
  "cli/process_metrics.ts": 2, // /proc/self/fd and /proc/self/limits (metrics)
  "config/load.ts": 1, // --config / STETHOSCOPE_CONFIG
  "lib/spill_file.ts": 1, // the batch's own temporary file (TMPDIR), opened once and unlinked
  "plugins/sources/file.ts": 1, // PLUGINS.file.PATH
  "plugins/sources/google/config.ts": 1, // GOOGLE_API_SECRETS given as a key file's path
  "plugins/stores/sqlite.ts": 1, // STORE.PATH (is it read-only?)
};
const READ_RE =
  /\bDeno\.(?:readFile|readTextFile|readFileSync|readTextFileSync|open|openSync|readDir|readDirSync|stat|statSync|lstat|realPath)\(|\breadFileSync\(|\bfs\.readFile\(/g;

Deno.test("main.ts reaches its assets through imports: the app's CSS and the shipped release data are in the graph", () => {
  for (const asset of ["static/app.css", "plugins/releases/shipped.json"]) {
    assert.ok(
      GRAPH.includes(asset),
      `${asset} is not imported, so deno compile would leave it out`,
    );
  }
  for (const entry of Deno.readDirSync(join(ROOT, "static"))) {
    assert.ok(GRAPH.includes(`static/${entry.name}`), `static/${entry.name} is not imported`);
  }
  // every plugin the registry can load is in the graph (its lazy import() is literal)
  assert.ok(GRAPH.includes("plugins/sources/jamf.ts"));
  assert.ok(GRAPH.includes("plugins/sources/intune/mod.ts"));
});

Deno.test("no module in the binary reads the source tree at run time", () => {
  const meta = CODE.filter((f) => /\bimport\.meta\.(url|dirname|filename)\b/.test(text(f)));
  assert.deepEqual(meta, [], "modules locating files next to themselves (not in a binary)");
  const reads: Record<string, number> = {};
  for (const file of CODE) {
    const n = [...text(file).matchAll(READ_RE)].length;
    if (n > 0) reads[file] = n;
  }
  assert.deepEqual(reads, OPERATOR_READS);
});

Deno.test("every dynamic import in the binary has a literal specifier the compiler can see", () => {
  const hidden: string[] = [];
  for (const file of CODE) {
    for (const m of text(file).matchAll(/\bimport\(\s*([^)]{0,60})/g)) {
      // a string literal, alone or followed by import attributes (`{ with: { type: "json" } }`)
      if (!/^["'][^"'`$]+["']\s*(,|$)/.test(m[1]!.trim())) hidden.push(`${file}: import(${m[1]}`);
    }
  }
  assert.deepEqual(hidden, []);
});

/** `--allow-x[=a,b]` flags as name → values (`null`: everything). */
function permissions(task: string): Map<string, Set<string> | null> {
  const flags = new Map<string, Set<string> | null>();
  for (const word of task.split(/\s+/).filter((w) => w.startsWith("--allow-"))) {
    const [name, list] = word.split("=") as [string, string | undefined];
    flags.set(name, list === undefined ? null : new Set(list.split(",")));
  }
  return flags;
}

/** What `wanted` asks for that `given` does not grant, as flags. */
function missing(given: Map<string, Set<string> | null>, wanted: Map<string, Set<string> | null>) {
  const short: string[] = [];
  for (const [name, values] of wanted) {
    if (!given.has(name)) short.push(name);
    else {
      const has = given.get(name)!;
      if (has === null) continue;
      if (values === null) short.push(`${name} (all)`);
      else for (const v of values) if (!has.has(v)) short.push(`${name}=${v}`);
    }
  }
  return short;
}

Deno.test("the compile task grants what the start and batch tasks are run with", () => {
  const compile = permissions(TASKS.compile!);
  assert.deepEqual(missing(compile, permissions(TASKS.start!)), []);
  assert.deepEqual(missing(compile, permissions(TASKS.batch!)), []);
});

Deno.test("serve and batch run with exactly the compile task's permissions", async (t) => {
  const flags = TASKS.compile!.split(/\s+/).filter((w) => w.startsWith("--allow-"));
  const cwd = await Deno.makeTempDir({ prefix: "stethoscope-compiled-" });
  const main = join(ROOT, "main.ts");
  const config = ["--config", join(ROOT, "deno.json")];
  try {
    await t.step("serve answers /healthz and /metrics, and stops cleanly", async () => {
      const child = new Deno.Command(Deno.execPath(), {
        args: ["run", ...config, ...flags, main, "serve", "--port", "0"],
        cwd,
        stdout: "piped",
        stderr: "piped",
        env: { NO_COLOR: "1" },
      }).spawn();
      const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = "";
      let address: string | undefined;
      while (address === undefined) {
        const { value, done } = await lines.read();
        if (done) break;
        buffer += value;
        address = /"msg":"listening"[^\n]*"address":"([^"]+)"/.exec(buffer)?.[1];
      }
      assert.ok(address, `serve did not start: ${buffer}`);
      const health = await fetch(`${address}/healthz`);
      assert.equal(await health.text(), "ok");
      const metrics = await fetch(`${address}/metrics`);
      assert.match(await metrics.text(), /^# HELP stethoscope_requests_total /m);
      child.kill("SIGTERM");
      const [status] = await Promise.all([
        child.status,
        (async () => {
          for (;;) if ((await lines.read()).done) break;
        })(),
        child.stderr.cancel(),
      ]);
      assert.equal(status.code, 0);
    });

    await t.step("batch (demo mode) looks everyone up and saves the run in ./data", async () => {
      const child = new Deno.Command(Deno.execPath(), {
        args: ["run", ...config, ...flags, main, "batch", "-"],
        cwd,
        stdin: "piped",
        stdout: "piped",
        stderr: "piped",
        env: { NO_COLOR: "1" },
      }).spawn();
      const writer = child.stdin.getWriter();
      await writer.write(new TextEncoder().encode("green@example.com\nfry@planetexpress.com\n"));
      await writer.close();
      const out = await child.output();
      const said = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
      assert.equal(out.code, 0, said);
      assert.match(said, /2 people/);
      assert.ok((await Deno.stat(join(cwd, "data"))).isDirectory);
    });
  } finally {
    await Deno.remove(cwd, { recursive: true });
  }
});
