/**
 * The Docker image without a Docker engine (none runs where CI runs): the build context is made
 * from the Dockerfile's own `COPY` lines in an empty folder, and the Dockerfile's own `RUN` step
 * (its `deno …` command, `deno cache main.ts`) runs there, so a folder the image forgets fails
 * here as it would fail `docker build` (issue 28: `lib/` was never copied and 39 modules import
 * it). Also what the image promises operators: a non-root user, a health check, the data volume.
 *
 * @module
 */
import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "../..");
const DOCKERFILE = await Deno.readTextFile(join(ROOT, "Dockerfile"));

/** The Dockerfile's instructions (comments dropped, `\` continuations joined). */
function instructions(text: string): { op: string; args: string }[] {
  return text.replace(/\\\n/g, " ").split("\n").map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("#"))
    .map((l) => {
      const [op, ...rest] = l.split(/\s+/);
      return { op: op!.toUpperCase(), args: rest.join(" ") };
    });
}

/**
 * Builds the context the Dockerfile describes in `into` (its `WORKDIR`, each `COPY src… dest`
 * from the repository) and runs the `deno` commands of its `RUN` lines there.
 *
 * @returns the exit code and output of the first `deno` command that failed, or of the last one
 */
async function buildContext(dockerfile: string, into: string) {
  const steps = instructions(dockerfile);
  const workdir = steps.find((s) => s.op === "WORKDIR")?.args ?? "/";
  const inside = (path: string) => join(into, path.startsWith("/") ? path : join(workdir, path));
  for (const { args } of steps.filter((s) => s.op === "COPY")) {
    const parts = args.split(/\s+/).filter((p) => !p.startsWith("--"));
    const dest = parts.pop()!;
    for (const src of parts) {
      const target = dest.endsWith("/") ? join(inside(dest), src) : inside(dest);
      await Deno.mkdir(dirname(target), { recursive: true });
      const copy = await new Deno.Command("cp", { args: ["-R", join(ROOT, src), target] })
        .output();
      assert.equal(copy.code, 0, `COPY ${src}: ${new TextDecoder().decode(copy.stderr)}`);
    }
  }
  const commands = steps.filter((s) => s.op === "RUN").flatMap((s) => s.args.split("&&"))
    .map((c) => c.trim()).filter((c) => c.startsWith("deno "));
  assert.ok(commands.length > 0, "the Dockerfile runs no deno command to check");
  let last = { code: 0, output: "" };
  for (const command of commands) {
    const out = await new Deno.Command(Deno.execPath(), {
      args: command.split(/\s+/).slice(1),
      cwd: inside("."),
      env: { NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder();
    last = { code: out.code, output: text.decode(out.stdout) + text.decode(out.stderr) };
    if (out.code !== 0) return { command, ...last };
  }
  return { command: commands.at(-1)!, ...last };
}

async function inTemp<T>(work: (dir: string) => Promise<T>): Promise<T> {
  const dir = await Deno.makeTempDir({ prefix: "stethoscope-docker-context-" });
  try {
    return await work(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("the Dockerfile's context, rebuilt from its COPY lines, passes its own RUN step (deno cache main.ts)", async () => {
  const run = await inTemp((dir) => buildContext(DOCKERFILE, dir));
  assert.equal(run.command, "deno cache main.ts");
  assert.equal(run.code, 0, run.output);
});

Deno.test("a Dockerfile that forgets a folder fails that check, naming the missing module", async () => {
  const forgetful = DOCKERFILE.replace(/^COPY lib \.\/lib\n/m, "");
  assert.notEqual(forgetful, DOCKERFILE, "the Dockerfile copies lib/");
  const run = await inTemp((dir) => buildContext(forgetful, dir));
  assert.equal(run.code, 1);
  assert.match(run.output, /Module not found "file:\/\/\/.*\/app\/lib\/[a-z_]+\.ts"/);
});

Deno.test("the image runs as a non-root user, checks its health, keeps ./data on a volume", () => {
  const steps = instructions(DOCKERFILE);
  const last = (op: string) => steps.findLast((s) => s.op === op)?.args;
  assert.equal(last("USER"), "deno");
  assert.equal(last("VOLUME"), '["/app/data"]');
  assert.match(last("HEALTHCHECK") ?? "", /\/healthz/);
  // the server's permissions are the start task's, so the image runs what the tests run
  const tasks = JSON.parse(Deno.readTextFileSync(join(ROOT, "deno.json"))).tasks;
  const startFlags = (tasks.start as string).split(/\s+/).filter((w) => w.startsWith("--allow"));
  const cmd = JSON.parse(last("CMD")!) as string[];
  assert.deepEqual(cmd.filter((w) => w.startsWith("--allow")), startFlags);
});
