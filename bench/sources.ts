/**
 * Over 300 lines because it is one benchmark read top to bottom: its rigs of fakes, the runs per
 * target and the report, each used once.
 *
 * Sources benchmark (`deno task bench:sources`), the targets of issue 4, measured with the real
 * plugins against loopback fakes, in one run on one machine:
 *
 * 1. Fan-out: five device sources that each answer in 100 ms (JAMF, a second JAMF, Google, a file
 *    source over HTTP, the demo source with `LATENCY_MS: 100`) → the Devices page through
 *    `app.request()`, median of 30 after warm-up, against the 130 ms target. The staged lookup
 *    with bitFit (ownership first, then serial and MAC lookups) is shown beside it.
 * 2. Deadline: one source hangs past its `TIMEOUT` of 0.3 s → page time minus the timeout,
 *    against the 20 ms target.
 * 3. Duo: the plugin's background poller reads 10 000 events (pages of 1000) from the Duo fake
 *    into an in-memory SQLite store, three times over; RSS and JS heap after each batch.
 *
 * Run: `deno run --allow-net=127.0.0.1 --allow-read --allow-env --v8-flags=--expose-gc
 *   bench/sources.ts`
 *
 * @module
 */
// deno-lint-ignore-file no-console
import { GOOGLE_SCOPES, startGoogleServiceAccount } from "../tests/support/google.ts";
import { silentLogger } from "../config/log.ts";
import type { PluginInstance } from "../plugins/plugin.ts";
import { REGISTRY } from "../plugins/registry.ts";
import duo from "../plugins/sources/duo.ts";
import { createSqliteStore } from "../plugins/stores/sqlite.ts";
import { BITFIT_TOKEN, startFakeBitfit } from "../tests/fakes/bitfit.ts";
import { authLog, DUO_HOST, DUO_IKEY, DUO_SKEY, startFakeDuo } from "../tests/fakes/duo.ts";
import { JAMF_ACCOUNT, startFakeJamf } from "../tests/fakes/jamf.ts";
import { startFake } from "../tests/fakes/server.ts";
import { demoWith, startApp, type TestApp } from "../tests/support/app.ts";
import { sleep } from "../lib/abort.ts";

const FRY = "fry@planetexpress.com";
const NOW = new Date("2026-11-26T12:00:00Z");
const SOURCE_MS = 100;
const FANOUT_TARGET_MS = 130;
const TIMEOUT_S = 0.3;
const DEADLINE_TARGET_MS = 20;
const RUNS = 30;
const WARMUP = 5;
const FIXTURES = new URL("../tests/fixtures/upstream/", import.meta.url);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function ms(value: number): string {
  return `${value.toFixed(1)} ms`;
}

async function fixture(path: string): Promise<Record<string, unknown>> {
  return JSON.parse(await Deno.readTextFile(new URL(path, FIXTURES)));
}

/** A file-source inventory (NDJSON): Fry's Windows desktop, as an export would list it. */
const INVENTORY = JSON.stringify({
  source: "inventory",
  name: "ws-pfry",
  model: "OptiPlex 7090",
  platform: "Windows",
  os: "Windows 11 Enterprise",
  os_version: "10.0.22631",
  email: FRY,
  last_sync: "2026-11-25T09:00:00Z",
  identifiers: { serial: "FRYWIN001", mac_addresses: ["3C:52:82:01:02:03"] },
  practices: { encryption: { value: true, last_updated: "2026-11-25T09:00:00Z" } },
}) + "\n";

interface Rig {
  app: TestApp;
  /** Fakes switched into failure modes by the scenarios. */
  jamfB: Awaited<ReturnType<typeof startFakeJamf>>;
  /** Advances the clock past the file source's refresh interval, so every page re-reads it. */
  tick(): void;
  close(): Promise<void>;
}

/** The app with five device sources (and bitFit when `staged`), each answering in ~100 ms. */
async function rig(options: { staged: boolean; timeoutB?: number }): Promise<Rig> {
  const [jamfA, jamfB, bitfit] = await Promise.all([
    startFakeJamf(),
    startFakeJamf(),
    startFakeBitfit(),
  ]);
  // JAMF answers by owner in two round trips (user, then computers in parallel); bitFit in three.
  jamfA.fail({ kind: "slow", ms: SOURCE_MS / 2 });
  jamfB.fail({ kind: "slow", ms: SOURCE_MS / 2 });
  bitfit.fail({ kind: "slow", ms: SOURCE_MS / 3 });
  const late: { app?: TestApp } = {};
  const { google, section: googleSection } = await startGoogleServiceAccount(() =>
    late.app?.clock.now ?? NOW
  );
  google.delayMs = SOURCE_MS;
  google.mobile.push({ ...await fixture("google/devices/android.json"), email: [FRY] });
  google.chromeos.push({
    ...await fixture("google/devices/chromeos.json"),
    recentUsers: [{ email: FRY, type: "USER_TYPE_MANAGED" }],
  });
  const files = startFake(() =>
    new Response(INVENTORY, { headers: { "Content-Type": "application/x-ndjson" } })
  );
  files.fail({ kind: "slow", ms: SOURCE_MS });

  const jamf = (hostaddr: string, timeout: number) => ({
    ...JAMF_ACCOUNT,
    JAMF_API_HOSTADDR: hostaddr,
    TIMEOUT: timeout,
  });
  const config = demoWith({
    PLUGINS: {
      jamf: jamf(jamfA.hostaddr, 5),
      jamf_b: jamf(jamfB.hostaddr, options.timeoutB ?? 5),
      google: await googleSection({
        scopes: [GOOGLE_SCOPES.chromeos, GOOGLE_SCOPES.mobile],
        timeout: 5,
      }),
      inventory: { URL: `${files.url}/export.ndjson`, REFRESH_SECONDS: 1, TIMEOUT: 5 },
      demo: { LATENCY_MS: SOURCE_MS, TIMEOUT: 5 },
      ...(options.staged
        ? { bitfit: { BITFIT_API_TOKEN: BITFIT_TOKEN, BITFIT_BASE_URL: bitfit.baseUrl } }
        : {}),
    },
  });
  const started = late.app = await startApp({
    config,
    now: NOW,
    registry: { ...REGISTRY, jamf_b: REGISTRY.jamf!, inventory: REGISTRY.file! },
    demoPeople: [{ email: FRY, name: "Philip J. Fry", story: "benchmark" }],
  });
  return {
    app: started,
    jamfB,
    tick() {
      started.clock.now = new Date(started.clock.now.getTime() + 2000);
    },
    async close() {
      await started.close();
      await Promise.all([jamfA, jamfB, bitfit, files, google].map((f) => f.close()));
    },
  };
}

/** Times `run` RUNS times after WARMUP untimed runs; returns the samples in ms. */
async function time(run: () => Promise<void>, runs = RUNS, warmup = WARMUP): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await run();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await run();
    samples.push(performance.now() - start);
  }
  return samples;
}

/** Renders the Devices page once, checking it shows Fry's devices. */
async function pageOnce(r: Rig, cookie: string, expectCards: number): Promise<void> {
  r.tick();
  const res = await r.app.request("/devices", { cookie });
  const html = await res.text();
  const cards = html.match(/<article class="panel device /g)?.length ?? 0;
  if (res.status !== 200 || cards !== expectCards) {
    throw new Error(
      `Devices page: status ${res.status}, ${cards} devices, ${expectCards} expected`,
    );
  }
}

/** Each source called alone (median of 10), by plugin name, in ms. */
async function eachSourceAlone(r: Rig): Promise<Map<string, number>> {
  const alone = new Map<string, number>();
  for (const p of r.app.services.plugins) {
    const source = p.instance as PluginInstance & {
      devicesByEmail?: (e: string, o: { signal: AbortSignal }) => Promise<unknown[]>;
      ownedDevicesByEmail?: (e: string, o: { signal: AbortSignal }) => Promise<unknown[]>;
    };
    const call = source.devicesByEmail ?? source.ownedDevicesByEmail;
    if (!call) continue;
    const samples = await time(
      async () => {
        r.tick();
        await call.call(source, FRY, { signal: AbortSignal.timeout(5000) });
      },
      10,
      2,
    );
    alone.set(p.name, median(samples));
  }
  return alone;
}

function describe(alone: Map<string, number>): string {
  return [...alone].map(([name, t]) => `${name} ${ms(t)}`).join(", ");
}

/** What one configuration measured: the page and each source alone. */
interface PageFigures {
  page: number;
  alone: Map<string, number>;
}

/**
 * The Devices page with the rig's sources. Fry has JAMF's two Macs (from both JAMF instances and
 * bitFit, merged), Google's phone and Chromebook and the inventory's Windows desktop.
 */
async function pageFigures(staged: boolean): Promise<PageFigures> {
  const r = await rig({ staged });
  try {
    const cookie = await r.app.login(FRY);
    const alone = await eachSourceAlone(r);
    const page = median(await time(() => pageOnce(r, cookie, 5)));
    return { page, alone };
  } finally {
    await r.close();
  }
}

async function deadline(): Promise<number> {
  const r = await rig({ staged: false, timeoutB: TIMEOUT_S });
  try {
    const cookie = await r.app.login(FRY);
    r.jamfB.fail({ kind: "hang" });
    // jamf_b's Macs are also served by jamf, so the page still shows five devices.
    return median(await time(() => pageOnce(r, cookie, 5), RUNS, 2));
  } finally {
    await r.close();
  }
}

function memory(): { rss: number; heap: number } {
  (globalThis as { gc?: () => void }).gc?.();
  const m = Deno.memoryUsage();
  return { rss: m.rss / 2 ** 20, heap: m.heapUsed / 2 ** 20 };
}

async function duoMemory(): Promise<void> {
  const BATCH = 10_000;
  const BATCHES = 3;
  const fake = startFakeDuo();
  fake.pageSize = 1000;
  const clock = { now: NOW };
  // Batch b happens in the ten hours before NOW + 2b days; retention is one day, so each poll
  // also prunes the previous batch: the cache holds one batch at a time.
  const batchEnd = (b: number) => NOW.getTime() + 2 * b * 86_400_000 - 5 * 60_000;
  for (let b = 0; b < BATCHES; b++) {
    for (let i = 0; i < BATCH; i++) {
      const at = new Date(batchEnd(b) - (BATCH - i) * 3600);
      fake.logs.push(authLog(at, { user: i % 50 === 0 ? "fry" : `user${i % 400}` }));
    }
  }
  const store = await createSqliteStore({
    path: ":memory:",
    log: silentLogger,
    now: () => clock.now,
  });
  const config = duo.schema.parse({
    DUO_INTEGRATION_KEY: DUO_IKEY,
    DUO_SECRET_KEY: DUO_SKEY,
    DUO_API_HOSTNAME: DUO_HOST,
    DUO_API_URL: fake.url,
    POLL_SECONDS: 0.05,
    RETENTION_DAYS: 1,
    TIMEOUT: 10,
  });
  const before = memory();
  console.log(
    `  before: RSS ${before.rss.toFixed(1)} MiB, JS heap ${before.heap.toFixed(1)} MiB`,
  );
  const plugin = await duo.create(config, {
    name: "duo",
    timeoutMs: 10_000,
    log: silentLogger,
    store,
    now: () => clock.now,
    demo: false,
  });
  let previous = before;
  try {
    for (let b = 0; b < BATCHES; b++) {
      clock.now = new Date(batchEnd(b) + 5 * 60_000);
      const last = new Date(Math.floor((batchEnd(b) - 3600) / 1000) * 1000);
      const asked = fake.requests.length;
      const started = performance.now();
      while ((await store.events.latestEventTime("duo"))?.getTime() !== last.getTime()) {
        await sleep(20);
      }
      const seconds = (performance.now() - started) / 1000;
      const requests = fake.requests.length - asked;
      await sleep(200); // let the poll finish pruning
      const fry = await plugin.eventsByEmail!(FRY, { signal: AbortSignal.timeout(5000) });
      const now = memory();
      console.log(
        `  after batch ${b + 1} (${BATCH} events, ${requests} requests, ${
          seconds.toFixed(2)
        } s; Fry has ${fry.length} cached): RSS ${now.rss.toFixed(1)} MiB (${
          signed(now.rss - previous.rss)
        } MiB), JS heap ${now.heap.toFixed(1)} MiB (${signed(now.heap - previous.heap)} MiB)`,
      );
      previous = now;
    }
  } finally {
    await plugin.close?.();
    await store.close();
    await fake.close();
  }
  const end = memory();
  console.log(
    `  growth over ${BATCHES * BATCH} events: RSS ${signed(end.rss - before.rss)} MiB, ` +
      `JS heap ${signed(end.heap - before.heap)} MiB`,
  );
}

function signed(value: number): string {
  return `${value >= 0 ? "+" : ""}${value.toFixed(1)}`;
}

if (import.meta.main) {
  console.log("Fan-out: five device sources, each answering in ~100 ms");
  const fan = await pageFigures(false);
  const slowest = Math.max(...fan.alone.values());
  console.log(`  each source alone (median of 10): ${describe(fan.alone)}`);
  console.log(
    `  Devices page, median of ${RUNS}: ${ms(fan.page)} (target < ${FANOUT_TARGET_MS} ms: ` +
      `${(fan.page / FANOUT_TARGET_MS).toFixed(2)}× target; ${
        (fan.page / slowest).toFixed(2)
      }× the slowest source alone, ${ms(fan.page - slowest)} above it; ` +
      `the five one after another would take ≥ ${5 * SOURCE_MS} ms)`,
  );
  console.log("Staged: the same plus bitFit (ownership first, then serial and MAC lookups)");
  const staged = await pageFigures(true);
  console.log(`  each source alone (median of 10): ${describe(staged.alone)}`);
  const path = (staged.alone.get("bitfit") ?? 0) + SOURCE_MS / 2;
  console.log(
    `  Devices page, median of ${RUNS}: ${ms(staged.page)} (${
      (staged.page / fan.page).toFixed(2)
    }× the fan-out; the stages are sequential by design: bitFit alone + one JAMF round trip ` +
      `of ${SOURCE_MS / 2} ms = ${ms(path)} at least)`,
  );
  console.log(`Deadline: one source hangs, TIMEOUT ${TIMEOUT_S} s`);
  const hung = await deadline();
  const over = hung - TIMEOUT_S * 1000;
  console.log(
    `  Devices page, median of ${RUNS}: ${ms(hung)}; minus TIMEOUT: ${ms(over)} ` +
      `(target ≤ ${DEADLINE_TARGET_MS} ms: ${(over / DEADLINE_TARGET_MS).toFixed(2)}× target)`,
  );
  console.log("Duo poller: 3 × 10 000 events into an in-memory SQLite store (retention 1 day)");
  if (!(globalThis as { gc?: unknown }).gc) {
    console.log("  (run with --v8-flags=--expose-gc for steadier memory figures)");
  }
  await duoMemory();
}
