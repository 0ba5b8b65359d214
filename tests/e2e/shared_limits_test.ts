/**
 * Several processes, one company (issue 24): two real `main.ts serve` processes on one SQLite
 * file share the per-address rate limits (the README's 20 sign-in and 120 API requests a minute
 * hold for both together, here set lower) and run one Duo poller between them, which another
 * process takes over when its holder stops or dies.
 *
 * The poller's lease lasts three `POLL_SECONDS`: here 3 s each, so the lease (9 s) outlasts any
 * pause a loaded machine gives a process between two renewals (at 0.2 s, a 0.6 s pause let the
 * second process take the lease over, and both said they polled). Nothing is timed: every step
 * waits for what a process logs or what the fake Duo receives, each wait bounded by a generous
 * deadline that fails the test with what it waited for.
 *
 * @module
 */
import assert from "node:assert/strict";
import { abortable } from "../../lib/abort.ts";
import { DUO_HOST, DUO_IKEY, DUO_SKEY, startFakeDuo } from "../fakes/duo.ts";
import { type FakeOidc, startFakeOidc } from "../fakes/oidc.ts";
import { sharedProcessConfig } from "../support/shared_processes.ts";
import { type RunningServer, startServer } from "../support/server.ts";

const LOGIN_LIMIT = 6;
const API_LIMIT = 10;
const POLLS = "duo: this process polls Duo";
const WAITS = "duo: another process polls Duo";
/** Seconds between polls; the lease is three of them (`plugins/sources/duo.ts`). */
const POLL_SECONDS = 3;
/** How long any one wait may take before the test fails: a bound, not a speed target. */
const DEADLINE_MS = 120_000;

/** `promise`, or a rejection naming `what` after {@link DEADLINE_MS}. */
function within<T>(what: string, promise: Promise<T>): Promise<T> {
  const deadline = AbortSignal.timeout(DEADLINE_MS);
  return abortable(promise, deadline).catch((error: unknown) => {
    throw deadline.aborted ? new Error(`${what}: not within ${DEADLINE_MS / 1000} s`) : error;
  });
}

async function writeConfig(cwd: string, oidc: FakeOidc, duoUrl: string): Promise<void> {
  await Deno.writeTextFile(
    `${cwd}/config.json`,
    JSON.stringify({
      PLUGINS: {
        demo: {},
        duo: {
          DUO_INTEGRATION_KEY: DUO_IKEY,
          DUO_SECRET_KEY: DUO_SKEY,
          DUO_API_HOSTNAME: DUO_HOST,
          DUO_API_URL: duoUrl,
          POLL_SECONDS,
        },
      },
      ...sharedProcessConfig(oidc),
      // an hour per bucket: nothing refills while the test runs, so the counts are exact
      RATE_LIMITS: {
        LOGIN: { REQUESTS: LOGIN_LIMIT, PER_SECONDS: 3600 },
        API: { REQUESTS: API_LIMIT, PER_SECONDS: 3600 },
      },
      RELEASE_DATA: { FETCH: false },
    }),
  );
}

/** Sends `n` GETs of `path`, alternating between the servers; resolves how many were not 429. */
async function accepted(servers: RunningServer[], path: string, n: number): Promise<number> {
  let ok = 0;
  for (let i = 0; i < n; i++) {
    const res = await fetch(`${servers[i % servers.length]!.url}${path}`, { redirect: "manual" });
    await res.body?.cancel();
    if (res.status !== 429) ok++;
  }
  return ok;
}

/** Which of the servers logged that it polls Duo (waits until each said one or the other). */
async function poller(servers: RunningServer[], after: number[]): Promise<RunningServer> {
  const said = await within(
    "each process says whether it polls Duo",
    Promise.all(
      servers.map((s, i) =>
        Promise.race([s.lineWith(POLLS, after[i]), s.lineWith(WAITS, after[i])])
      ),
    ),
  );
  const polling = servers.filter((_, i) => said[i]!.includes(POLLS));
  assert.equal(polling.length, 1, `one poller among ${servers.length} processes`);
  return polling[0]!;
}

Deno.test("two processes on one store share the rate limits and one Duo poller", async (t) => {
  const oidc = await startFakeOidc();
  const duo = startFakeDuo();
  const cwd = await Deno.makeTempDir({ prefix: "stethoscope-shared-" });
  const servers: RunningServer[] = [];
  const serve = async () => {
    const s = await startServer(["--config", "config.json"], { cwd });
    servers.push(s);
    return s;
  };
  try {
    await writeConfig(cwd, oidc, duo.url);
    const [a, b] = [await serve(), await serve()];

    await t.step("the sign-in limit holds for both processes together", async () => {
      assert.equal(await accepted([a, b], "/login", 2 * LOGIN_LIMIT), LOGIN_LIMIT);
    });

    await t.step("the API limit holds for both processes together", async () => {
      const path = "/api/v1/devices/merged/fry@example.com";
      assert.equal(await accepted([a, b], path, 2 * API_LIMIT), API_LIMIT);
    });

    await t.step("one process polls Duo; the other takes over when it stops", async () => {
      const first = await poller([a, b], [0, 0]);
      // the poller's first request: the process that says it polls does ask Duo
      await within("the poller's first request to Duo", duo.received(1));
      const other = first === a ? b : a;
      const mark = other.lineCount();
      assert.equal(await first.stop(), 0);
      servers.splice(servers.indexOf(first), 1);
      const asked = duo.requests.length;
      assert.match(
        await within("the other process takes the lease", other.lineWith(POLLS, mark)),
        /this process polls Duo/,
      );
      // the first process has ended: this request is the new poller's
      await within("the new poller's request to Duo", duo.received(asked + 1));
    });

    await t.step("and when the poller's process dies without a word", async () => {
      const holder = servers[0]!;
      const c = await serve();
      assert.match(
        await within("a third process waits", c.lineWith(WAITS)),
        /another process polls Duo/,
      );
      const mark = c.lineCount();
      Deno.kill(holder.pid, "SIGKILL");
      // the lease runs out (three to four poll intervals) and the waiting process takes it
      assert.match(
        await within("the waiting process takes the dead one's lease", c.lineWith(POLLS, mark)),
        /this process polls Duo/,
      );
      await holder.stop().catch(() => {});
      servers.splice(servers.indexOf(holder), 1);
    });
  } finally {
    for (const s of servers) await s.stop();
    await oidc.close();
    await duo.close();
    await Deno.remove(cwd, { recursive: true });
  }
});
