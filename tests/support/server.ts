/**
 * Starts the real server (`main.ts serve`) as a child process on a free port, in a temporary
 * working folder, and reads its "listening" log line.
 *
 * @module
 */

const ROOT = new URL("../../", import.meta.url);

/** A running server process. */
export interface RunningServer {
  url: string;
  /** Everything it logged so far (JSON lines). */
  lines: string[];
  /** Sends SIGTERM and waits; returns the exit code. */
  stop: () => Promise<number>;
}

/** Starts `main.ts serve` with the given extra arguments (demo mode when no --config). */
export async function startServer(
  args: string[] = [],
  options: { env?: Record<string, string> } = {},
): Promise<RunningServer> {
  const cwd = await Deno.makeTempDir({ prefix: "stethoscope-test-" });
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--config",
      new URL("deno.json", ROOT).pathname,
      "--allow-net",
      "--allow-env",
      "--allow-read",
      "--allow-write",
      "--allow-sys",
      new URL("main.ts", ROOT).pathname,
      "serve",
      "--port",
      "0",
      ...args,
    ],
    cwd,
    stdout: "piped",
    stderr: "piped",
    env: options.env ?? {},
  }).spawn();
  const lines: string[] = [];
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  let url: string | undefined;
  const deadline = Date.now() + 30_000;
  while (url === undefined && Date.now() < deadline) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    const parts = buffer.split("\n");
    buffer = parts.pop() ?? "";
    for (const line of parts) {
      lines.push(line);
      const parsed = JSON.parse(line) as { msg?: string; address?: string };
      if (parsed.msg === "listening") url = parsed.address;
    }
  }
  const errors = child.stderr.pipeThrough(new TextDecoderStream());
  if (url === undefined) {
    child.kill("SIGKILL");
    const text = await new Response(errors).text();
    throw new Error(`server did not start: ${text}`);
  }
  // keep draining output so the child never blocks on a full pipe
  const drain = (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      lines.push(...value.split("\n").filter((l) => l !== ""));
    }
  })();
  const drainErr = errors.pipeTo(new WritableStream());
  return {
    url,
    lines,
    async stop() {
      child.kill("SIGTERM");
      const status = await child.status;
      await drain;
      await drainErr;
      await Deno.remove(cwd, { recursive: true });
      return status.code;
    },
  };
}
