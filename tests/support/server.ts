/**
 * Starts the real server (`main.ts serve`) as a child process on a free port, in a temporary
 * working folder, with the permissions of the `start` task (read from deno.json, so tests and
 * benchmarks run the server exactly as operators do), and reads its "listening" log line.
 *
 * @module
 */

const ROOT = new URL("../../", import.meta.url);

/** A running server process. */
export interface RunningServer {
  url: string;
  pid: number;
  /** Its log lines so far (JSON), unless started with `keepLines: false`. */
  lines: string[];
  /** How many log lines it wrote so far. */
  lineCount: () => number;
  /**
   * The first log line that includes `text`, among those from the `after`-th on (default: all,
   * so far or to come); rejects if the process ends without writing one. Tests wait on what the
   * server says, never on a clock.
   */
  lineWith: (text: string, after?: number) => Promise<string>;
  /** Sends SIGTERM and waits; returns the exit code. */
  stop: () => Promise<number>;
}

/** The `--allow-*` flags of the `start` task in deno.json. */
export async function startPermissions(): Promise<string[]> {
  const config = JSON.parse(await Deno.readTextFile(new URL("deno.json", ROOT))) as {
    tasks: Record<string, string>;
  };
  return config.tasks.start!.split(/\s+/).filter((w) => w.startsWith("--allow-"));
}

/**
 * Starts `main.ts serve` with the given extra arguments (demo mode when no `--config`).
 *
 * @param args more arguments for `serve`
 * @param options extra environment; `keepLines: false` counts log lines without keeping them;
 *   `cwd` runs it in that folder (kept at stop, so several servers can share `./data`) instead of
 *   a fresh temporary one; `maxDescriptors` starts it under `ulimit -n` of that many open files
 *   (through `sh`)
 */
export async function startServer(
  args: string[] = [],
  options: {
    env?: Record<string, string>;
    keepLines?: boolean;
    cwd?: string;
    maxDescriptors?: number;
  } = {},
): Promise<RunningServer> {
  const keep = options.keepLines ?? true;
  const cwd = options.cwd ?? await Deno.makeTempDir({ prefix: "stethoscope-server-" });
  const removeCwd = () =>
    options.cwd === undefined ? Deno.remove(cwd, { recursive: true }) : Promise.resolve();
  const denoArgs = [
    "run",
    "--config",
    new URL("deno.json", ROOT).pathname,
    ...await startPermissions(),
    new URL("main.ts", ROOT).pathname,
    "serve",
    "--port",
    "0",
    ...args,
  ];
  const limited = options.maxDescriptors !== undefined;
  const child = new Deno.Command(limited ? "sh" : Deno.execPath(), {
    args: limited
      ? [
        "-c",
        `ulimit -n ${options.maxDescriptors} && exec "$0" "$@"`,
        Deno.execPath(),
        ...denoArgs,
      ]
      : denoArgs,
    cwd,
    stdout: "piped",
    stderr: "piped",
    env: options.env ?? {},
  }).spawn();
  const lines: string[] = [];
  let count = 0;
  const waiting: { text: string; after: number; resolve: (line: string) => void }[] = [];
  const note = (line: string) => {
    count++;
    if (keep) lines.push(line);
    for (const w of waiting.filter((w) => count > w.after && line.includes(w.text))) {
      waiting.splice(waiting.indexOf(w), 1);
      w.resolve(line);
    }
  };
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  let url: string | undefined;
  while (url === undefined) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    const parts = buffer.split("\n");
    buffer = parts.pop() ?? "";
    for (const line of parts) {
      note(line);
      const parsed = JSON.parse(line) as { msg?: string; address?: string };
      if (parsed.msg === "listening") url = parsed.address;
    }
  }
  const errors = child.stderr.pipeThrough(new TextDecoderStream());
  if (url === undefined) {
    child.kill("SIGKILL");
    const text = await new Response(errors).text();
    await child.status;
    await removeCwd();
    throw new Error(`server ended before it listened: ${text}`);
  }
  // keep draining output so the child never blocks on a full pipe; a read may end mid-line
  let ended = false;
  const drain = (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      const parts = buffer.split("\n");
      buffer = parts.pop() ?? "";
      for (const line of parts) if (line !== "") note(line);
    }
    if (buffer !== "") note(buffer);
    ended = true;
    for (const w of waiting.splice(0)) w.resolve("");
  })();
  const drainErr = errors.pipeTo(new WritableStream());
  return {
    url,
    pid: child.pid,
    lines,
    lineCount: () => count,
    lineWith(text, after = 0) {
      const seen = lines.slice(after).find((l) => l.includes(text));
      if (seen !== undefined) return Promise.resolve(seen);
      if (ended) return Promise.reject(new Error(`the server ended without logging "${text}"`));
      return new Promise<string>((resolve, reject) =>
        waiting.push({
          text,
          after,
          resolve: (line) =>
            line === ""
              ? reject(new Error(`the server ended without logging "${text}"`))
              : resolve(line),
        })
      );
    },
    async stop() {
      child.kill("SIGTERM");
      const status = await child.status;
      await drain;
      await drainErr;
      await removeCwd();
      return status.code;
    },
  };
}
